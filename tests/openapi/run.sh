#!/usr/bin/env bash
# Validates the HTTP API's OpenAPI document with openapi-spec-validator (PyPI), installed in a
# virtual environment under target/. Exit status = the validator's.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/py-openapi"
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/tests/openapi/requirements.txt"
fi
(cd "$root" && cargo build -q -p silkroute)
"$root/target/debug/silkroute" openapi > "$root/target/openapi.json"
"$venv/bin/openapi-spec-validator" "$root/target/openapi.json"
