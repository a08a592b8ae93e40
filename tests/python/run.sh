#!/usr/bin/env bash
# Installs the Python package from the workspace (`pip install ./crates/python`: maturin builds
# the abi3 wheel) into a virtual environment under target/, with what its tests need, and runs
# them (pytest; the Dask test starts a LocalCluster of two worker processes on loopback).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/py"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$root/crates/python/requirements-test.txt"
# The wheel without debug info: the test needs no symbols, the disk of a CI machine is finite.
CARGO_PROFILE_RELEASE_DEBUG=0 "$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$root/crates/python"
(cd "$root" && cargo build -q -p silkroute)
cd "$root/crates/python" && "$venv/bin/python" -m pytest -q -p no:cacheprovider tests
