#!/usr/bin/env bash
# Runs one fuzz target for a while by hand (nightly, cargo-fuzz) and prints what docs/reliability.md
# records: executions, coverage (libFuzzer's cov/ft), corpus size, crashes.
#   bash fuzz/run.sh TARGET [SECONDS=600]
# New corpus entries land in fuzz/corpus/TARGET; a crash in fuzz/artifacts/TARGET (copy it to
# fuzz/regressions/TARGET once fixed, so `cargo test -p silkroute-fuzz` replays it).
# Minimise a corpus before committing it: cargo +nightly fuzz cmin TARGET
set -uo pipefail
cd "$(dirname "$0")"
target="$1"; seconds="${2:-600}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
log="target/run-$target.log"
mkdir -p target "artifacts/$target"
before=$(ls "corpus/$target" | wc -l)
cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -max_len=262144 \
    -print_final_stats=1 > "$log" 2>&1
status=$?
after=$(ls "corpus/$target" | wc -l)
runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)
stats=$(grep -E '^#[0-9]+' "$log" | tail -1)
echo "$target: exit $status; $runs; corpus $before -> $after files; last: $stats"
grep -E 'ERROR: libFuzzer|panicked at|SUMMARY' "$log" | head -5
exit "$status"
