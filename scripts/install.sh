#!/usr/bin/env bash
# Create .venv, install prizeapp with the given extras, compile the translation catalogs.
# Usage: scripts/install.sh [extras]   e.g. scripts/install.sh dev   or   scripts/install.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev}"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing prizeapp[$extras]"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[$extras]"
echo "==> compiling the translation catalogs"
.venv/bin/pybabel compile --statistics -d prizeapp/translations
