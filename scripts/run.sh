#!/usr/bin/env bash
# Set up and serve prizeapp on SQLite with the demo loaded, plus a local mail catcher, the outbox worker and
# the job worker (assignment computations).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh dev
# The printable sheets of the catalogue are rendered by WeasyPrint, which needs Pango and a font.
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null 2>&1; then
  echo "==> installing Pango and a font for the PDF sheets (needs root; skipped otherwise)"
  { [ "$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; } || true
fi

HOST="${PRIZEAPP_HOST:-127.0.0.1}"
PORT="${PRIZEAPP_PORT:-5000}"
SMTP_PORT="${PRIZEAPP_MAIL_PORT:-8025}"
export PRIZEAPP_MAIL_SERVER=127.0.0.1 PRIZEAPP_MAIL_PORT="$SMTP_PORT"
export PRIZEAPP_BASE_URL="${PRIZEAPP_BASE_URL:-http://$HOST:$PORT}"  # the links in emails
export FLASK_APP=wsgi

echo "==> migrating the SQLite database (instance/prizeapp.sqlite)"
.venv/bin/flask db upgrade
echo "==> loading the demo"
.venv/bin/flask demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

# A development mail catcher: every email the platform sends is printed here, nothing leaves the machine.
.venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" &
pids+=($!)
.venv/bin/flask outbox send --loop --interval 2 &
pids+=($!)
.venv/bin/flask jobs work --loop --interval 1 &
pids+=($!)

cat <<MSG

  prizeapp is running on http://$HOST:$PORT/
  Sign in with any demo account printed above (password: demo-prizeapp-2026),
  e.g. claire.admin@transformation.example.gouv.fr (administrator)
  or   sophie.martin@transformation.example.gouv.fr (organiser).
  The innovation catalogue is at http://$HOST:$PORT/innovations; the accounts that show its sides are above.
  Emails are printed in this terminal by the local mail catcher. Stop with Ctrl-C.

MSG
.venv/bin/flask run --host "$HOST" --port "$PORT"
