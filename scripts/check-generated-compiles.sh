#!/usr/bin/env bash
# Generates the Rust code of googleapis-mid (../shared/corpus) with protoc-rs
# and builds it as a crate against prost, prost-types, tonic and tonic-prost
# 0.14 with every warning an error. Called by scripts/corpus-check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=$(cd "${CORPUS:-../shared/corpus}" && pwd)
crate="$root/target/googleapis-mid-check"
rm -rf "$crate/src"
mkdir -p "$crate/src/generated"
cargo build --release --quiet --features cli --bin protoc-rs
(cd "$corpus" && "$root/target/release/protoc-rs" compile -I googleapis -I protobuf \
  --rust-out "$crate/src/generated" --include-file mod.rs $(cat googleapis-mid.txt) 2>/dev/null)
cat > "$crate/Cargo.toml" <<'TOML'
[package]
name = "googleapis-mid-check"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
prost = "0.14"
prost-types = "0.14"
tonic = "0.14"
tonic-prost = "0.14"
TOML
cat > "$crate/src/lib.rs" <<'RUST'
#![deny(warnings)]
// googleapis marks fields and services deprecated; generated code refers to them.
#![allow(deprecated)]
include!("generated/mod.rs");
RUST
# The workspace's lock file pins the same versions the tests use.
cp "$root/Cargo.lock" "$crate/Cargo.lock"
(cd "$crate" && cargo build --quiet)
echo "googleapis-mid Rust: builds against prost/tonic 0.14 with warnings denied ($(ls "$crate/src/generated" | wc -l) files)"
