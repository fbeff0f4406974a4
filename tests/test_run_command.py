"""`hubwire run` on a fresh var/ directory: migrates, seeds the demo, starts web + worker + beat,
prints the URL, login and API key, serves them, and stops every process on Ctrl-C (SIGINT)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


BIN = Path(sys.executable).parent


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


def test_run_serves_the_demo_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY")}
    env = {k: v for k, v in env.items() if k != "HUBWIRE_BASE_URL"}
    env.update(HUBWIRE_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1", HUBWIRE_SANDBOX="1")  # as `make run`
    proc = subprocess.Popen([str(BIN / "hubwire"), "run", "--port", str(port)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "stderr.log", "w"))
    try:
        banner = read_banner(proc, time.monotonic() + 120)
        assert banner.get("URL") == f"http://127.0.0.1:{port}/", banner
        email, _, password = banner["Login"].partition(" / ")
        assert email == "owner@northwind.example" and password
        assert banner["API key"].startswith("hw_")

        url = banner["URL"]
        assert httpx.get(url).status_code == 302  # to the sign-in page
        assert httpx.get(url + "login/").status_code == 200
        assert httpx.get(url + "static/core/hubwire.css").status_code == 200
        leads = httpx.get(url + "api/leads", headers={"Authorization": f"Bearer {banner['API key']}"})
        assert leads.status_code == 200 and leads.json()["count"] == 4

        with httpx.Client(base_url=url, follow_redirects=False) as browser:
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
            assert httpx.get(consent_url).status_code == 200
        assert processes_mentioning(f"hubwire-{port}@"), "the Celery worker is running"
        assert processes_mentioning(f"celerybeat-schedule-{port}"), "Celery beat is running"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and processes_mentioning(str(port)):
        time.sleep(0.3)
    assert processes_mentioning(str(port)) == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/login/")
