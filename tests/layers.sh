#!/usr/bin/env bash
# The stages point one way: config/register → read → classify → allocate →
# report. No module below report/ may name it (only lib.rs, which strings the
# stages together, and the binary do); cli.rs (raw arguments) must not name
# config.rs (the checked settings), which reads it.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -rnE '(crate|avropskoll|super)::report\b' src --include='*.rs' \
  | grep -vE '^src/(report/|lib\.rs|main\.rs)' || true)
if [ -n "$bad" ]; then
  echo "layers.sh: modules below report/ reach into it:" >&2
  echo "$bad" >&2
  exit 1
fi
# The terminal printer talks to the user; the writers and stages beside it
# do not reach into it (only the binary and the writers' snapshot tests do).
bad=$(grep -rnE '(terminal::|use super::terminal|report::terminal)' src --include='*.rs' \
  | grep -vE '^src/(main\.rs|report/terminal\.rs|report/snapshots\.rs|report/testing\.rs|report/mod\.rs|lib\.rs)' || true)
if [ -n "$bad" ]; then
  echo "layers.sh: modules reach into the terminal printer (report/terminal.rs):" >&2
  echo "$bad" >&2
  exit 1
fi
if grep -nE '^[^/]*crate::config\b' src/cli.rs; then
  echo "layers.sh: cli.rs (raw arguments) names config.rs" >&2
  exit 1
fi
echo "layers.sh: no module below report/ imports it; none but the binary reaches into the terminal printer; cli does not import config"
