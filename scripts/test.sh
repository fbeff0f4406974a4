#!/usr/bin/env bash
# Runs the suite on the embedded default (SQLite + SQLite broker) and, side by side with it, on
# PostgreSQL + Redis (each pass prints its 15 slowest tests, to keep the run short), followed by the
# tests that start a real Celery worker (marked `worker`) once more on RabbitMQ. The passes share
# nothing (their own databases, brokers and sandbox files), and running them side by side keeps
# `make test` under 30 minutes on a 2-core machine: much of a pass is waiting on browsers, workers
# and live servers, not computing.
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

# The worker tests once more on RabbitMQ (only what a broker changes: the outbox, jobs and webhook
# deliveries run by a real worker), in a var directory of their own so that they can run beside
# the SQLite pass.
amqp_pass() {
  env -u DATABASE_URL CELERY_BROKER_URL="$amqp_url" HUBWIRE_VAR_DIR="$PWD/var/rabbitmq-pass" \
    "$BIN/pytest" -p no:cacheprovider -m worker "$@"
}

run_amqp=0
if services_answer "SQLite database, RabbitMQ broker (worker tests)" "$amqp_url"; then
  run_amqp=1
fi

pg_status=0 amqp_status=0
pg_log=var/test-postgres-pass.log amqp_log=var/test-rabbitmq-pass.log
rm -f var/test-postgres-pass.status var/test-rabbitmq-pass.status  # a pass that dies writes none: a failure
if services_answer "PostgreSQL database, Redis broker" "$pg_url $redis_url"; then
  echo "== hubwire tests: PostgreSQL database, Redis broker, then RabbitMQ (beside the SQLite pass; their output follows it) =="
  # HUBWIRE_SECOND_PASS: this pass leaves out what no database changes (tests/conftest.py:
  # runs_the_same_on_any_database): the sandbox's own tests and the database-free ones. The
  # RabbitMQ pass follows it, as it ends before the SQLite pass (which runs those tests too).
  (
    env DATABASE_URL="$pg_url" CELERY_BROKER_URL="$redis_url" HUBWIRE_SECOND_PASS=1 \
      HUBWIRE_SANDBOX_DATABASE_URL="sqlite:///$PWD/var/sandbox-postgres-pass.sqlite3" \
      "$BIN/pytest" -p no:cacheprovider --durations=15 "$@" > "$pg_log" 2>&1
    echo $? > var/test-postgres-pass.status
    if [ "$run_amqp" = 1 ]; then
      amqp_pass "$@" > "$amqp_log" 2>&1
      echo $? > var/test-rabbitmq-pass.status
    fi
  ) &
  beside_pid=$!
else
  beside_pid=""
fi

echo "== hubwire tests: SQLite database, SQLite broker =="
env -u DATABASE_URL CELERY_BROKER_URL="sqla+sqlite:///$PWD/var/test-celery-broker.sqlite3" "$BIN/pytest" --durations=15 "$@"
sqlite_status=$?

if [ -n "$beside_pid" ]; then
  wait "$beside_pid"
  pg_status=$(cat var/test-postgres-pass.status 2>/dev/null || echo 1)
  echo "== hubwire tests: PostgreSQL database, Redis broker (output) =="
  cat "$pg_log"
  if [ "$run_amqp" = 1 ]; then
    amqp_status=$(cat var/test-rabbitmq-pass.status 2>/dev/null || echo 1)
    echo "== hubwire tests: SQLite database, RabbitMQ broker (worker tests; output) =="
    cat "$amqp_log"
  fi
elif [ "$run_amqp" = 1 ]; then
  echo "== hubwire tests: SQLite database, RabbitMQ broker (worker tests) =="
  amqp_pass "$@"
  amqp_status=$?
fi

echo "== results: SQLite $sqlite_status, PostgreSQL + Redis $pg_status, RabbitMQ $amqp_status (0 is a pass) =="
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ] && [ "$amqp_status" = 0 ]
