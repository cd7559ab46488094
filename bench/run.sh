#!/usr/bin/env bash
# Benchmark: avropskoll end to end against a DuckDB query, a pandas script
# and the floor (polars reading the CSV as text), on the same generated
# export as the economy system writes it (Windows-1252, `;`, CRLF,
# `12 345,67`, a title block, a totals row; 60 agreements, 300 units) in two
# shapes: *realistic* (the default first: 3,000 orderers drawn independently
# of the unit, the orderer column "Er referens" with a name and a purchase-
# order number, nearly unique per row, as real exports have) and
# *repetitive* (three orderers per unit, few distinct texts); the
# realistic run also gets an organisation file with one section per unit
# (300 section workbooks and mail drafts, as a city's run has); and
# avropskoll on a 1M-row xlsx against calamine merely iterating its cells.
# Checks that the baselines give avropskoll's numbers.
#
# Usage: bench/run.sh [ROWS...]          (default: 1000000 10000000)
#        bench/run.sh 100000000          (10 GB, generated and deleted after;
#                                         pandas and the floor are skipped
#                                         past 20M rows: they need more
#                                         memory than the machine's 24 GB)
#        XLSX_ROWS=0 bench/run.sh 1000000  (skip the xlsx part)
#        SHAPES=realistic bench/run.sh      (one shape only; default: realistic repetitive)
# AVROPSKOLL_TIMINGS=1 adds avropskoll's stage times and memory to its log,
# printed after each table.
# Prints wall time, CPU time (user+sys) and peak memory per contender, with
# ratios to avropskoll. Installs what it needs (Python packages, GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
rows_list=("$@")
[ ${#rows_list[@]} -eq 0 ] && rows_list=(1000000 10000000)
xlsx_rows="${XLSX_ROWS:-1000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

if [ ! -x /usr/bin/time ]; then
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi
python3 -c "import duckdb, pandas, polars" 2>/dev/null || python3 -m pip install -q duckdb pandas polars
cargo build --release --quiet
cargo build --release --quiet --example calamine_iterate
bin="$CARGO_TARGET_DIR/release/avropskoll"
floor_xlsx="$CARGO_TARGET_DIR/release/examples/calamine_iterate"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
window=(2025-H2 2025-07-01 2025-12-31)

# measure NAME CMD...: runs once, records wall/CPU/peak memory.
declare -A wall cpu mem
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/$name.log" 2>&1 || {
    echo "$name failed:" >&2
    tail -5 "$work/$name.log" >&2
    exit 1
  }
  read -r w u s m <"$work/time"
  wall[$name]=$w
  cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')
  mem[$name]=$((m / 1024))
}

table() {
  local base=$1
  shift
  printf "%-22s %9s %9s %10s %12s\n" contender "wall s" "CPU s" "peak MB" "wall ratio"
  for name in "$@"; do
    printf "%-22s %9s %9s %10s %12s\n" "$name" "${wall[$name]}" "${cpu[$name]}" "${mem[$name]}" \
      "$(awk -v a="${wall[$name]}" -v b="${wall[$base]}" 'BEGIN{printf "%.2fx", a/b}')"
  done
}

read -r -a shapes <<<"${SHAPES:-realistic repetitive}"
shape_flags() {
  case "$1" in
    realistic) echo "--orderers 3000 --references" ;;
    repetitive) echo "" ;;
    *) echo "bench/run.sh: unknown shape $1 (realistic or repetitive)" >&2; exit 2 ;;
  esac
}
for rows in "${rows_list[@]}"; do
for shape in "${shapes[@]}"; do
  data="$work/data-$rows"
  # shellcheck disable=SC2046
  "$bin" sample --out "$data" --rows "$rows" --clean --months 24 --agreements 60 --units 300 $(shape_flags "$shape") >/dev/null
  csv="$data/exports/bench.csv"
  reg="$data/register.toml"
  org=()
  if [ "$shape" = realistic ]; then
    # One section per unit, each with a head and an address: a workbook and
    # a mail draft per section.
    { echo "Ansvar;Sektion;Sektionschef;E-post"
      for k in $(seq 0 299); do echo "Enhet $k;Sektion $k;Chef $k;chef.$k@stad.se"; done
    } >"$data/organisation.csv"
    org=(--organisation "$data/organisation.csv")
  fi
  mb=$(($(stat -c %s "$csv") / 1024 / 1024))
  # The generated file written out to disk (no writeback running under the
  # first contender) and read into the page cache: the same for everyone.
  sync
  cat "$csv" >/dev/null
  measure avropskoll "$bin" run --agreements "$reg" --exports "$csv" --period "${window[0]}" --out "$work/out-$rows-$shape" \
    --max-file-mb $((mb + 1)) --quiet "${org[@]}"
  measure duckdb python3 bench/baseline.py duckdb "$reg" "$csv" "${window[1]}" "${window[2]}" "$work/duckdb.csv"
  contenders=(avropskoll duckdb)
  outs=("$work/duckdb.csv")
  if [ "$rows" -le 20000000 ]; then
    measure pandas python3 bench/baseline.py pandas "$reg" "$csv" "${window[1]}" "${window[2]}" "$work/pandas.csv"
    measure "floor (polars text)" python3 bench/baseline.py floor "$csv"
    contenders+=(pandas "floor (polars text)")
    outs+=("$work/pandas.csv")
  fi
  echo
  echo "== $rows rows, $shape, CSV $mb MB =="
  table avropskoll "${contenders[@]}"
  [ "$rows" -le 20000000 ] || echo "(pandas and the polars floor skipped: they hold the whole file as Python strings, more than this machine's memory)"
  grep '^timing' "$work/avropskoll.log" || true
  python3 bench/baseline.py compare "$work/out-$rows-$shape/${window[0]}/allocation.csv" "${outs[@]}"
  awk -v a="${wall[avropskoll]}" -v d="${wall[duckdb]}" -v m="${mem[avropskoll]}" -v dm="${mem[duckdb]}" -v s="$mb" 'BEGIN{
    printf "targets: vs DuckDB %.2fx (<= 1.0), peak memory %.2fx the file (<= 1.0 at 1M, <= 0.5 from 10M), %d MB; DuckDB %.2fx the file\n", a/d, m/s, m, dm/s }'
  # The reports (hundreds of files) stay until the end: ext4 skips inodes
  # freed in the last minutes when it makes a file, so deleting them here
  # would slow the next run's file creation (by 0.2 s at 1M rows).
  rm -rf "$data"
done
done

if [ "$xlsx_rows" -gt 0 ]; then
  data="$work/xlsx"
  "$bin" sample --out "$data" --rows "$xlsx_rows" --clean --months 24 --format xlsx >/dev/null
  xlsx="$data/exports/bench.xlsx"
  measure "avropskoll (xlsx)" "$bin" run --agreements "$data/register.toml" --exports "$xlsx" --period "${window[0]}" --out "$work/out-xlsx" --quiet
  measure "calamine iterate" "$floor_xlsx" "$xlsx"
  echo
  echo "== $xlsx_rows rows, xlsx $(($(stat -c %s "$xlsx") / 1024 / 1024)) MB =="
  table "avropskoll (xlsx)" "avropskoll (xlsx)" "calamine iterate"
  awk -v a="${wall[avropskoll (xlsx)]}" -v c="${wall[calamine iterate]}" 'BEGIN{printf "target: vs calamine %.2fx (<= 1.3)\n", a/c}'
fi
