"""The processes `hubwire run` starts: they die with it, and a record under var/ names them, so a
port still held by an earlier run can be explained instead of reported as just "in use".

Children die with their parent through Linux's parent-death signal (prctl PR_SET_PDEATHSIG), set
between fork and exec: the simplest thing that works even after a kill -9 of the parent, where no
handler of ours runs. (A pipe the children watch would be portable, but gunicorn and Celery would
each need code of ours to watch it.) Grandchildren need nothing more: gunicorn's workers stop when
their master is gone (they check their parent pid) and Celery's pool processes set the same signal.
On systems without prctl the children simply outlive a killed parent, as before."""

import ctypes
import json
import os
import signal
from pathlib import Path

from hubwire.paths import var_path

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with(parent_pid: int):
    """A preexec_fn: the child gets SIGTERM when the process that started it dies (None without prctl)."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)  # loaded here, not between fork and exec
    if prctl is None:
        return None

    def preexec() -> None:
        if prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
            return
        # The parent may have died between fork and prctl: then no signal will ever come.
        if os.getppid() != parent_pid:
            os._exit(1)

    return preexec


def record_path(port: int) -> Path:
    return var_path(f"run-{port}.json")


def record_run(port: int, pids: dict[str, int]) -> None:
    """pids: {"run": …, "web": …, "worker": …, "beat": …}"""
    record_path(port).write_text(json.dumps(pids))


def forget_run(port: int) -> None:
    record_path(port).unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def port_in_use_message(host: str, port: int) -> str:
    """Who holds the port, as far as an earlier run's record tells, and how to stop it."""
    try:
        pids = json.loads(record_path(port).read_text())
    except (FileNotFoundError, ValueError):
        pids = {}
    run_pid = pids.pop("run", None)
    left = {name: pid for name, pid in pids.items() if alive(pid)}
    if run_pid and alive(run_pid):
        return (f"Port {port} on {host} is in use by hubwire run (pid {run_pid}), still running. "
                f"Stop it with Ctrl-C in its terminal or `kill {run_pid}`, or choose another port with --port or PORT.")
    if left:
        names = ", ".join(f"{name} (pid {pid})" for name, pid in left.items())
        return (f"Port {port} on {host} is in use: an earlier hubwire run (pid {run_pid}, no longer running) left "
                f"{names} behind. Stop them with `kill {' '.join(map(str, left.values()))}`.")
    return f"Port {port} on {host} is in use by another program. Choose another with --port or PORT."
