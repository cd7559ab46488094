#!/usr/bin/env bash
# Throughput of `avropskoll run` end to end (all rules, CSV outputs) on
# generated sample data: 24 monthly CSV exports, ROWS_PER_MONTH rows each
# (default 42 000: about 1.1 million rows read, ~100 MB).
# Usage: bench/throughput.sh [ROWS_PER_MONTH]
set -euo pipefail
cd "$(dirname "$0")/.."
rows_per_month="${1:-42000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ ! -x /usr/bin/time ]; then
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/avropskoll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" sample --out "$work/data" --months 24 --rows-per-month "$rows_per_month" >/dev/null
size=$(du -sm "$work/data/exports" | cut -f1)
/usr/bin/time -v "$bin" run --config "$work/data/avropskoll.toml" --out "$work/out" --quiet 2>"$work/time.txt"
rows=$(awk -F, '$1=="read"{print $2}' "$work"/out/*/reconciliation.csv)
wall=$(awk -F': ' '/Elapsed/{print $2}' "$work/time.txt")
user=$(awk -F': ' '/User time/{print $2}' "$work/time.txt")
sys=$(awk -F': ' '/System time/{print $2}' "$work/time.txt")
rss=$(awk -F': ' '/Maximum resident/{print $2}' "$work/time.txt")
secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
echo "rows read:      $rows (${size} MB of CSV)"
echo "wall time:      ${secs} s   (CPU: user ${user} s, sys ${sys} s)"
echo "peak memory:    $((rss / 1024)) MB"
echo "throughput:     $(awk -v r="$rows" -v s="$secs" 'BEGIN{printf "%.0f", r/s}') rows/s"
