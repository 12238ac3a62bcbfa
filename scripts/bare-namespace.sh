#!/usr/bin/env bash
# bare-namespace.sh [--protoc PATH] [--absent] [--] CMD [ARGS...]
#
# Runs CMD as it would run on a machine where protoc was never installed.
# CMD gets a private mount namespace (unshare -m; needs root) in which:
#   - /usr/include/google, /usr/local/include/google and the well-known-type
#     protos that Python's grpcio-tools ships (grpc_tools/_proto) are covered
#     by an empty directory;
#   - every protoc on PATH, and /usr/bin/protoc and /usr/local/bin/protoc, is
#     covered by a stub that says "protoc: not installed" and exits 127;
#   - PROTOC and PROTOC_INCLUDE are unset, except that `--protoc PATH` sets
#     PROTOC=PATH (made absolute) inside.
# With --absent, protoc is removed instead of stubbed: each directory that
# holds one gets an overlay in which the file is deleted, so `which protoc`
# fails and running it is "command not found", as on a fresh machine.
# python3, cargo, rustc and the C compiler stay. The mounts die with the
# namespace: nothing outside CMD sees them. Exits with CMD's status.
set -euo pipefail

usage() {
  echo "usage: $0 [--protoc PATH] [--absent] [--] CMD [ARGS...]" >&2
  exit 2
}

protoc_inside=
absent=
while [ $# -gt 0 ]; do
  case $1 in
    --protoc)
      [ $# -ge 2 ] || usage
      protoc_inside=$(realpath -- "$2")
      [ -x "$protoc_inside" ] || { echo "$0: --protoc $2: not an executable file" >&2; exit 2; }
      shift 2 ;;
    --protoc=*)
      protoc_inside=$(realpath -- "${1#--protoc=}")
      [ -x "$protoc_inside" ] || { echo "$0: $1: not an executable file" >&2; exit 2; }
      shift ;;
    --absent) absent=1; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || usage

if [ "$(id -u)" != 0 ]; then
  echo "$0: needs root, for unshare -m and bind mounts" >&2
  exit 2
fi
command -v unshare >/dev/null || { echo "$0: unshare (util-linux) not found" >&2; exit 2; }

# What to cover, worked out before entering the namespace.
dirs=(/usr/include/google /usr/local/include/google)
if command -v python3 >/dev/null; then
  grpc_tools=$(python3 -c 'import grpc_tools, os; print(os.path.dirname(grpc_tools.__file__))' 2>/dev/null || true)
  [ -n "$grpc_tools" ] && dirs+=("$grpc_tools/_proto")
fi
files=(/usr/bin/protoc /usr/local/bin/protoc)
while IFS= read -r found; do files+=("$found"); done < <(type -aP protoc || true)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bare-namespace.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/empty"
cat > "$scratch/protoc-stub" <<'EOF'
#!/bin/sh
echo "protoc: not installed" >&2
exit 127
EOF
chmod 755 "$scratch/protoc-stub"

# The part that runs inside the namespace. Arguments: the scratch directory,
# the PROTOC to set (or ""), 1 for --absent (or ""), then
# "dirs..." -- "files..." -- CMD ARGS...
# shellcheck disable=SC2317 # run through `declare -f`, not called here
inside() {
  set -euo pipefail
  local scratch=$1 protoc=$2 absent=$3
  shift 3
  local -A seen=()
  local target real
  while [ "$1" != -- ]; do
    target=$1; shift
    [ -d "$target" ] || continue
    real=$(realpath -- "$target")
    [ -z "${seen[$real]:-}" ] || continue
    seen[$real]=1
    mount --bind "$scratch/empty" "$real"
  done
  shift
  while [ "$1" != -- ]; do
    target=$1; shift
    [ -e "$target" ] || continue
    real=$(realpath -- "$target")
    [ -f "$real" ] || continue
    [ -z "${seen[$real]:-}" ] || continue
    seen[$real]=1
    if [ -z "$absent" ]; then
      mount --bind "$scratch/protoc-stub" "$real"
      continue
    fi
    local dir=${real%/*} layer
    if [ -z "${seen[overlay:$dir]:-}" ]; then
      seen[overlay:$dir]=1
      layer=$(mktemp -d "$scratch/overlay.XXXXXX")
      mkdir "$layer/upper" "$layer/work"
      mount -t overlay overlay \
        -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir" || {
        echo "bare-namespace.sh: --absent needs overlayfs, which failed on $dir" >&2
        exit 2
      }
    fi
    rm -f -- "$real"
  done
  shift
  unset PROTOC PROTOC_INCLUDE
  [ -z "$protoc" ] || export PROTOC="$protoc"
  exec "$@"
}

set +e
unshare --mount --propagation private -- bash -c "$(declare -f inside); inside \"\$@\"" inside \
  "$scratch" "$protoc_inside" "$absent" "${dirs[@]}" -- "${files[@]}" -- "$@"
status=$?
set -e
exit $status
