#!/usr/bin/env bash
# Downloads the sample GTFS feeds of gtfs-kit 13.0.1 (the source package on PyPI, MIT) into
# tests/gtfs/data/: sample_gtfs.zip, sample_gtfs_2.zip, cairns_gtfs.zip, nyc_subway_gtfs.zip.
# Checked against the package's SHA-256; nothing is committed (tests/gtfs/data is ignored).
set -euo pipefail
cd "$(dirname "$0")"
URL=https://files.pythonhosted.org/packages/26/df/d9eb5a90560974c20fbe5542a6484581e3e2e845dbefb615bc4d5d7c8cd3/gtfs_kit-13.0.1.tar.gz
SHA=9c4a58e6f11971d262dbaec08e4f85f727b6609479d07e39a54f2ca4f84eb65a
mkdir -p data
if [ -f data/nyc_subway_gtfs.zip ] && [ -f data/cairns_gtfs.zip ] && [ -f data/sample_gtfs.zip ] && [ -f data/sample_gtfs_2.zip ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/gtfs_kit.tar.gz" "$URL"
echo "$SHA  $tmp/gtfs_kit.tar.gz" | sha256sum -c --quiet
tar -xzf "$tmp/gtfs_kit.tar.gz" -C "$tmp" --wildcards 'gtfs_kit-13.0.1/data/*.zip'
for f in sample_gtfs sample_gtfs_2 cairns_gtfs nyc_subway_gtfs; do
  mv "$tmp/gtfs_kit-13.0.1/data/$f.zip" "data/$f.zip.part" && mv "data/$f.zip.part" "data/$f.zip"
done
echo "gtfs-kit sample feeds in tests/gtfs/data"
