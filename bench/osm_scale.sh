#!/usr/bin/env bash
# Import throughput and peak memory per MB of PBF, on a synthetic extract big enough to
# measure: `silkroute gen` writes a grid feed, bench/feed_to_osm.py turns it into OSM XML
# (every junction a node, every link a highway way with two to four intermediate shape nodes),
# osmium (Debian package osmium-tool) converts it to .osm.pbf, and `silkroute import osm`
# reads it back under /usr/bin/time -v. Run by hand; not in CI.
#
# Usage: bash bench/osm_scale.sh [NODES]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${1:-1000000}
WORK=bench/.work/osm-scale
mkdir -p "$WORK" bench/results
command -v osmium > /dev/null || apt-get install -y -q osmium-tool > /dev/null
cargo build --release -p silkroute
SR=target/release/silkroute
$SR gen --nodes "$NODES" --seed 2 --out "$WORK/gen"
python3 bench/feed_to_osm.py "$WORK/gen" "$WORK/synthetic.osm"
osmium cat "$WORK/synthetic.osm" -o "$WORK/synthetic.osm.pbf" --overwrite
MB=$(python3 -c "import os,sys; print(round(os.path.getsize(sys.argv[1])/1e6, 1))" "$WORK/synthetic.osm.pbf")
/usr/bin/time -v $SR import osm "$WORK/synthetic.osm.pbf" --out "$WORK/feed" --roads primary,residential --quiet \
  2> "$WORK/import.log"
grep -E "imported|Maximum resident|Elapsed" "$WORK/import.log"
RSS=$(grep "Maximum resident" "$WORK/import.log" | awk '{print $6}')
SECS=$(grep -oE "in [0-9.]+ s" "$WORK/import.log" | head -1 | awk '{print $2}')
echo "{\"nodes\": $NODES, \"pbf_mb\": $MB, \"import_s\": $SECS, \"peak_rss_mb\": $((RSS / 1024))}" | tee "bench/results/osm-scale-$NODES.json"
