# Sourced by the scripts that need the versions protoc-rs's Python
# generators stamp into their output. They live in one place,
# src/codegen/python/mod.rs; this reads them from there.
#
# python_versions: sets grpcio_version (`1.85.1`: the grpcio-tools release
#   matched, whose gRPC version `_pb2_grpc.py` requires) and
#   protobuf_python_version (`7.35.1`: the runtime `_pb2.py` checks).
python_versions() {
  local source
  source="$(dirname "${BASH_SOURCE[0]}")/../../src/codegen/python/mod.rs"
  grpcio_version=$(sed -n 's/^pub const GRPCIO_TOOLS_VERSION: &str = "\(.*\)";$/\1/p' "$source")
  protobuf_python_version=$(sed -n \
    's/^pub const PROTOBUF_PYTHON_VERSION: (u32, u32, u32, &str) = (\([0-9]*\), \([0-9]*\), \([0-9]*\), "\(.*\)");$/\1.\2.\3\4/p' \
    "$source")
  if [ -z "$grpcio_version" ] || [ -z "$protobuf_python_version" ]; then
    echo "python-versions.sh: cannot read the versions from $source" >&2
    exit 1
  fi
}
