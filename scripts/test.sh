#!/usr/bin/env bash
# Runs the suite on the embedded default (SQLite + SQLite broker) and, side by side with it, on
# PostgreSQL + Redis (each pass prints its 15 slowest tests, to keep the run short); then the tests
# that start a real Celery worker (marked `worker`) once more on RabbitMQ, as soon as the SQLite
# pass ends (beside the end of the PostgreSQL one). The two full passes share nothing (their own
# databases, brokers and sandbox files), and running them together keeps `make test` under 30
# minutes on a 2-core machine: much of a pass is waiting on browsers, workers and live servers,
# not computing.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
export HUBWIRE_DB_CONN_MAX_AGE=0  # no connection outlives a test, so the test database can be dropped
mkdir -p var

pg_url=${HUBWIRE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/hubwire}
redis_url=${HUBWIRE_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
amqp_url=${HUBWIRE_TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672//}

# Whether every service URL answers: prints the reason when not; with HUBWIRE_REQUIRE_SERVICES=1 a
# missing service fails the run.
services_answer() {
  local title=$1 urls=$2 reason
  if reason=$("$BIN/python" scripts/services_up.py $urls); then
    return 0
  elif [ "${HUBWIRE_REQUIRE_SERVICES:-0}" = "1" ]; then
    echo "FAILED: HUBWIRE_REQUIRE_SERVICES=1 but $reason" >&2
    exit 1
  fi
  echo "SKIPPED the $title run: $reason"
  return 1
}

pg_status=0
pg_log=var/test-postgres-pass.log
if services_answer "PostgreSQL database, Redis broker" "$pg_url $redis_url"; then
  echo "== hubwire tests: PostgreSQL database, Redis broker (beside the SQLite pass; its output follows it) =="
  # HUBWIRE_SECOND_PASS: this pass leaves out what no database changes (tests/conftest.py:
  # runs_the_same_on_any_database): the sandbox's own tests and the database-free ones.
  env DATABASE_URL="$pg_url" CELERY_BROKER_URL="$redis_url" HUBWIRE_SECOND_PASS=1 \
    HUBWIRE_SANDBOX_DATABASE_URL="sqlite:///$PWD/var/sandbox-postgres-pass.sqlite3" \
    "$BIN/pytest" -p no:cacheprovider --durations=15 "$@" > "$pg_log" 2>&1 &
  pg_pid=$!
else
  pg_pid=""
fi

echo "== hubwire tests: SQLite database, SQLite broker =="
env -u DATABASE_URL CELERY_BROKER_URL="sqla+sqlite:///$PWD/var/test-celery-broker.sqlite3" "$BIN/pytest" --durations=15 "$@"
sqlite_status=$?

# Only what a broker changes (started as soon as the SQLite pass ends, beside the PostgreSQL one): the outbox, jobs and webhook deliveries run by a real worker.
amqp_status=0
if services_answer "SQLite database, RabbitMQ broker (worker tests)" "$amqp_url"; then
  echo "== hubwire tests: SQLite database, RabbitMQ broker (worker tests) =="
  env -u DATABASE_URL CELERY_BROKER_URL="$amqp_url" "$BIN/pytest" -m worker "$@"
  amqp_status=$?
fi

if [ -n "$pg_pid" ]; then
  wait "$pg_pid"
  pg_status=$?
  echo "== hubwire tests: PostgreSQL database, Redis broker (output) =="
  cat "$pg_log"
fi

echo "== results: SQLite $sqlite_status, PostgreSQL + Redis $pg_status, RabbitMQ $amqp_status (0 is a pass) =="
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ] && [ "$amqp_status" = 0 ]
