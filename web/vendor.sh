#!/usr/bin/env bash
# Refreshes web/vendor/ from the npm packages pinned in web/package.json (and package-lock.json).
# The vendored files are committed so that `cargo build` needs no npm; run this only to upgrade.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
mkdir -p vendor
cp node_modules/maplibre-gl/dist/maplibre-gl.mjs node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs \
   node_modules/maplibre-gl/dist/maplibre-gl.css vendor/
cp node_modules/maplibre-gl/LICENSE.txt vendor/LICENSE-maplibre-gl.txt
cp node_modules/world-atlas/countries-110m.json vendor/
cp node_modules/world-atlas/LICENSE vendor/LICENSE-world-atlas.txt
cp node_modules/topojson-client/dist/topojson-client.min.js vendor/
cp node_modules/topojson-client/LICENSE vendor/LICENSE-topojson-client.txt
ls -l vendor
