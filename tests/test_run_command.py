"""`hubwire run` on a fresh var/ directory: migrates, seeds the demo, starts web + worker + beat,
prints the URL, login and API key, serves them, and stops every process on Ctrl-C (SIGINT); killed
outright (kill -9), it takes every process it started with it; a port still held says by whom."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hubwire.core.management.commands.run import port_free


BIN = Path(sys.executable).parent
# A first request waits for gunicorn's workers to import Django, which on a busy machine takes
# longer than httpx's 5 s default: the deadline is generous, what is asserted is the answer.
PATIENT = httpx.Timeout(120)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_banner(proc, deadline: float) -> dict:
    lines = {}
    while time.monotonic() < deadline and "API key" not in lines:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        key, sep, value = line.strip().partition(": ")
        if sep and key in ("URL", "Login", "API key"):
            lines[key] = value
    return lines


def processes_mentioning(text: str) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    mine = {str(os.getpid())}
    return [line for line in out.splitlines()
            if text in line and "ps -ww" not in line and line.split(None, 1)[0] not in mine]


def run_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "HUBWIRE_SANDBOX_DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY")}
    env = {k: v for k, v in env.items() if k != "HUBWIRE_BASE_URL"}
    env.update(HUBWIRE_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1", HUBWIRE_SANDBOX="1")  # as `make run`
    return env


def proc_stat(pid: int) -> list[str] | None:
    """state, ppid, … of a process from /proc (None once it is gone)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))):
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found.update(kids)
        todo += kids
    return found


def running(pid: int) -> bool:
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z"


def wait_until(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_run_serves_the_demo_and_stops_cleanly(tmp_path):
    port = free_port()
    env = run_env(tmp_path)
    proc = subprocess.Popen([str(BIN / "hubwire"), "run", "--port", str(port)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "stderr.log", "w"))
    try:
        banner = read_banner(proc, time.monotonic() + 120)
        assert banner.get("URL") == f"http://127.0.0.1:{port}/", banner
        email, _, password = banner["Login"].partition(" / ")
        assert email == "owner@northwind.example" and password
        assert banner["API key"].startswith("hw_")

        url = banner["URL"]
        assert httpx.get(url, timeout=PATIENT).status_code == 302  # to the sign-in page
        assert httpx.get(url + "login/", timeout=PATIENT).status_code == 200
        assert httpx.get(url + "static/core/hubwire.css", timeout=PATIENT).status_code == 200
        leads = httpx.get(url + "api/leads", headers={"Authorization": f"Bearer {banner['API key']}"}, timeout=PATIENT)
        assert leads.status_code == 200 and leads.json()["count"] == 4

        with httpx.Client(base_url=url, follow_redirects=False, timeout=PATIENT) as browser:
            browser.get("login/")
            login = browser.post("login/", data={"username": email, "password": password,
                                                 "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                                 headers={"Referer": url + "login/"})
            assert login.status_code == 302
            home = browser.get("")
            assert home.status_code == 200 and "Northwind Studio" in home.text
            # Connect Zoom goes to the sandbox on the port actually served, and comes back to it.
            connect = browser.post("integrations/zoom/connect/", data={
                "mode": "", "csrfmiddlewaretoken": browser.cookies["csrftoken"]}, headers={"Referer": url})
            consent_url = connect.headers["location"]
            assert consent_url.startswith(f"{url}sandbox/zoom.us/oauth/authorize?"), consent_url
            assert httpx.URL(consent_url).params["redirect_uri"] == f"{url}integrations/zoom/callback/"
            assert httpx.get(consent_url, timeout=PATIENT).status_code == 200
        assert processes_mentioning(f"hubwire-{port}@"), "the Celery worker is running"
        assert processes_mentioning(f"celerybeat-schedule-{port}"), "Celery beat is running"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0
    assert wait_until(lambda: processes_mentioning(str(port)) == []), processes_mentioning(str(port))
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/login/")


def test_killed_outright_run_takes_all_its_processes_with_it_and_a_second_run_names_the_first(tmp_path):
    port = free_port()
    env = run_env(tmp_path)
    # In a process group of its own, as `make run` in a terminal: kill -9 of that group is what a
    # terminal closing or `kill -9 -<pgid>` does.
    proc = subprocess.Popen([str(BIN / "hubwire"), "run", "--port", str(port), "--web-workers", "2",
                             "--worker-concurrency", "2"], env=env, text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "stderr.log", "w"))
    try:
        assert read_banner(proc, time.monotonic() + 120).get("URL") == f"http://127.0.0.1:{port}/"
        # gunicorn + 2 workers, the Celery worker + 2 pool processes, beat
        assert wait_until(lambda: len(descendants(proc.pid)) >= 7), descendants(proc.pid)
        started = descendants(proc.pid)

        second = subprocess.run([str(BIN / "hubwire"), "run", "--port", str(port)], env=env, text=True,
                                capture_output=True, timeout=120)
        assert second.returncode != 0
        assert f"in use by hubwire run (pid {proc.pid}), still running" in second.stderr, second.stderr
        assert f"`kill {proc.pid}`" in second.stderr
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert wait_until(lambda: not any(running(pid) for pid in started)), \
        [pid for pid in started if running(pid)]
    assert wait_until(lambda: port_free("127.0.0.1", port))


def test_a_port_held_by_what_an_earlier_run_left_behind_names_it(tmp_path):
    from hubwire.core.supervision import forget_run, record_run  # what `hubwire run` records of its processes

    port = free_port()
    holder = subprocess.Popen([sys.executable, "-c", f"""
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", {port})); s.listen(); print("listening", flush=True); time.sleep(600)
"""], stdout=subprocess.PIPE, text=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        assert holder.stdout.readline() == "listening\n"
        record_run(port, {"run": gone.pid, "web": holder.pid})  # as the earlier run, killed, left it
        answer = subprocess.run([str(BIN / "hubwire"), "run", "--port", str(port)], text=True, capture_output=True,
                                timeout=120)
        assert answer.returncode != 0
        assert (f"an earlier hubwire run (pid {gone.pid}, no longer running) left web (pid {holder.pid}) behind. "
                f"Stop them with `kill {holder.pid}`.") in answer.stderr, answer.stderr
    finally:
        forget_run(port)
        holder.kill()
        holder.wait()
