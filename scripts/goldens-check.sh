#!/usr/bin/env bash
# CI's check that the committed goldens are still the oracles' answers:
# reruns the regen scripts against protoc 35 (grpcio-tools), prost-build and
# tonic-prost-build, then fails if any committed file changed. `cargo test`
# never runs an oracle; this is where they are run (the build twins'
# goldens are checked by scripts/build-twins-check.sh).
#
# Needs: grpcio-tools (protoc 35; scripts/lib/protoc35.sh pins it). Run on a clean
# checkout: it rewrites the goldens in place, and a difference is left in
# the working tree for `git diff` to show.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "$(git status --porcelain -- fixtures src/builtin)" ]; then
  echo "goldens-check: fixtures/ or src/builtin/ has uncommitted changes; run it on a clean tree" >&2
  exit 1
fi
for script in regen-builtin.sh regen-goldens.sh regen-protoc-cli-goldens.sh \
  regen-textformat-goldens.sh regen-encode-goldens.sh regen-rust-goldens.sh \
  regen-drop-in-goldens.sh regen-build-goldens.sh regen-plugin-request-goldens.sh \
  regen-python-goldens.sh; do
  echo "== scripts/$script"
  "scripts/$script" > /dev/null
done
changed=$(git status --porcelain -- fixtures src/builtin)
if [ -n "$changed" ]; then
  echo "goldens-check: the oracles now answer differently from the committed goldens:" >&2
  echo "$changed" >&2
  git --no-pager diff --stat -- fixtures src/builtin >&2
  exit 1
fi
echo "goldens-check: every golden is the oracles' answer"
