#!/usr/bin/env bash
# `make run-scaled`: the production topology on this machine (Procfile.scaled) on PostgreSQL and
# Redis instead of the embedded SQLite defaults. Creates the database if it is missing, applies the
# migrations, seeds the demo data when the database has none (`demo seed` is idempotent), then
# starts every process with honcho; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/sulah}
REDIS=${SULAH_REDIS_URL:-redis://127.0.0.1:6379}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-$REDIS/0}
export CELERY_RESULT_BACKEND=${CELERY_RESULT_BACKEND:-$REDIS/1}
export RATELIMIT_STORAGE_URI=${RATELIMIT_STORAGE_URI:-$REDIS/2}
case "$DATABASE_URL" in
  postgresql*) ;;
  *) echo "run-scaled needs DATABASE_URL on PostgreSQL (got $DATABASE_URL)" >&2; exit 2 ;;
esac

"$BIN/python" - <<'PY'
import os

import sqlalchemy as sa

url = sa.make_url(os.environ["DATABASE_URL"])
server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with server.connect() as conn:
    if conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).first() is None:
        conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        print(f"created database {url.database}")
server.dispose()
PY
"$BIN/flask" --app wsgi db upgrade heads
"$BIN/flask" --app wsgi demo seed
echo "Sulah (scaled) on http://127.0.0.1:${SULAH_PORT:-5000} and http://127.0.0.1:${SULAH_PORT2:-5001}; database $DATABASE_URL; broker $CELERY_BROKER_URL (Ctrl-C stops all)"
# honcho answers Ctrl-C by stopping every process and exiting 130: a clean stop, not an error.
PATH="$PWD/$BIN:$PATH" exec "$BIN/honcho" --procfile Procfile.scaled start
