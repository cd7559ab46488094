#!/usr/bin/env bash
# Chart rendering time for many agreements: generates sample data with
# AGREEMENTS agreements (default 200), runs the release build and prints the
# time of each report writer (charts: 2 PNG + 2 SVG per agreement and the
# overview), measured with AVROPSKOLL_TIMINGS.
# Usage: bench/charts.sh [AGREEMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
agreements="${1:-200}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/avropskoll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" sample --out "$work/data" --agreements "$agreements" --months 12 --rows-per-month 20000 >/dev/null
AVROPSKOLL_TIMINGS=1 "$bin" run --config "$work/data/avropskoll.toml" --out "$work/out" --quiet 2>"$work/timings.txt"
cat "$work/timings.txt"
files=$(ls "$work"/out/*/diagram | wc -l)
echo "agreements: $agreements, chart files: $files"
