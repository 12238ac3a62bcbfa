#!/usr/bin/env bash
# protoc-rs's built-in Python generators against grpcio-tools' protoc:
# the same command line (`--python_out --pyi_out --grpc_python_out`) must
# write byte-identical files and end the same way (exit status, standard
# error).
#
# Sets: the seed's proto; googleapis-mid in one run; every protobuf test
# file protoc 35 accepts (fixtures/goldens/protoc35/protobuf.digests), one
# run each; every fixture under fixtures/python/, one run each, with its
# folder (fixtures/python/pb2, .../pyi, .../grpc) as the include path.
#
# Prints `SET identical: I/N` (N: files either compiler wrote) and fails
# unless every line is N/N with every run ending alike.
#
# Usage: scripts/python-parity.sh   (builds protoc-rs in release mode)
#        PARITY_SETS="seed fixtures" PARITY_OUTS="python pyi" scripts/python-parity.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require

cargo build --release --quiet --features cli --bin protoc-rs

corpus=${CORPUS:-$root/../shared/corpus}
seed=${SEED:-$root/../shared/seed/protos}
bin=${PROTOC_RS:-$root/target/release/protoc-rs}
sets=${PARITY_SETS:-seed googleapis-mid protobuf fixtures}
outs=${PARITY_OUTS:-python pyi grpc_python}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One compiler's run: COMPILER OUT DIR "ARGS" "FILES". Leaves OUT/files,
# OUT/status and OUT/stderr.
run_one() {
  local compiler=$1 out=$2 dir=$3 args=$4 files=$5
  mkdir -p "$out/files"
  local command=("${protoc35[@]}")
  [ "$compiler" = protoc-rs ] && command=("$bin")
  local flags=() status=0
  for generator in $outs; do flags+=("--${generator}_out=$out/files"); done
  # shellcheck disable=SC2086 # ARGS and FILES are word lists
  (cd "$dir" && "${command[@]}" $args "${flags[@]}" $files) > /dev/null 2> "$out/stderr" || status=$?
  echo "$status" > "$out/status"
}

failed=0
identical=0
total=0
outcomes=0
count=0
# Compares one run: NAME DIR "ARGS" "FILES".
compare_run() {
  local name=$1 dir=$2 args=$3 files=$4
  count=$((count + 1))
  local a=$scratch/p35/$count b=$scratch/rs/$count
  run_one protoc35 "$a" "$dir" "$args" "$files"
  run_one protoc-rs "$b" "$dir" "$args" "$files"
  # Sorted lines: protoc 35 orders a file's unused-import warnings by hash.
  sed -i "s|$a/files|OUT|g" "$a/stderr" && LC_ALL=C sort -o "$a/stderr" "$a/stderr"
  sed -i "s|$b/files|OUT|g" "$b/stderr" && LC_ALL=C sort -o "$b/stderr" "$b/stderr"
  if ! cmp -s "$a/status" "$b/status" || ! cmp -s "$a/stderr" "$b/stderr"; then
    outcomes=$((outcomes + 1))
    if [ "$outcomes" -le 3 ]; then
      echo "$name: ended differently (protoc 35: $(cat "$a/status"), protoc-rs: $(cat "$b/status"))" >&2
      diff "$a/stderr" "$b/stderr" | head -6 >&2 || true
    fi
  fi
  while IFS= read -r rel; do
    total=$((total + 1))
    if cmp -s "$a/files/$rel" "$b/files/$rel"; then
      identical=$((identical + 1))
    elif [ $((total - identical)) -le 3 ]; then
      echo "$name: $rel differs" >&2
      diff "$a/files/$rel" "$b/files/$rel" 2>&1 | head -8 >&2 || true
    fi
  done < <( (cd "$a/files" && find . -type f; cd "$b/files" && find . -type f) | sed 's|^\./||' | LC_ALL=C sort -u)
  rm -rf "$a" "$b"
}

# Prints the set's line and starts the next count.
finish_set() {
  local set=$1
  echo "$set identical: $identical/$total (runs ending differently: $outcomes of $count)"
  if [ "$identical" -ne "$total" ] || [ "$outcomes" -ne 0 ] || [ "$total" -eq 0 ]; then
    failed=$((failed + 1))
  fi
  identical=0 total=0 outcomes=0 count=0
}

for set in $sets; do
  case $set in
    seed)
      compare_run seed "$seed" "-I." "test.proto"
      ;;
    googleapis-mid)
      compare_run googleapis-mid "$corpus" "-Igoogleapis -Iprotobuf" "$(tr '\n' ' ' < "$corpus/googleapis-mid.txt")"
      ;;
    protobuf)
      while read -r file _; do
        compare_run "protobuf/$file" "$corpus/protobuf" "-I." "$file"
      done < fixtures/goldens/protoc35/protobuf.digests
      ;;
    fixtures)
      for folder in fixtures/python/*/; do
        folder=${folder%/}
        while IFS= read -r file; do
          compare_run "$folder/$file" "$root/$folder" "-I." "$file"
        done < <(cd "$folder" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
      done
      ;;
    *)
      echo "python-parity.sh: unknown set $set" >&2
      exit 2
      ;;
  esac
  finish_set "$set"
done

if [ "$failed" -ne 0 ]; then
  echo "python-parity: $failed set(s) differ" >&2
  exit 1
fi
