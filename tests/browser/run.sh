#!/usr/bin/env bash
# Runs the browser test: installs Debian's chromium if missing, builds and starts `silkroute serve`
# on a free loopback port, runs e2e.mjs, stops the server. Exit status = the test's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-liberation
fi
(cd "$here" && npm ci --no-audit --no-fund --silent)
(cd "$root" && cargo build -q -p silkroute)
port=$((20000 + RANDOM % 20000))
"$root/target/debug/silkroute" serve --addr "127.0.0.1:$port" 2>"$here/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
BASE="http://127.0.0.1:$port" node "$here/e2e.mjs"
