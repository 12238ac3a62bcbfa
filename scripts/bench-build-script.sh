#!/usr/bin/env bash
# bench-build-script.sh [RUNS]: what one run of a user's build.rs costs,
# protoc-rs against tonic-prost-build 0.14 with protoc 3.21 (Debian's,
# found on PATH as a user's PROTOC would be), the whole build-script
# process timed. Two apps, each as two crates whose build.rs differ only
# in the crate path (protoc_rs::tonic against tonic_prost_build):
#   seed:      the seed tutorial's protos/test.proto;
#   four-file: four files of one package that import google/protobuf's
#              timestamp, duration, field_mask, struct and empty.
# Each crate is built once (`cargo build`, the dev profile, as cargo builds
# build scripts: their dependencies are not optimized); then its
# build-script binary is run RUNS times (default 10, after a warm-up),
# paired with its twin's (scripts/lib/paired.py), with the environment
# cargo gives it and an empty OUT_DIR each time. Prints a Markdown table
# with the medians and the median ratio of the pairs; the
# generated files of the two twins are compared byte for byte.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
command -v /usr/bin/time > /dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
protoc=$(command -v protoc) || { echo "needs protoc (apt-get install protobuf-compiler)" >&2; exit 1; }
seed_proto="$root/../shared/seed/protos/test.proto"
[ -f "$seed_proto" ] || { echo "needs the seed's $seed_proto" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="$scratch/target"

four_file_app() { # DIR: the four-file app's protos
  mkdir -p "$1/shop/v1"
  cat > "$1/shop/v1/common.proto" << 'EOF'
syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
message Money { string currency = 1; int64 units = 2; int32 nanos = 3; }
message Audit { google.protobuf.Timestamp created = 1; google.protobuf.Timestamp updated = 2; string by = 3; }
EOF
  cat > "$1/shop/v1/catalog.proto" << 'EOF'
syntax = "proto3";
package shop.v1;
import "google/protobuf/struct.proto";
import "shop/v1/common.proto";
message Product { string id = 1; string title = 2; Money price = 3; google.protobuf.Struct attributes = 4; Audit audit = 5; }
EOF
  cat > "$1/shop/v1/orders.proto" << 'EOF'
syntax = "proto3";
package shop.v1;
import "google/protobuf/duration.proto";
import "shop/v1/common.proto";
message Order {
  string id = 1;
  repeated Line lines = 2;
  google.protobuf.Duration delivery = 3;
  Audit audit = 4;
  message Line { string product_id = 1; int32 quantity = 2; Money price = 3; }
  enum State { STATE_UNSPECIFIED = 0; OPEN = 1; PAID = 2; SHIPPED = 3; }
  State state = 5;
}
EOF
  cat > "$1/shop/v1/service.proto" << 'EOF'
syntax = "proto3";
package shop.v1;
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "shop/v1/catalog.proto";
import "shop/v1/orders.proto";
service Shop {
  rpc GetProduct(GetProductRequest) returns (Product);
  rpc UpdateProduct(UpdateProductRequest) returns (Product);
  rpc PlaceOrder(Order) returns (Order);
  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);
}
message GetProductRequest { string id = 1; }
message UpdateProductRequest { Product product = 1; google.protobuf.FieldMask mask = 2; }
EOF
}

# make_crate DIR DEPENDENCY PATH PROTOS... : a crate whose build.rs compiles
# the protos with PATH::configure().compile_protos.
make_crate() {
  local dir=$1 dependency=$2 path=$3
  shift 3
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" << EOF
[package]
name = "$(basename "$dir")"
version = "0.1.0"
edition = "2021"
publish = false

[build-dependencies]
$dependency

[workspace]
EOF
  local list
  list=$(printf '"%s", ' "$@")
  echo "fn main() { $path::configure().compile_protos(&[${list%, }], &[\"protos\"]).unwrap(); }" > "$dir/build.rs"
  : > "$dir/src/lib.rs"
}

apps="seed four-file"
for app in $apps; do
  protos="$scratch/$app-protos"
  case $app in
    seed) mkdir -p "$protos" && cp "$seed_proto" "$protos/" && files=(protos/test.proto) ;;
    four-file)
      four_file_app "$protos"
      files=(protos/shop/v1/common.proto protos/shop/v1/catalog.proto protos/shop/v1/orders.proto protos/shop/v1/service.proto) ;;
  esac
  make_crate "$scratch/$app-protoc-rs" "protoc-rs = { path = \"$root\" }" protoc_rs::tonic "${files[@]}"
  make_crate "$scratch/$app-tonic" 'tonic-prost-build = "0.14"' tonic_prost_build "${files[@]}"
  cp "$root/tests/build-twins/protoc-rs/Cargo.lock" "$scratch/$app-protoc-rs/"
  cp "$root/tests/build-twins/real/Cargo.lock" "$scratch/$app-tonic/"
  for twin in protoc-rs tonic; do
    cp -r "$protos" "$scratch/$app-$twin/protos"
    (cd "$scratch/$app-$twin" && PROTOC=$protoc cargo build -q)
  done
done

# The build-script binary of crate $1 (cargo's name for it, under
# target/debug/build/CRATE-HASH/).
build_script() {
  find "$CARGO_TARGET_DIR/debug/build" -path "*/${1//-/_}-*/build-script-build" -o \
    -path "*/$1-*/build-script-build" | head -n 1
}

# run_line CRATE: the command timed, in the environment cargo gives a build script.
run_line() {
  local dir=$scratch/$1
  printf 'cd %q && env OUT_DIR=%q CARGO_MANIFEST_DIR=%q CARGO_PKG_NAME=%q TARGET=x86_64-unknown-linux-gnu HOST=x86_64-unknown-linux-gnu PROFILE=debug OPT_LEVEL=0 DEBUG=true NUM_JOBS=2 PROTOC=%q %q > /dev/null' \
    "$dir" "$scratch/out-$1" "$dir" "$1" "$protoc" "$(build_script "$1")"
}

echo "| app | protoc-rs build.rs | tonic-prost-build + protoc 3.21 build.rs | ratio (median of paired runs) | same code |"
echo "|---|---|---|---|---|"
for app in $apps; do
  ours=$app-protoc-rs
  theirs=$app-tonic
  read -r ours_s theirs_s ratio _ < <(python3 "$root/scripts/lib/paired.py" "$runs" \
    "$(run_line "$ours")" "$(run_line "$theirs")" \
    --prepare-ours "rm -rf $scratch/out-$ours && mkdir $scratch/out-$ours" \
    --prepare-theirs "rm -rf $scratch/out-$theirs && mkdir $scratch/out-$theirs")
  same=yes
  for file in "$scratch/out-$theirs"/*.rs; do
    cmp -s "$file" "$scratch/out-$ours/$(basename "$file")" || same=no
  done
  python3 -c 'import sys; a, o, t, r, s = sys.argv[1:]; print(f"| {a} | {float(o) * 1000:.1f} ms | {float(t) * 1000:.1f} ms | {float(r):.2f}× | {s} |")' \
    "$app" "$ours_s" "$theirs_s" "$ratio" "$same"
done
