#!/usr/bin/env bash
# The README's demo: install rasd into .venv if needed, process the bundled examples into SQLite,
# and print what was found. Usage: ./demo.sh [DB]   (default demo.db)
set -euo pipefail
cd "$(dirname "$0")"
DB="${1:-demo.db}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/rasd ] || ! .venv/bin/python -c "import fastapi, uvicorn" 2>/dev/null; then
  echo "== installing rasd into .venv (first run only)"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[web]"
fi
# The map (Leaflet) and the API docs page (Swagger UI) come from the npm registry; without them the
# pages say what is missing instead of breaking, so a failed npm install does not stop the demo.
if [ ! -d node_modules/leaflet ] && command -v npm >/dev/null; then
  echo "== installing the web assets (npm, first run only)"
  npm install --no-audit --no-fund --loglevel=error || echo "   (npm install failed: the map page will say so)"
fi
RASD=.venv/bin/rasd
echo "== processing examples/ into $DB"
set +e
"$RASD" run examples --db "$DB"
rc=$?
set -e
# exit code 3 = finished, some inputs quarantined (examples/bad/ is there on purpose)
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then exit "$rc"; fi
"$RASD" stats --db "$DB"
echo "== quarantined inputs (examples/bad/ on purpose)"
"$RASD" quarantine list --db "$DB"
echo "== events reported by two or more pages, and where their sources disagree"
"$RASD" events --db "$DB" --min-sources 2
"$RASD" events --db "$DB" --disputed --min-sources 1
echo "== story clusters"
"$RASD" stories --db "$DB" --min-documents 2
if [ "${RASD_DEMO_NO_SERVE:-}" = "1" ]; then exit 0; fi
echo "== serving $DB at http://127.0.0.1:8000/  (API docs at /docs; Ctrl-C stops)"
exec "$RASD" serve --db "$DB"
