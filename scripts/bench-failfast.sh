#!/usr/bin/env bash
# Fail-fast latency at the HTTP level with an open breaker, measured by wrk from a second process.
# Usage: cargo build --release && scripts/bench-failfast.sh [seconds]
# Starts reelarr on 127.0.0.1 with TMDB pointed at a closed port, opens the TMDB breaker through the
# test endpoint, then loads an uncached /api/v3/movie/lookup (answered 503 + Retry-After at once).
# reelarr and wrk are pinned to different cores so the load generator does not preempt the server.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
dir=$(mktemp -d)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
dead=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
key=$(printf 'b%.0s' $(seq 32))
printf 'server.api_key = "%s"\n' "$key" > "$dir/config.toml"
REELARR_DATA_DIR=$dir REELARR_LOG=warn TMDB_API_KEY=x TMDB_API_URL=http://127.0.0.1:$dead \
  taskset -c 1 target/release/reelarr serve --bind 127.0.0.1:$port 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ping" >/dev/null && break; sleep 0.05; done
curl -sf -X POST -H "X-Api-Key: $key" "http://127.0.0.1:$port/api/test/circuit-breaker/tmdb" >/dev/null
echo "breaker: $(curl -s -H "X-Api-Key: $key" "http://127.0.0.1:$port/api/v1/circuit-breakers/tmdb" | python3 -c 'import json,sys;print(json.load(sys.stdin)["state"])')"
echo "sample: $(curl -s -o /dev/null -w '%{http_code}' -H "X-Api-Key: $key" "http://127.0.0.1:$port/api/v3/movie/lookup?term=nothing+cached")"
taskset -c 0 wrk -t1 -c"${CONNS:-4}" -d"${secs}s" --latency -H "X-Api-Key: $key" "http://127.0.0.1:$port/api/v3/movie/lookup?term=nothing+cached"
echo "RSS after load: $(ps -o rss= -p $pid) KiB"
