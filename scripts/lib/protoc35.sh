# Sourced by every script that runs the oracle, protoc 35 as grpcio-tools
# ships it (`python3 -m grpc_tools.protoc`, with its own include directory
# of protobuf's files), so that they all find, pin and check it one way.
#
# protoc35_require: installs the pinned grpcio-tools when none can be
#   imported, checks that its protoc is 35, and sets protoc35 to the
#   command as an array: "${protoc35[@]}" --version.
# protoc35_wrapper DIR: protoc35_require, then writes DIR/protoc, an
#   executable for PROTOC (prost-build and tonic-prost-build run one).

protoc35_pin=grpcio-tools==1.85.1 # bundles protoc 35.1

protoc35_require() {
  if ! python3 -c 'import grpc_tools.protoc' 2> /dev/null; then
    echo "== grpcio-tools missing: python3 -m pip install $protoc35_pin" >&2
    python3 -m pip install --quiet --disable-pip-version-check "$protoc35_pin"
  fi
  protoc35_python=$(python3 -c 'import sys; print(sys.executable)')
  protoc35=("$protoc35_python" -m grpc_tools.protoc)
  local version
  version=$("${protoc35[@]}" --version)
  case $version in
    "libprotoc 35."*) ;;
    *)
      echo "$(basename "$0"): need protoc 35, grpc_tools says '$version'" \
        "(try: python3 -m pip install $protoc35_pin)" >&2
      exit 1
      ;;
  esac
}

protoc35_wrapper() {
  protoc35_require
  mkdir -p "$1"
  cat > "$1/protoc" << EOF
#!/bin/sh
# The real protoc 35, as grpcio-tools ships it; it adds its own -I for the
# well-known types after the caller's arguments.
exec "$protoc35_python" -m grpc_tools.protoc "\$@"
EOF
  chmod 755 "$1/protoc"
}
