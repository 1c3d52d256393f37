#!/usr/bin/env bash
# The load test: gunicorn + PostgreSQL on 127.0.0.1 with the benchmark's data, and locust headless.
#   DATABASE_URL=postgres://…/cchc_bench bench/load.sh [users] [duration] [gunicorn workers]
# Prints locust's summary (requests/s, p50/p95/p99, failures) and keeps its CSV under var/load/.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the benchmark database (see bench/README.md)}"
USERS="${1:-200}"
DURATION="${2:-3m}"
WORKERS="${3:-4}"
PORT="${LOAD_PORT:-8765}"
OUT=var/load
mkdir -p "$OUT"

.venv/bin/python manage.py collectstatic --noinput -v0
DEBUG=false CONN_MAX_AGE=60 .venv/bin/gunicorn cchc.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --pid "$OUT/gunicorn.pid" &
trap 'kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/dang-nhap/" && break; sleep 1; done

.venv/bin/locust -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$USERS" --spawn-rate 20 --run-time "$DURATION" --csv "$OUT/load" --only-summary
