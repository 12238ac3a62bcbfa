#!/usr/bin/env bash
# Real third-party protoc plugins, run by protoc 35 and by protoc-rs with
# the same command line: every file they write must be byte-identical, and
# every run must end the same way (exit status and standard error).
#
# Plugins (installed when missing, at the versions pinned below):
#   grpc_cpp, grpc_python  Debian's protobuf-compiler-grpc (grpc_cpp_plugin,
#                          grpc_python_plugin)
#   go                     Debian's protoc-gen-go
#   mypy                   PyPI's mypy-protobuf (protoc-gen-mypy and
#                          protoc-gen-mypy_grpc)
#   ts-proto               npm's ts-proto (protoc-gen-ts_proto)
# Inputs: the seed's proto, googleapis-mid in one run, and every protobuf
# test file protoc 35 accepts (fixtures/goldens/protoc35/protobuf.digests),
# one run each.
#
# Then protoc-rs's own plugin: protoc 35 running protoc-gen-prost-rs must
# write what `protoc-rs compile --rust-out` writes, on the seed's proto and
# googleapis-mid.
#
# Prints `PLUGIN identical: I/N` (N: files either compiler wrote) and
# fails unless every line is N/N with every run ending alike.
#
# Usage: scripts/plugin-parity.sh   (builds both binaries in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require

cargo build --release --quiet --features cli --bin protoc-rs --bin protoc-gen-prost-rs

corpus=${CORPUS:-$root/../shared/corpus}
seed=${SEED:-$root/../shared/seed/protos}
bin=${PROTOC_RS:-$root/target/release/protoc-rs}
prost_rs_plugin=${PROTOC_GEN_PROST_RS:-$root/target/release/protoc-gen-prost-rs}
tools=${PLUGIN_TOOLS:-$root/target/plugin-tools}

mypy_pin=mypy-protobuf==5.1.0
ts_proto_pin=ts-proto@2.18.0

# --- the plugins ------------------------------------------------------------
if ! command -v grpc_cpp_plugin > /dev/null || ! command -v protoc-gen-go > /dev/null; then
  echo "== installing protobuf-compiler-grpc and protoc-gen-go (apt)" >&2
  apt-get install -y -qq protobuf-compiler-grpc protoc-gen-go > /dev/null 2>&1 ||
    { apt-get update -qq > /dev/null && apt-get install -y -qq protobuf-compiler-grpc protoc-gen-go > /dev/null; }
fi
if ! python3 -c 'import mypy_protobuf' 2> /dev/null; then
  echo "== installing $mypy_pin (pip)" >&2
  python3 -m pip install --quiet --disable-pip-version-check "$mypy_pin"
fi
ts_proto=$tools/node_modules/.bin/protoc-gen-ts_proto
if [ ! -x "$ts_proto" ]; then
  echo "== installing $ts_proto_pin (npm)" >&2
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund --prefix . "$ts_proto_pin" > /dev/null)
fi
# mypy-protobuf's plugins are Python entry points; run them with the
# interpreter that has the package, whatever PATH holds.
mkdir -p "$tools/bin"
for name in mypy mypy_grpc; do
  module=mypy_protobuf.main
  function=main
  [ "$name" = mypy_grpc ] && function=grpc
  cat > "$tools/bin/protoc-gen-$name" << EOF
#!/bin/sh
exec "$protoc35_python" -c 'import sys; from $module import $function; sys.exit($function())'
EOF
  chmod +x "$tools/bin/protoc-gen-$name"
done

plugin_names=(grpc_cpp grpc_python go mypy ts-proto)
# The flags of each plugin; OUT stands for its output directory.
plugin_flags() {
  case $1 in
    grpc_cpp) echo "--plugin=protoc-gen-grpc=$(command -v grpc_cpp_plugin) --grpc_out=OUT" ;;
    # grpc_tools has a built-in --grpc_python_out; the plugin gets its own name.
    grpc_python) echo "--plugin=protoc-gen-grpcpy=$(command -v grpc_python_plugin) --grpcpy_out=OUT" ;;
    go) echo "--plugin=protoc-gen-go=$(command -v protoc-gen-go) --go_out=OUT" ;;
    mypy) echo "--plugin=protoc-gen-mypy=$tools/bin/protoc-gen-mypy --mypy_out=OUT" \
      "--plugin=protoc-gen-mypy_grpc=$tools/bin/protoc-gen-mypy_grpc --mypy_grpc_out=OUT" ;;
    ts-proto) echo "--plugin=protoc-gen-ts_proto=$ts_proto --ts_proto_out=OUT" ;;
  esac
}

# --- the runs ---------------------------------------------------------------
# Each run: a name, the directory it runs in, its arguments before the
# files, and the files.
runs=()
run_dir=()
run_args=()
run_files=()
add_run() { runs+=("$1"); run_dir+=("$2"); run_args+=("$3"); run_files+=("$4"); }
add_run seed "$seed" "-I." "test.proto"
add_run googleapis-mid "$corpus" "-Igoogleapis -Iprotobuf" "$(tr '\n' ' ' < "$corpus/googleapis-mid.txt")"
while read -r file _; do
  add_run "protobuf/$file" "$corpus/protobuf" "-I." "$file"
done < fixtures/goldens/protoc35/protobuf.digests
# PARITY_RUNS=N keeps the first N runs (for a quick look while debugging).
if [ -n "${PARITY_RUNS:-}" ]; then
  runs=("${runs[@]:0:$PARITY_RUNS}")
fi

# protoc-gen-go needs each file's Go import path: the files without a
# go_package get one from the command line.
go_mappings=("--go_opt=Mtest.proto=example.com/seed")
while read -r file; do
  if ! grep -q '^option go_package' "$corpus/protobuf/$file"; then
    go_mappings+=("--go_opt=M$file=example.com/protobuf/$(dirname "$file")")
  fi
