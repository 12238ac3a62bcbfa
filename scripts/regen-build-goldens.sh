#!/usr/bin/env bash
# regen-build-goldens.sh [--update-locks] [FIXTURE...]
#
# Regenerates fixtures/goldens/build-options/: one golden directory per
# fixture in fixtures/build-options/<name>/chain.rs, made by the real
# prost-build 0.14.6 or tonic-prost-build 0.14.9 (the chain's first line,
# `// prost` or `// tonic`, says which) with the real protoc 35 as PROTOC
# (a wrapper around `python3 -m grpc_tools.protoc`).
#
# Each fixture becomes a crate in a scratch workspace whose build.rs is
#
#     use prost_build as build;   // or tonic_prost_build
#     fn main() {
#         let out_dir = <$OUT_DIR>;
#         std::env::set_current_dir(<fixtures/build-options>);
#         let chain = || -> std::io::Result<()> { include!("<name>/chain.rs") };
#         let result: std::io::Result<()> = chain(); // a closure: `?` works
#         result.unwrap();
#     }
#
# (a build script runs in its own process, so changing its current
# directory is safe). After `cargo build`, every file the chain wrote to
# OUT_DIR is copied to fixtures/goldens/build-options/<name>/, and the
# `cargo:` lines the build script printed to <name>/cargo-lines.txt.
# tests/build_options.rs runs the same chains through protoc_rs::prost and
# protoc_rs::tonic and compares.
#
# prost fixtures and tonic fixtures are built in two separate workspaces:
# tonic-prost-build turns on prost-build's `cleanup-markdown` feature, which
# a prost-build-only user does not get, and cargo would unify the two.
#
# First, the committed input descriptor sets fixtures/build-options/
# descriptors/{shop,measure}.pb are remade with protoc 35.
#
# Versions come from fixtures/build-options/locks/{prost,tonic}.Cargo.lock;
# the build may add or drop the scratch crates' own entries but must not
# change a registry package (checked). --update-locks re-resolves them,
# seeded from tests/drop-in/Cargo.lock, and writes them back.
# FIXTURE...: regenerate only these (the defaults of each crate always
# run too, for the comparison below).
#
# At the end, each fixture's output is compared with its crate's defaults
# fixture; a fixture whose files equal the defaults' is listed (the option
# has no effect on these protos, or none at all in the real crate).
#
# The target directory is $BUILD_OPTIONS_TARGET_DIR, or
# fixtures/build-options/target (ignored by git).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/fixtures/build-options
goldens=$root/fixtures/goldens/build-options
locks=$fixtures/locks
prost_build_pin=0.14.6
tonic_prost_build_pin=0.14.9
export CARGO_TARGET_DIR=${BUILD_OPTIONS_TARGET_DIR:-$fixtures/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

update_locks=
only=()
while [ $# -gt 0 ]; do
  case $1 in
    --update-locks) update_locks=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "$0: unknown option $1" >&2; exit 2 ;;
    *) only+=("$1"); shift ;;
  esac
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/regen-build-goldens.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# shellcheck source=lib/protoc35.sh
. "$root/scripts/lib/protoc35.sh"
protoc35_wrapper "$scratch/bin"
protoc=$scratch/bin/protoc
version=$("$scratch/bin/protoc" --version)
python=$protoc35_python
echo "== protoc: $version ($python -m grpc_tools.protoc)"
unset PROTOC_INCLUDE
export PROTOC=$protoc
# prost_protoc_executable names `protoc`: the wrapper, found on PATH.
export PATH=$scratch/bin:$PATH

echo "== input descriptor sets: fixtures/build-options/descriptors/"
(
  cd "$fixtures"
  mkdir -p descriptors
  "$protoc" --include_imports --include_source_info -I protos -o descriptors/shop.pb \
    protos/shop/v1/catalog.proto protos/shop/v1/orders.proto \
    protos/legacy/inventory.proto protos/notes.proto
  "$protoc" --include_imports --include_source_info -I extra -I vendor -o descriptors/measure.pb \
    extra/measure.proto
  "$root/scripts/strip-builtin-source-info.py" descriptors/shop.pb descriptors/measure.pb
)

# The fixtures, by crate.
prost_fixtures=() tonic_fixtures=()
for dir in "$fixtures"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/chain.rs" ] || continue
  if [ ${#only[@]} -gt 0 ] && [[ $name != *_defaults ]]; then
    keep=
    for o in "${only[@]}"; do [ "$o" = "$name" ] && keep=1; done
    [ -n "$keep" ] || continue
  fi
  case $(head -n 1 "$dir/chain.rs") in
    "// prost") prost_fixtures+=("$name") ;;
    "// tonic") tonic_fixtures+=("$name") ;;
    *) echo "regen-build-goldens.sh: $name/chain.rs: first line must be '// prost' or '// tonic'" >&2; exit 1 ;;
  esac
