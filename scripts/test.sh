#!/usr/bin/env bash
# Runs the suite on the embedded default (SQLite + SQLite broker), then on PostgreSQL + Redis, then
# the tests that start a real Celery worker (marked `worker`) once more on RabbitMQ.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
export HUBWIRE_DB_CONN_MAX_AGE=0  # no connection outlives a test, so the test database can be dropped

echo "== hubwire tests: SQLite database, SQLite broker =="
mkdir -p var
env -u DATABASE_URL CELERY_BROKER_URL="sqla+sqlite:///$PWD/var/test-celery-broker.sqlite3" "$BIN/pytest" "$@"

# Runs `pytest` with the environment given first when every service URL answers; otherwise skips
# with the reason, or fails when HUBWIRE_REQUIRE_SERVICES=1.
run_with_services() {
  local title=$1 urls=$2 reason
  shift 2
  if reason=$("$BIN/python" scripts/services_up.py $urls); then
    echo "== hubwire tests: $title =="
    env "$@"
  elif [ "${HUBWIRE_REQUIRE_SERVICES:-0}" = "1" ]; then
    echo "FAILED: HUBWIRE_REQUIRE_SERVICES=1 but $reason" >&2
    exit 1
  else
    echo "SKIPPED the $title run: $reason"
  fi
}

pg_url=${HUBWIRE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/hubwire}
redis_url=${HUBWIRE_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
amqp_url=${HUBWIRE_TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672//}
run_with_services "PostgreSQL database, Redis broker" "$pg_url $redis_url" \
  DATABASE_URL="$pg_url" CELERY_BROKER_URL="$redis_url" "$BIN/pytest" "$@"
# Only what a broker changes: the outbox, jobs and webhook deliveries run by a real worker.
run_with_services "SQLite database, RabbitMQ broker (worker tests)" "$amqp_url" \
  -u DATABASE_URL CELERY_BROKER_URL="$amqp_url" "$BIN/pytest" -m worker "$@"
