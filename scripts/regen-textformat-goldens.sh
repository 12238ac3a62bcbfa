#!/usr/bin/env bash
# Regenerates the text-format goldens from protoc 35 (python3 -m
# grpc_tools.protoc): for every case of fixtures/textformat/cases.txt it
# runs protoc's --encode, --decode or --decode_raw on the input and writes,
# into fixtures/goldens/textformat/:
#
#   <schema>.pb                the schema's descriptor set (--include_imports,
#                              no source info)
#   <input>.<mode>.out         protoc's stdout, byte for byte
#   <input>.<mode>.status      "exit: N", then protoc's stderr
#
# For every encode that succeeds it also decodes protoc's own output, with
# --decode (mode "redecode") and --decode_raw ("redecode_raw").
#
# protoc's absl log lines (its complaint about invalid UTF-8 when it
# serializes a proto3 string, with a timestamp) are left out of the status
# files: they are logging, not the text parser's messages, and differ on
# every run. Everything else is recorded as protoc wrote it.
#
# tests/textformat_parity.rs compares against these files and never runs
# protoc. Needs: pip install grpcio-tools, and for corpus: schemas the
# shared corpus ($CORPUS, default /work/shared/corpus).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
protoc=("${protoc35[@]}")
version=$("${protoc[@]}" --version)

fixtures=fixtures/textformat
out=fixtures/goldens/textformat
corpus=${CORPUS:-/work/shared/corpus}
rm -rf "$out"
mkdir -p "$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Include paths and file name of a schema column.
schema_args() {
  case "$1" in
    corpus:*) echo "-I$corpus/googleapis -I$corpus/protobuf ${1#corpus:}" ;;
    *) echo "-I$fixtures $1" ;;
  esac
}

schema_name() {
  local path=${1#corpus:}
  basename "$path" .proto
}

# The input's bytes: text as is, hex decoded (# starts a comment).
read_input() {
  case "$1" in
    *.hex)
      python3 -c '
import sys
data = bytearray()
for line in open(sys.argv[1]):
    data += bytes.fromhex("".join(line.split("#", 1)[0].split()))
sys.stdout.buffer.write(data)' "$fixtures/$1" ;;
    *) cat "$fixtures/$1" ;;
  esac
}

# run MODE SCHEMA TYPE INPUT_FILE NAME: records protoc's result as NAME.
run() {
  local mode=$1 schema=$2 type=$3 input=$4 name=$5
  local args=()
  case "$mode" in
    encode) args=(--encode="$type" $(schema_args "$schema")) ;;
    encode_deterministic) args=(--encode="$type" --deterministic_output $(schema_args "$schema")) ;;
    decode | redecode) args=(--decode="$type" $(schema_args "$schema")) ;;
    decode_raw | redecode_raw) args=(--decode_raw) ;;
  esac
  local status=0
  "${protoc[@]}" "${args[@]}" < "$input" > "$out/$name.out" 2> "$scratch/stderr" || status=$?
  {
    echo "# $version: $mode $schema $type (scripts/regen-textformat-goldens.sh; do not edit)"
    echo "exit: $status"
    grep -a -v -e '^WARNING: All log messages before absl::InitializeLog()' \
      -e '^[EWI][0-9]\{4\} [0-9:.]* ' "$scratch/stderr" || true
  } > "$out/$name.status"
  return $status
}

declare -A done_schemas=()
cases=0
while read -r mode schema type input; do
  case "$mode" in "" | "#"*) continue ;; esac
  if [ "$schema" != - ] && [ -z "${done_schemas[$schema]:-}" ]; then
    "${protoc[@]}" --include_imports -o "$out/$(schema_name "$schema").pb" $(schema_args "$schema")
    done_schemas[$schema]=1
  fi
  stem=$(basename "${input%.*}")
  read_input "$input" > "$scratch/input"
  cases=$((cases + 1))
  if run "$mode" "$schema" "$type" "$scratch/input" "$stem.$mode" && [ "$mode" = encode ]; then
    cp "$out/$stem.$mode.out" "$scratch/encoded"
    run redecode "$schema" "$type" "$scratch/encoded" "$stem.redecode" || true
    run redecode_raw - - "$scratch/encoded" "$stem.redecode_raw" || true
    cases=$((cases + 2))
  fi
done < "$fixtures/cases.txt"
echo "$cases goldens written in $out"
