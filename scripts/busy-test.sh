#!/usr/bin/env bash
# The suite on a busy machine: two CPU hogs run beside it, so a test that depends on how fast the
# machine is (a wall-clock window, a short timeout, a sleep used to wait) fails here first.
#   scripts/busy-test.sh                     # scripts/test.sh, every pass
#   scripts/busy-test.sh .venv/bin/pytest -q # any other command, e.g. the SQLite pass alone
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- scripts/test.sh

hogs=()
for _ in 1 2; do
  python3 -c 'while True: pass' &
  hogs+=("$!")
done
trap 'kill "${hogs[@]}" 2>/dev/null' EXIT

echo "== beside two CPU hogs (pids ${hogs[*]}) on $(nproc) cores: $* =="
started=$SECONDS
"$@"
status=$?
echo "== finished with exit status $status after $((SECONDS - started)) s beside two CPU hogs =="
exit $status