done
for o in "${only[@]}"; do
  [ -f "$fixtures/$o/chain.rs" ] || { echo "regen-build-goldens.sh: no fixture $o" >&2; exit 1; }
done

# make_workspace KIND CRATE_DEP CRATE_PATH FIXTURES...
make_workspace() {
  local kind=$1 dep=$2 path=$3
  shift 3
  local ws=$scratch/$kind
  mkdir -p "$ws"
  {
    echo "[workspace]"
    echo "members = ["
    for name in "$@"; do echo "    \"$name\","; done
    echo "]"
    echo 'resolver = "2"'
  } > "$ws/Cargo.toml"
  for name in "$@"; do
    mkdir "$ws/$name"
    cat > "$ws/$name/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"

[build-dependencies]
prost = "0.14"
$dep = "0.14"
EOF
    : > "$ws/$name/lib.rs"
    cat > "$ws/$name/build.rs" <<EOF
#![allow(unused)]
use $path as build;

fn main() {
    let out_dir_buf = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out_dir: &std::path::Path = &out_dir_buf;
    // The chain's paths are relative to fixtures/build-options.
    std::env::set_current_dir("$fixtures").expect("cd fixtures/build-options");
    // A closure, so that the chain may use \`?\`.
    let chain = || -> std::io::Result<()> { include!("$fixtures/$name/chain.rs") };
    let result: std::io::Result<()> = chain();
    result.unwrap();
}
EOF
  done
  if [ -z "$update_locks" ] && [ -f "$locks/$kind.Cargo.lock" ]; then
    cp "$locks/$kind.Cargo.lock" "$ws/Cargo.lock"
  else
    cp "$root/tests/drop-in/Cargo.lock" "$ws/Cargo.lock"
  fi
}

# registry_packages LOCK: "name version" of every registry package.
registry_packages() {
  python3 - "$1" <<'EOF'
import sys, tomllib
lock = tomllib.load(open(sys.argv[1], "rb"))
for p in sorted(lock.get("package", []), key=lambda p: (p["name"], p["version"])):
    if "source" in p:
        print(p["name"], p["version"])
EOF
}

status=0
: > "$scratch/out-dirs"
# build KIND FIXTURES...: builds the workspace, appends "NAME<TAB>OUT_DIR".
build() {
  local kind=$1
  shift
  local ws=$scratch/$kind
  echo "== $kind: cargo build ($# fixtures; each build.rs runs its chain)"
  (cd "$ws" && cargo metadata --format-version 1 > "$scratch/$kind-metadata.json")
  if [ -n "$update_locks" ]; then
    (cd "$ws" && cargo update --quiet -p prost-build --precise "$prost_build_pin" 2>/dev/null || true)
    if [ "$kind" = tonic ]; then
      (cd "$ws" && cargo update --quiet -p tonic-prost-build --precise "$tonic_prost_build_pin" 2>/dev/null || true)
    fi
    mkdir -p "$locks"
    cp "$ws/Cargo.lock" "$locks/$kind.Cargo.lock"
  elif ! diff <(registry_packages "$locks/$kind.Cargo.lock") <(registry_packages "$ws/Cargo.lock") > "$scratch/lockdiff"; then
    echo "regen-build-goldens.sh: resolving changed registry packages of locks/$kind.Cargo.lock:" >&2
    cat "$scratch/lockdiff" >&2
    echo "  (run with --update-locks to re-resolve on purpose)" >&2
    exit 1
  fi
  local got
  got=$(awk -v n="prost-build" '$1 == "name" && $3 == "\"" n "\"" { getline; gsub(/"/, "", $3); print $3 }' "$ws/Cargo.lock")
  [ "$got" = "$prost_build_pin" ] || { echo "regen-build-goldens.sh: prost-build is $got, not $prost_build_pin" >&2; exit 1; }
  if [ "$kind" = tonic ]; then
    got=$(awk -v n="tonic-prost-build" '$1 == "name" && $3 == "\"" n "\"" { getline; gsub(/"/, "", $3); print $3 }' "$ws/Cargo.lock")
    [ "$got" = "$tonic_prost_build_pin" ] || { echo "regen-build-goldens.sh: tonic-prost-build is $got, not $tonic_prost_build_pin" >&2; exit 1; }
  fi
  (cd "$ws" && cargo metadata --locked --format-version 1 > "$scratch/$kind-metadata.json")
  # Old runs' scratch crates (other paths, same names) would pile up.
  for name in "$@"; do
    rm -rf "$CARGO_TARGET_DIR"/debug/build/"$name"-* "$CARGO_TARGET_DIR"/debug/.fingerprint/"$name"-*
  done
  if ! (cd "$ws" && cargo build --locked --workspace --keep-going \
      --message-format=json-render-diagnostics > "$scratch/$kind-messages.json"); then
    status=1
    echo "regen-build-goldens.sh: some $kind build scripts failed (output above)" >&2
  fi
  python3 - "$scratch/$kind-metadata.json" "$scratch/$kind-messages.json" "$@" >> "$scratch/out-dirs" <<'EOF'
import json, sys
metadata, messages, *names = sys.argv[1:]
ids = {p["id"]: p["name"] for p in json.load(open(metadata))["packages"]}
found = {}
for line in open(messages):
    if line.startswith("{"):
        msg = json.loads(line)
        if msg.get("reason") == "build-script-executed" and ids.get(msg["package_id"]) in names:
            found[ids[msg["package_id"]]] = msg["out_dir"]
for name in names:
    if name in found:
        print(f"{name}\t{found[name]}")
    else:
        print(f"regen-build-goldens.sh: {name}: its build script did not run to the end", file=sys.stderr)
EOF
}