done < "$corpus/protobuf-files.txt"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One compiler's run: COMPILER OUT DIR "ARGS" "FILES" FLAGS... Leaves
# OUT/files, OUT/status and OUT/stderr.
run_one() {
  local compiler=$1 out=$2 dir=$3 args=$4 files=$5
  shift 5
  local flags=()
  for flag in "$@"; do flags+=("${flag//OUT/$out/files}"); done
  mkdir -p "$out/files"
  local command=("${protoc35[@]}")
  [ "$compiler" = protoc-rs ] && command=("$bin")
  local status=0
  # shellcheck disable=SC2086 # ARGS and FILES are word lists
  (cd "$dir" && "${command[@]}" $args "${flags[@]}" $files) > /dev/null 2> "$out/stderr" || status=$?
  echo "$status" > "$out/status"
}

failed=0
compare_plugin() {
  local plugin=$1
  shift
  local identical=0 total=0 outcomes=0
  for i in "${!runs[@]}"; do
    local a=$scratch/p35/$plugin/$i b=$scratch/rs/$plugin/$i
    run_one protoc35 "$a" "${run_dir[$i]}" "${run_args[$i]}" "${run_files[$i]}" "$@"
    run_one protoc-rs "$b" "${run_dir[$i]}" "${run_args[$i]}" "${run_files[$i]}" "$@"
    # Compared as sorted lines: protoc 35 orders a file's unused-import
    # warnings by hash, differently from one run to the next.
    sed -i "s|$a/files|OUT|g" "$a/stderr" && LC_ALL=C sort -o "$a/stderr" "$a/stderr"
    sed -i "s|$b/files|OUT|g" "$b/stderr" && LC_ALL=C sort -o "$b/stderr" "$b/stderr"
    if ! cmp -s "$a/status" "$b/status" || ! cmp -s "$a/stderr" "$b/stderr"; then
      outcomes=$((outcomes + 1))
      if [ "$outcomes" -le 3 ]; then
        echo "$plugin, ${runs[$i]}: ended differently (protoc 35: $(cat "$a/status"), protoc-rs: $(cat "$b/status"))" >&2
        diff "$a/stderr" "$b/stderr" | head -6 >&2 || true
      fi
    fi
    while IFS= read -r rel; do
      total=$((total + 1))
      if cmp -s "$a/files/$rel" "$b/files/$rel"; then
        identical=$((identical + 1))
      elif [ $((total - identical)) -le 3 ]; then
        echo "$plugin, ${runs[$i]}: $rel differs" >&2
        diff "$a/files/$rel" "$b/files/$rel" 2>&1 | head -6 >&2 || true
      fi
    done < <( (cd "$a/files" && find . -type f; cd "$b/files" && find . -type f) | sed 's|^\./||' | LC_ALL=C sort -u)
    rm -rf "$a" "$b"
  done
  echo "$plugin identical: $identical/$total (runs ending differently: $outcomes of ${#runs[@]})"
  if [ "$identical" -ne "$total" ] || [ "$outcomes" -ne 0 ] || [ "$total" -eq 0 ]; then
    failed=$((failed + 1))
  fi
}

for plugin in "${plugin_names[@]}"; do
  # shellcheck disable=SC2046 # the flags are a word list
  if [ "$plugin" = go ]; then
    compare_plugin "$plugin" $(plugin_flags "$plugin") "${go_mappings[@]}"
  else
    compare_plugin "$plugin" $(plugin_flags "$plugin")
  fi
done

# --- protoc-gen-prost-rs under protoc 35, against --rust-out ------------------
identical=0
total=0
for i in 0 1; do
  a=$scratch/prost-rs/plugin/$i
  b=$scratch/prost-rs/rust-out/$i
  mkdir -p "$a" "$b"
  # shellcheck disable=SC2086
  if ! (cd "${run_dir[$i]}" && "${protoc35[@]}" ${run_args[$i]} \
    "--plugin=protoc-gen-prost-rs=$prost_rs_plugin" "--prost-rs_out=$a" ${run_files[$i]} 2> "$a.err"); then
    echo "prost-rs, ${runs[$i]}: protoc 35 running protoc-gen-prost-rs failed:" >&2
    grep -v 'warning: Import' "$a.err" | head -5 >&2
    failed=$((failed + 1))
  fi
  # shellcheck disable=SC2086
  if ! (cd "${run_dir[$i]}" && "$bin" compile ${run_args[$i]} --rust-out "$b" ${run_files[$i]} 2> "$b.err"); then
    echo "prost-rs, ${runs[$i]}: protoc-rs compile --rust-out failed:" >&2
    head -5 "$b.err" >&2
    failed=$((failed + 1))
  fi
  while IFS= read -r rel; do
    total=$((total + 1))
    if cmp -s "$a/$rel" "$b/$rel"; then
      identical=$((identical + 1))
    else
      echo "prost-rs, ${runs[$i]}: $rel differs from --rust-out's" >&2
    fi
  done < <( (cd "$a" && find . -type f; cd "$b" && find . -type f) | sed 's|^\./||' | LC_ALL=C sort -u)
done
echo "protoc-gen-prost-rs under protoc 35 = --rust-out: $identical/$total files"
if [ "$identical" -ne "$total" ] || [ "$total" -eq 0 ]; then
  failed=$((failed + 1))
fi

if [ "$failed" -ne 0 ]; then
  echo "plugin parity: $failed checks failed" >&2
  exit 1
fi
echo "plugin parity: every plugin's files identical under protoc 35 and protoc-rs"
