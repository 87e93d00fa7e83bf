#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite: on SQLite, then on PostgreSQL, each run
# including the browser tests in Debian's Chromium. Under CI=true nothing may be skipped: a part that
# cannot run fails the command. Elsewhere it is skipped with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

STRICT=0
[ "${CI:-}" = "true" ] && STRICT=1
missing() {
  if [ "$STRICT" = 1 ]; then echo "ERROR (CI): $1" >&2; exit 1; fi
  echo "SKIPPED: $1" >&2
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@";
  else return 1; fi
}
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

bash scripts/install.sh test

# --- Chromium and axe-core for the browser tests -------------------------------------------------------
E2E=1
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian's Chromium"
  apt_install chromium || true
fi
if [ ! -x /usr/bin/chromium ]; then E2E=0; missing "browser tests: /usr/bin/chromium is not installed and could not be (apt-get install chromium needs root)"; fi
if [ "$E2E" = 1 ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "==> installing axe-core"
  if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund >/dev/null || true; fi
  if [ ! -f node_modules/axe-core/axe.min.js ]; then E2E=0; missing "browser tests: axe-core could not be installed with npm"; fi
fi

# --- Pango and a font, which WeasyPrint needs for the PDF sheets; Poppler, whose pdftoppm renders them ----
if ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils >/dev/null 2>&1; then
  echo "==> installing Pango, a font and Poppler for the PDF sheets"
  apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils || true
fi
.venv/bin/python -c "import weasyprint" 2>/dev/null \
  || missing "PDF sheets: WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)"
command -v pdftoppm >/dev/null 2>&1 \
  || missing "PDF sheets: pdftoppm, which renders them in the tests, is not installed (apt-get install poppler-utils)"

# --- PostgreSQL ----------------------------------------------------------------------------------------
PG_URL="${PRIZEAPP_TEST_POSTGRES_URL:-postgresql+psycopg://prizeapp:prizeapp@127.0.0.1:5432/prizeapp_test}"
PG=1
if [ -z "${PRIZEAPP_TEST_POSTGRES_URL:-}" ]; then
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "==> installing PostgreSQL"
    apt_install postgresql || true
  fi
  if command -v pg_lsclusters >/dev/null 2>&1; then
    read -r pg_version pg_cluster pg_status < <(pg_lsclusters -h | awk '{print $1, $2, $4; exit}') || true
    if [ -n "${pg_version:-}" ] && [ "${pg_status:-}" != "online" ]; then
      echo "==> starting PostgreSQL $pg_version/$pg_cluster"
      as_root pg_ctlcluster "$pg_version" "$pg_cluster" start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
    if pg_isready -q -h 127.0.0.1 -p 5432; then
      as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='prizeapp'\"" | grep -q 1 \
        || as_root su postgres -c "psql -qc \"CREATE ROLE prizeapp LOGIN PASSWORD 'prizeapp' CREATEDB\"" || true
      as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='prizeapp_test'\"" | grep -q 1 \
        || as_root su postgres -c "createdb -O prizeapp prizeapp_test" || true
    fi
  fi
  if ! .venv/bin/python -c "import psycopg,sys; psycopg.connect('${PG_URL/+psycopg/}').close()" 2>/dev/null; then
    PG=0; missing "PostgreSQL run: no server reachable at ${PG_URL/+psycopg/} (install and start PostgreSQL, or set PRIZEAPP_TEST_POSTGRES_URL)"
  fi
fi

# --- the suite, twice ----------------------------------------------------------------------------------
marker=()
[ "$E2E" = 1 ] || marker=(-m "not e2e")
export PYTHONDONTWRITEBYTECODE=1

echo "==> ruff (pyflakes, pycodestyle, bugbear, complexity, import order: pyproject.toml)"
.venv/bin/ruff check .

echo "==> test suite on SQLite"
.venv/bin/python -m pytest -p no:cacheprovider "${marker[@]}" "$@"

if [ "$PG" = 1 ]; then
  echo "==> test suite on PostgreSQL"
  PRIZEAPP_TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -p no:cacheprovider "${marker[@]}" "$@"
fi
