#!/usr/bin/env bash
# build-apps.sh OUT_LIST
#
# Builds and tests the drop-in crates (tonic-app, prost-app) from a clean
# state with the protoc that $PROTOC names, as cargo would for any user, then
# writes one line per crate, "NAME<TAB>OUT_DIR", to OUT_LIST. Every file in
# each OUT_DIR is checked to have been written by this run.
#
# Used by scripts/regen-drop-in-goldens.sh (PROTOC = the real protoc 35) and
# scripts/drop-in-check.sh (PROTOC = protoc-rs, inside bare-namespace.sh).
# The target directory is $DROP_IN_TARGET_DIR, or tests/drop-in/target.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT_LIST" >&2; exit 2; }
out_list=$1
: "${PROTOC:?build-apps.sh: set PROTOC to the protoc to build with}"

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export CARGO_TARGET_DIR=${DROP_IN_TARGET_DIR:-$here/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
crates=(tonic-app prost-app)

echo "== drop-in: PROTOC=$PROTOC"
echo "== drop-in: \$PROTOC --version: $("$PROTOC" --version 2>&1 || true)"

# Clean state: the two crates' build script runs (and so their OUT_DIRs) go;
# the dependencies stay compiled.
cargo clean --locked --quiet -p tonic-app -p prost-app

scratch=$(mktemp -d "${TMPDIR:-/tmp}/drop-in-build.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/started"
sleep 1 # so that a file written by this run is strictly newer than the marker

echo "== drop-in: cargo test --no-run (runs build.rs: prost-build / tonic-prost-build)"
cargo test --locked --workspace --no-run --message-format=json-render-diagnostics \
  > "$scratch/messages.json"

echo "== drop-in: cargo test"
cargo test --locked --workspace

cargo metadata --locked --no-deps --format-version 1 > "$scratch/metadata.json"
python3 - "$scratch/metadata.json" "$scratch/messages.json" "$scratch/started" "$out_list" "${crates[@]}" <<'EOF'
import json, os, sys

metadata, messages, marker, out_list, *crates = sys.argv[1:]
ids = {p["id"]: p["name"] for p in json.load(open(metadata))["packages"]}
out_dirs = {}
with open(messages) as f:
    for line in f:
        line = line.strip()
        if not line.startswith("{"):
            continue
        msg = json.loads(line)
        if msg.get("reason") != "build-script-executed":
            continue
        name = ids.get(msg["package_id"])
        if name in crates:
            out_dirs.setdefault(name, set()).add(msg["out_dir"])
since = os.stat(marker).st_mtime
errors = []
for name in crates:
    dirs = out_dirs.get(name, set())
    if len(dirs) != 1:
        errors.append(f"{name}: expected one build-script OUT_DIR, cargo reported {sorted(dirs)}")
        continue
    (out_dir,) = dirs
    for root, _, files in os.walk(out_dir):
        for file in files:
            path = os.path.join(root, file)
            if os.stat(path).st_mtime < since:
                errors.append(f"{name}: {path} is older than this build (stale)")
if errors:
    sys.exit("build-apps.sh: " + "\n  ".join(errors))
with open(out_list, "w") as f:
    for name in crates:
        f.write(f"{name}\t{next(iter(out_dirs[name]))}\n")
EOF
echo "== drop-in: OUT_DIRs written to $out_list"
