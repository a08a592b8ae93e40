#!/usr/bin/env bash
# Opening a graph file and answering one route, run by hand (not in CI): the first opening
# (every page checked, the check remembered), then warm openings that each answer one route
# end to end, then `serve` started on the file until /health answers, alone and two at once
# (their memory from /proc/PID/smaps_rollup: what each maps of the file is Shared_Clean).
#
# Usage: bash bench/open_route.sh FILE FROM TO [ROUNDS]
#   e.g. bash bench/open_route.sh big.srg g0-0 g1414-1414
# Prints one line per measurement; copy the figures into docs/benchmarks.md.
set -euo pipefail
FILE=$1 FROM=$2 TO=$3 ROUNDS=${4:-5}
SR=${SR:-target/release/silkroute}
PORT=${PORT:-18631}
size=$(stat -c %s "$FILE")
echo "file: $FILE, $((size / 1000000)) MB"

run() { /usr/bin/time -f "%e s, peak RSS %M KB" "$SR" route "$FROM" "$TO" --feed "$FILE" 2>&1 >/dev/null | tail -1; }
echo "first opening (checks every page): $(run)"
# A file changed less than 2 s before its check is not remembered (crates/graph/src/checked.rs).
sleep 2.1
echo "second opening (checks, then remembers): $(run)"
for i in $(seq "$ROUNDS"); do echo "warm opening and route $i: $(run)"; done

memory() { # PID -> "Rss, Anonymous, Shared_Clean" in MB
  awk '/^(Rss|Anonymous|Shared_Clean):/ {printf "%s %d MB  ", $1, $2 / 1000}' "/proc/$1/smaps_rollup"
}
serve_ready() { # PORT -> PID, prints seconds until /health answers
  local port=$1 start end
  start=$(date +%s.%N)
  "$SR" serve --feed "$FILE" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.01
  done
  end=$(date +%s.%N)
  echo "$pid $(echo "$end - $start" | bc)"
}
for i in $(seq 3); do
  read -r pid secs < <(serve_ready "$PORT")
  curl -sf "http://127.0.0.1:$PORT/v1/route?from=$FROM&to=$TO" >/dev/null
  echo "serve ready in $secs s; after one route: $(memory "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
read -r a secs_a < <(serve_ready "$PORT")
read -r b secs_b < <(serve_ready $((PORT + 1)))
curl -sf "http://127.0.0.1:$PORT/v1/route?from=$FROM&to=$TO" >/dev/null
curl -sf "http://127.0.0.1:$((PORT + 1))/v1/route?from=$FROM&to=$TO" >/dev/null
echo "two servers, ready in $secs_a s and $secs_b s; first: $(memory "$a")"
echo "                                          second: $(memory "$b")"
kill "$a" "$b"; wait "$a" "$b" 2>/dev/null || true
