#!/usr/bin/env bash
# Create .venv (if missing) and install survgraph into it, with the dev tools when asked.
# Usage: scripts/bootstrap.sh [--dev]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON_BIN="${PYTHON_BIN:-python3}"
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "survgraph needs Python >= 3.11 (found: $("$PYTHON_BIN" --version 2>&1))" >&2
  exit 2
fi
[ -x .venv/bin/python ] || "$PYTHON_BIN" -m venv .venv
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
# pip keeps downloads in ~/.cache/pip, so a second bootstrap is offline-fast.
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --editable ".$extra"
