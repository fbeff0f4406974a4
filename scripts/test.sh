#!/usr/bin/env bash
# Runs the suite on the embedded default (SQLite + SQLite broker), then on PostgreSQL + Redis.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
export HUBWIRE_DB_CONN_MAX_AGE=0  # no connection outlives a test, so the test database can be dropped

echo "== hubwire tests: SQLite database, SQLite broker =="
mkdir -p var
env -u DATABASE_URL CELERY_BROKER_URL="sqla+sqlite:///$PWD/var/test-celery-broker.sqlite3" "$BIN/pytest" "$@"

pg_url=${HUBWIRE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/hubwire}
redis_url=${HUBWIRE_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
if reason=$("$BIN/python" scripts/services_up.py "$pg_url" "$redis_url"); then
  echo "== hubwire tests: PostgreSQL database, Redis broker =="
  DATABASE_URL=$pg_url CELERY_BROKER_URL=$redis_url "$BIN/pytest" "$@"
elif [ "${HUBWIRE_REQUIRE_SERVICES:-0}" = "1" ]; then
  echo "FAILED: HUBWIRE_REQUIRE_SERVICES=1 but $reason" >&2
  exit 1
else
  echo "SKIPPED the PostgreSQL + Redis run: $reason"
fi
