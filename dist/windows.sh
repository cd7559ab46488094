#!/usr/bin/env bash
# Builds the Windows package on this Linux machine: avropskoll.exe for
# x86_64-pc-windows-gnu (cross-built with Debian's mingw-w64), LÄSMIG.txt and
# the licence texts, zipped as target/dist/avropskoll-windows-x64.zip.
#
# Usage: bash dist/windows.sh [--check]     (run from anywhere)
#   --check   also runs the zip's exe under Wine (tests/wine.sh)
# Installs what it needs when missing: rustup's Windows target, mingw-w64
# (and, for --check, Wine). Reuses CARGO_TARGET_DIR when set (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."
triple=x86_64-pc-windows-gnu
apt_install() {
  echo "windows.sh: installing $* from Debian…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@") >/dev/null
}
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
command -v x86_64-w64-mingw32-gcc >/dev/null || apt_install gcc-mingw-w64-x86-64
command -v python3 >/dev/null || apt_install python3

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
cargo build --release --locked --target "$triple"
target_dir="${CARGO_TARGET_DIR:-target}"
exe="$target_dir/$triple/release/avropskoll.exe"
mkdir -p target/dist
zip="target/dist/avropskoll-windows-x64.zip"
python3 dist/package.py --exe "$exe" --triple "$triple" --out "$zip"
echo "windows.sh: wrote $zip"
if [ "${1:-}" = "--check" ]; then
  bash tests/wine.sh "$zip"
fi
