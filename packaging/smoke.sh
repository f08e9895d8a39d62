#!/usr/bin/env bash
# Smoke test of one built binary: `--version`, then `serve` on a free loopback port with a fresh data
# directory until `healthcheck` passes, then a clean stop (SIGTERM, exit 0).
#
#   packaging/smoke.sh BINARY [RUNNER...]
#
# RUNNER runs a foreign binary, e.g. `packaging/smoke.sh target/dist/reelarr-0.1.0-aarch64
# qemu-aarch64-static` (Debian's qemu-user-static). Used by packaging/ci-package.sh.
set -euo pipefail
bin="$1"
shift
runner=("$@")
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

"${runner[@]}" "$bin" --version
start=$(date +%s%N)
REELARR_DATA_DIR="$data" REELARR_LOG=warn "${runner[@]}" "$bin" serve --bind "127.0.0.1:$port" &
pid=$!
# First start hashes the generated admin password (argon2); under emulation that takes seconds.
for _ in $(seq 1 600); do
  if "${runner[@]}" "$bin" healthcheck --url "http://127.0.0.1:$port" >/dev/null 2>&1; then
    echo "healthy after $(( ($(date +%s%N) - start) / 1000000 )) ms: ${runner[*]} $bin"
    kill -TERM "$pid"
    wait "$pid"
    pid=
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "error: $bin exited before it was healthy" >&2; exit 1; }
  sleep 0.2
done
echo "error: $bin not healthy within 120 s" >&2
exit 1
