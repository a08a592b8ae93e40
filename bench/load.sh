#!/usr/bin/env bash
# Load test of `silkroute serve` on loopback with wrk (Debian package): 30 s of GET /v1/route,
# requests/s, latency percentiles, errors, and the server's RSS before and after.
# Usage: bash bench/load.sh [DURATION=30s] [CONNECTIONS=64] [THREADS=2]. Not run in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-30s}"; conns="${2:-64}"; threads="${3:-2}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
(cd "$root" && cargo build -q --release -p silkroute)
port=$((20000 + RANDOM % 20000))
RUST_LOG=warn "$root/target/release/silkroute" serve --addr "127.0.0.1:$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
url="http://127.0.0.1:$port/v1/route?from=xian&to=tashkent&modes=rail,road"
curl -fs "$url" >/dev/null
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "RSS before: $(rss)"
wrk -t"$threads" -c"$conns" -d"$duration" --latency "$url"
echo "RSS after: $(rss)"
