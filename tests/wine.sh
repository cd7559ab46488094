#!/usr/bin/env bash
# The Windows package proved under Wine: the zip's avropskoll.exe runs
# sample, init, check and run with Windows paths (drive letters,
# backslashes, spaces, å/ä/ö); its CSVs equal the Linux build's; the
# terminal's text is UTF-8 and the report folder is printed with one kind of
# separator; a start without arguments (closed input, no display) writes the
# template in an empty folder and makes the report in a filled one, and
# never waits.
#
# Usage: tests/wine.sh [ZIP]   (default target/dist/avropskoll-windows-x64.zip)
# Installs Wine and mingw-w64 from Debian when missing. Wine 8 lacks
# ProcessPrng (see dist/wine/processprng.c): a test-only shim DLL is put
# beside the exe here, never in the zip.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
zip="$(realpath "${1:-target/dist/avropskoll-windows-x64.zip}")"
[ -f "$zip" ] || { echo "wine.sh: $zip missing; run bash dist/windows.sh first" >&2; exit 1; }
if ! command -v wine >/dev/null || ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  echo "wine.sh: installing wine and mingw-w64 from Debian…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    wine wine64 gcc-mingw-w64-x86-64 unzip) >/dev/null
fi
command -v unzip >/dev/null || (apt-get update -qq && apt-get install -y -qq unzip) >/dev/null

work="$(mktemp -d)"
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
fail() { echo "wine.sh: FAIL: $*" >&2; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "wine.sh: ok: $*"; }

# The program folder: spaces and å/ä/ö, as a user unpacks it.
prog="$work/Program för avrop/avropskoll"
mkdir -p "$prog"
unzip -q "$zip" -d "$prog"
for f in avropskoll.exe LÄSMIG.txt LICENS.txt TREDJEPARTSLICENSER.txt; do
  [ -s "$prog/$f" ] || fail "the zip lacks $f"
done
ok "the zip holds the exe, LÄSMIG.txt and the licences"
shim() {
  x86_64-w64-mingw32-gcc -shared -O2 -o "$1/bcryptprimitives.dll" dist/wine/processprng.c \
    dist/wine/bcryptprimitives.def -ladvapi32 -Wl,--kill-at
}
shim "$prog"
wineboot -i >/dev/null 2>&1 || true
winpath() { echo "Z:$1" | sed 's|/|\\|g'; }   # a Unix path as Windows writes it
exe() { timeout 600 wine "$prog/avropskoll.exe" "$@" </dev/null; }

# sample: the same files as the Linux build's generator.
cargo build -q --locked
linux="${CARGO_TARGET_DIR:-target}/debug/avropskoll"
"$linux" sample --out "$work/linux-sample" >/dev/null
data="$work/Data med å och ö"
exe sample --out "$(winpath "$data")" >"$work/sample.out" || fail "sample under Wine"
diff -r "$work/linux-sample" "$data" >/dev/null || fail "sample under Wine differs from Linux"
ok "sample with a Windows path (Z:\\…, spaces, å/ö) writes the Linux build's files"

# run: the CSVs equal the Linux build's (data_quality.csv's paths aside).
(cd "$data" && "$linux" run --config avropskoll.toml --out "$work/linux-reports" --quiet)
out="$data/Rapporter ä"
exe run --agreements "$(winpath "$data/register.toml")" --exports "$(winpath "$data/exports")" \
  --out "$(winpath "$out")" >"$work/run.out" 2>"$work/run.err" || { cat "$work/run.err"; fail "run under Wine"; }
label=$(ls "$work/linux-reports")
for csv in "$work/linux-reports/$label"/*.csv; do
  name=$(basename "$csv")
  [ -f "$out/$label/$name" ] || fail "run under Wine wrote no $name"
  if [ "$name" = data_quality.csv ]; then
    cmp -s <(tr '\\' '/' <"$out/$label/$name") "$csv" || fail "$name differs (beyond path separators)"
  else
    cmp -s "$out/$label/$name" "$csv" || fail "$name differs from the Linux build's"
  fi
done
ok "run: $(ls "$work/linux-reports/$label"/*.csv | wc -l) CSVs equal the Linux build's"
for f in "fordelning-$label.xlsx" "forum-$label.html"; do
  [ -s "$out/$label/$f" ] || fail "run under Wine wrote no $f"
done
iconv -f UTF-8 -t UTF-8 "$work/run.out" >/dev/null || fail "the terminal's text is not UTF-8"
grep -q "Läste [0-9]* filer" "$work/run.out" || fail "no Swedish text with å/ä/ö on the terminal: $(head -3 "$work/run.out")"
line=$(grep "Rapporterna finns i" "$work/run.out") || fail "no report folder printed"
case "$line" in */*) fail "report folder printed with '/': $line" ;; esac
echo "$line" | grep -qF "$(winpath "$out/$label")\\" || fail "report folder not printed as Windows writes it: $line"
ok "the terminal is UTF-8 (å/ä/ö) and names the report folder with one separator: ${line%% (*}"

# init and check with Swedish paths.
reg="$work/Registret på G"
exe init --out "$(winpath "$reg")" >"$work/init.out" || fail "init under Wine"
[ -s "$reg/register.xlsx" ] && [ -f "$reg/avropskoll.toml" ] && [ -d "$reg/exporter" ] || fail "init wrote too little"
grep -q "Fyll i\|fyll i" "$work/init.out" || fail "init said no Swedish next steps"
exe check --agreements "$(winpath "$data/register.toml")" --exports "$(winpath "$data/exports")" \
  >"$work/check.out" || fail "check under Wine"
grep -q "är giltigt" "$work/check.out" || fail "check did not say the register is valid"
ok "init and check with Swedish paths"

# --help and a usage error in Swedish.
exe --help | grep -q "Användning: avropskoll" || fail "--help is not Swedish"
set +e; exe run --perod x 2>"$work/usage.err"; code=$?; set -e
[ "$code" = 2 ] && grep -q "okänd flagga" "$work/usage.err" || fail "usage error: exit $code, $(cat "$work/usage.err")"
ok "--help and usage errors in Swedish (exit 2)"

# A start without arguments, input closed, no display: nothing waits.
empty="$work/Tom mapp"
mkdir -p "$empty" && cp "$prog"/*.exe "$prog"/*.dll "$empty/"
(cd "$empty" && timeout 300 wine "$empty/avropskoll.exe" </dev/null >"$work/empty.out" 2>&1) || fail "no-argument start in an empty folder: $(cat "$work/empty.out")"
[ -s "$empty/register.xlsx" ] && [ -d "$empty/exporter" ] || fail "a no-argument start wrote no template: $(cat "$work/empty.out")"
grep -q "Öppna register.xlsx i Excel" "$work/empty.out" || fail "no guidance printed: $(cat "$work/empty.out")"
ok "a no-argument start in an empty folder writes the template and says what to do"
filled="$work/Fylld mapp"
cp -r "$data" "$filled" && rm -rf "$filled/Rapporter ä" && cp "$prog"/*.exe "$prog"/*.dll "$filled/"
(cd "$filled" && timeout 300 wine "$filled/avropskoll.exe" </dev/null >"$work/filled.out" 2>&1) || fail "no-argument start in a filled folder: $(cat "$work/filled.out")"
cmp -s "$filled/reports/$label/allocation.csv" "$work/linux-reports/$label/allocation.csv" || fail "a no-argument start made no report: $(tail -5 "$work/filled.out")"
ok "a no-argument start in a filled folder checks, runs and returns"
echo "wine.sh: $pass passed, 0 failed"
