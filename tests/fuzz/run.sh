#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) and prints the executions
# per target. Crash inputs are copied to tests/fuzz/regressions/<target>/,
# where tests/it/fuzz_regressions.rs replays them in the normal test suite.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(amount date org_nr csv_sniff export_reader window config register_toml register_table shown_text)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo fuzz passes nightly-only flags; the stable toolchain accepts them so.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/avropskoll/fuzz-target}"
cargo fuzz build --fuzz-dir . --sanitizer none -O
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$(mktemp)"
  if cargo fuzz run --fuzz-dir . --sanitizer none -O "$t" "corpus/$t" -- \
      -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz $t: $result, $runs executions in ${seconds} s"
  if [ "$result" = CRASH ]; then
    mkdir -p "regressions/$t"
    cp artifacts/"$t"/* "regressions/$t/" 2>/dev/null || true
    grep -E "panicked|ERROR" "$log" | head -5
  fi
  rm -f "$log"
done
exit $status
