#!/usr/bin/env bash
# Every test: the Rust workspace, the OpenAPI document (openapi-spec-validator from PyPI) and the
# browser test (headless Chromium against `silkroute serve`). Installs what each needs.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Rust tests"
cargo test --workspace --locked
echo "== OpenAPI document"
bash tests/openapi/run.sh
echo "== browser test"
bash tests/browser/run.sh