if [ ${#prost_fixtures[@]} -gt 0 ]; then
  make_workspace prost prost-build prost_build "${prost_fixtures[@]}"
  build prost "${prost_fixtures[@]}"
fi
if [ ${#tonic_fixtures[@]} -gt 0 ]; then
  make_workspace tonic tonic-prost-build tonic_prost_build "${tonic_fixtures[@]}"
  build tonic "${tonic_fixtures[@]}"
fi

echo "== goldens: fixtures/goldens/build-options/"
mkdir -p "$goldens"
if [ ${#only[@]} -eq 0 ]; then
  # A full run: goldens of fixtures that are gone go too.
  for dir in "$goldens"/*/; do
    [ -d "$dir" ] && [ ! -f "$fixtures/$(basename "$dir")/chain.rs" ] && rm -rf "$dir"
  done
fi
while IFS=$'\t' read -r name out_dir; do
  rm -rf "${goldens:?}/$name"
  mkdir -p "$goldens/$name"
  cp -R "$out_dir/." "$goldens/$name/"
  find "$goldens/$name" -type f \( -name '*.bin' -o -name '*.pb' \) \
    -exec "$root/scripts/strip-builtin-source-info.py" {} +
  # What the build script printed for cargo: next to OUT_DIR, in `output`.
  grep '^cargo:' "$(dirname "$out_dir")/output" > "$goldens/$name/cargo-lines.txt" || true
  printf '  %-36s %3d files\n' "$name" "$(find "$goldens/$name" -type f ! -name cargo-lines.txt | wc -l)"
done < "$scratch/out-dirs"

lock_version() { # crate, lock file
  awk -v n="$1" '$1 == "name" && $3 == "\"" n "\"" { getline; gsub(/"/, "", $3); print $3 }' "$2"
}
cat > "$goldens/PROVENANCE" <<EOF
Written by scripts/regen-build-goldens.sh from fixtures/build-options/.
protoc: $version (grpcio-tools $("$python" -c 'import importlib.metadata as m; print(m.version("grpcio-tools"))'))
prost-build: $(lock_version prost-build "$locks/prost.Cargo.lock") (prost fixtures: prost-build alone, no cleanup-markdown)
tonic-prost-build: $(lock_version tonic-prost-build "$locks/tonic.Cargo.lock") (tonic fixtures: with its default features, so prost-build's cleanup-markdown is on)
EOF

echo "== fixtures whose output equals their crate's defaults"
python3 - "$goldens" <<'EOF' | tee "$scratch/same"
import os, sys
goldens = sys.argv[1]
def files(d):
    out = {}
    for base, _, names in os.walk(d):
        for n in names:
            p = os.path.join(base, n)
            rel = os.path.relpath(p, d)
            if rel != "cargo-lines.txt":
                out[rel] = open(p, "rb").read()
    return out
defaults = {k: files(os.path.join(goldens, f"{k}_defaults")) for k in ("prost", "tonic")}
for name in sorted(os.listdir(goldens)):
    d = os.path.join(goldens, name)
    if not os.path.isdir(d) or name.endswith("_defaults"):
        continue
    kind = name.split("_", 1)[0]
    if files(d) == defaults.get(kind):
        print(f"  {name}: same files as {kind}_defaults")
EOF
[ -s "$scratch/same" ] || echo "  (none)"

echo "== goldens written ($(find "$goldens" -mindepth 2 -type f | wc -l) files in $(find "$goldens" -mindepth 1 -maxdepth 1 -type d | wc -l) fixtures)"
exit $status
