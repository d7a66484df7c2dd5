#!/usr/bin/env bash
# Create .venv (if missing) and install survgraph into it, with the dev tools when asked.
# Usage: scripts/bootstrap.sh [--dev]
# Dependencies come from the lock file alone (exact versions, hashes checked), so an install
# made tomorrow is the one tested today; survgraph itself is then installed without resolving
# anything. scripts/lock.sh updates the locks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON_BIN="${PYTHON_BIN:-python3}"
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "survgraph needs Python >= 3.11 (found: $("$PYTHON_BIN" --version 2>&1))" >&2
  exit 2
fi
[ -x .venv/bin/python ] || "$PYTHON_BIN" -m venv .venv
lock=requirements-runtime.lock
[ "${1:-}" = "--dev" ] && lock=requirements.lock
# pip keeps downloads in ~/.cache/pip, so a second bootstrap is offline-fast.
.venv/bin/python -m pip install --quiet --upgrade "pip>=24,<27"
.venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
.venv/bin/python -m pip install --quiet --no-deps --editable .
