#!/usr/bin/env bash
# Renders the sample data's workbooks with LibreOffice (headless) to PDF and
# checks the result: the main workbook and one section workbook must convert
# without error and show the overview, every agreement sheet and the data
# quality sheet. Also writes PNGs of the overview and of the imbalanced
# agreement's sheet (the README's pictures, with --pictures).
#
# Usage: tests/render-pdf.sh [--pictures]     (run from anywhere)
# Installs libreoffice-calc and poppler-utils from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pictures=false
[ "${1:-}" = "--pictures" ] && pictures=true
if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then
  echo "render-pdf: installing libreoffice-calc and poppler-utils…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-calc poppler-utils fonts-dejavu-core) >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run -q -- run --config sample-data/avropskoll.toml --out "$work/reports" --quiet
xlsx=$(ls "$work"/reports/*/fordelning-*.xlsx)
section=$(ls "$work"/reports/*/sektioner/*.xlsx | head -n 1)
export HOME="$work"   # LibreOffice writes its profile there
# A Swedish locale, so the workbooks' number formats render as a Swedish
# user sees them ("1 234,5 kr"; works without the locale installed), and a
# profile of its own, so a LibreOffice already running cannot take the job.
for f in "$xlsx" "$section"; do
  LC_ALL=sv_SE.UTF-8 LANG=sv_SE.UTF-8 soffice -env:UserInstallation="file://$work/lo" \
    --headless --convert-to pdf --outdir "$work/pdf" "$f" >/dev/null 2>&1
done
pdf="$work/pdf/$(basename "${xlsx%.xlsx}").pdf"
[ -s "$pdf" ] || { echo "render-pdf: no PDF for $xlsx" >&2; exit 1; }
[ -s "$work/pdf/$(basename "${section%.xlsx}").pdf" ] || { echo "render-pdf: no PDF for $section" >&2; exit 1; }
pages=$(pdfinfo "$pdf" | awk '/^Pages:/{print $2}')
text=$(pdftotext "$pdf" -)
# Swedish number formats: a decimal comma ("+10,4", "85,0%").
grep -qE '[+-][0-9]+,[0-9]' <<<"$text" || { echo "render-pdf: no Swedish decimal comma in the PDF" >&2; exit 1; }
for expected in "Fördelning per ramavtal" "RA-2023-014 – Elinstallationer" "Ackumulerad andel per månad" \
  "Takvolym och avtalens löptid" "Använt av takvolymen och avtalstid som gått" \
  "Användning –" "Datakvalitet –" "Per fil och kategori" "Stämmer"; do
  grep -qF "$expected" <<<"$text" || { echo "render-pdf: '$expected' missing from the PDF" >&2; exit 1; }
done
echo "render-pdf: $(basename "$pdf"): $pages pages, every sheet rendered; section workbook rendered."
if $pictures; then
  page=$(for p in $(seq 1 "$pages"); do
    pdftotext -f "$p" -l "$p" "$pdf" - | grep -qF "RA-2023-014 – Elinstallationer" && { echo "$p"; break; }
  done)
  ceiling=$(for p in $(seq 1 "$pages"); do
    pdftotext -f "$p" -l "$p" "$pdf" - | grep -qF "Takvolym och avtalens löptid" && { echo "$p"; break; }
  done)
  pdftoppm -r 90 -png -f 1 -l 1 -singlefile "$pdf" sample-data/images/overview
  pdftoppm -r 90 -png -f "$page" -l "$page" -singlefile "$pdf" sample-data/images/agreement
  pdftoppm -r 150 -png -f "$ceiling" -l "$ceiling" -x 60 -y 100 -W 1640 -H 820 -singlefile "$pdf" sample-data/images/ceiling-sheet
  cp "$(dirname "$xlsx")/diagram/RA-2022-031-takvolym.png" sample-data/images/chart-ceiling.png
  cp "$(dirname "$xlsx")/diagram/oversikt.png" sample-data/images/chart-overview.png
  cp "$(dirname "$xlsx")/diagram/RA-2023-014.png" sample-data/images/chart-agreement.png
  echo "render-pdf: wrote sample-data/images/ (workbook pages and charts)"
fi
