#!/usr/bin/env bash
# Create .venv, install the pinned dependencies of the given extras (requirements/<extras>.txt, with their
# hashes), then prizeapp itself, and compile the translation catalogs.
# Usage: scripts/install.sh [extras]   e.g. scripts/install.sh dev   or   scripts/install.sh test   or   production
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev}"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
lock="requirements/$extras.txt"
[ -f "$lock" ] || { echo "no lock file $lock (make lock writes them from pyproject.toml)" >&2; exit 1; }
echo "==> installing the pinned dependencies of $lock"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
echo "==> installing prizeapp"
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m pip check  # what prizeapp declares is what the lock installed
echo "==> compiling the translation catalogs"
.venv/bin/pybabel compile --statistics -d prizeapp/translations
