#!/usr/bin/env bash
# Every test: the Rust workspace (with the GTFS sample feeds it downloads), the Python package (pytest, Dask), the OpenAPI document (openapi-spec-validator from PyPI) and the
# browser test (headless Chromium against `silkroute serve`). Installs what each needs.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== GTFS sample feeds (gtfs-kit, downloaded)"
bash tests/gtfs/fetch.sh
echo "== Rust tests"
SILKROUTE_REQUIRE_GTFS=1 cargo test --workspace --locked
echo "== Python package (pip install ./crates/python, pytest, a Dask LocalCluster sweep)"
bash tests/python/run.sh
echo "== OpenAPI document"
bash tests/openapi/run.sh
echo "== browser test"
bash tests/browser/run.sh
