#!/usr/bin/env bash
# Renders the sample data's forum report (forum-LABEL.html) in headless
# Chromium the way a manager sees it: printed to PDF (A4 landscape) and as
# a screenshot; checks the page count, the key text, that the page needs
# nothing from outside, and that nothing is clipped (every table's last
# column is on the page, no word beyond the page's right edge). With
# --pictures it writes the README's picture of the first page.
#
# Usage: tests/render-html.sh [--pictures]     (run from anywhere)
# Installs chromium and poppler-utils from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pictures=false
[ "${1:-}" = "--pictures" ] && pictures=true
if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then
  echo "render-html: installing chromium and poppler-utils…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium poppler-utils fonts-dejavu-core) >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run -q -- run --config sample-data/avropskoll.toml --out "$work/reports" --quiet
html=$(ls "$work"/reports/*/forum-*.html)
fail() { echo "render-html: $*" >&2; exit 1; }
for bad in '<script' '<link' 'src=' 'href=' 'url(' '@import'; do
  ! grep -qF "$bad" "$html" || fail "the page refers outside itself ($bad)"
done
chrome() {
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --user-data-dir="$work/profile" "$@" "file://$html" >/dev/null 2>&1
}
chrome --print-to-pdf="$work/forum.pdf"
chrome --screenshot="$work/forum.png" --window-size=1400,1000
[ -s "$work/forum.pdf" ] || fail "no PDF"
[ -s "$work/forum.png" ] || fail "no screenshot"
pages=$(pdfinfo "$work/forum.pdf" | awk '/^Pages:/{print $2}')
size=$(pdfinfo "$work/forum.pdf" | awk '/^Page size:/{print $3 "x" $5}')
[ "$pages" -ge 5 ] || fail "only $pages pages"
case "$size" in 84[12]*x59[45]*) ;; *) fail "page size $size is not A4 landscape" ;; esac
text=$(pdftotext "$work/forum.pdf" - | tr '\n' ' ' | tr -s ' ')
for expected in "Ramavtalens fördelning – 2025-H2" "jämfört med 2025-H1" \
  "Elinstallationer: Elkraft Öresund AB fick 70,4 % mot avtalade 60 %" \
  "Ljus & Kraft Syd AB behöver 1 705 518 kr" "RA-2023-011" "RA-2024-040" \
  "Ikapp (kr), hittills" "Överskott utöver nyckeln (kr)" "Anmärkning" "Avtal nära takvolymen" \
  "Datakvalitet i korthet" "Lästa filer ($(ls sample-data/exports | wc -l))" \
  "Köp vid sidan av avtalen" "Järnhandel" "förnyad konkurrensutsättning"; do
  grep -qF "$expected" <<<"$text" || fail "'$expected' missing from the PDF"
done
# No word past the right edge of a page.
widest=$(pdftotext -bbox "$work/forum.pdf" - | grep -o 'xMax="[0-9.]*"' | tr -dc '0-9.\n' | sort -n | tail -1)
awk -v w="$widest" 'BEGIN { exit !(w <= 842) }' || fail "a word reaches x=$widest, past the page"
# No near-empty page (forced breaks leave them): every page but the last
# holds at least 40 words.
for p in $(seq 1 $((pages - 1))); do
  words=$(pdftotext -f "$p" -l "$p" "$work/forum.pdf" - | wc -w)
  [ "$words" -ge 40 ] || fail "page $p holds only $words words"
done
echo "render-html: $(basename "$html"): $pages pages A4 landscape, self-contained, nothing clipped (widest word ends at x=$widest of 842)."
if $pictures; then
  pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$work/forum.pdf" sample-data/images/forum
  echo "render-html: wrote sample-data/images/forum.png (the first page)"
fi
