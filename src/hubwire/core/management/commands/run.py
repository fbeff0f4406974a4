"""`hubwire run`: migrate, seed the demo into an empty database, then run the web server (gunicorn),
a Celery worker and Celery beat together until Ctrl-C (or SIGTERM), which stops all three."""

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from hubwire.core.models import Workspace
from hubwire.core.supervision import die_with, forget_run, port_in_use_message, record_run
from hubwire.demo import load_credentials, seed_demo
from hubwire.paths import var_path

STOP_GRACE_SECONDS = 15


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(host: str, port: int, processes, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def shown_host(host: str) -> str:
    """The address to tell people (and to use in links) for the address we bind."""
    return "127.0.0.1" if host in ("0.0.0.0", "127.0.0.1") else host


class Command(BaseCommand):
    help = "Run hubwire: web server, background worker and scheduler, in one command."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--worker-concurrency", type=int, default=int(os.environ.get("WORKER_CONCURRENCY", "2")))
        parser.add_argument("--no-seed", action="store_true", help="Do not seed the demo into an empty database.")

    def handle(self, *args, port, host, web_workers, worker_concurrency, no_seed, **options):
        if not port_free(host, port):
            raise CommandError(port_in_use_message(host, port))
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if settings.HUBWIRE_SANDBOX:
            call_command("migrate", database="sandbox", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_seed and not Workspace.objects.exists():
            self.stdout.write("Empty database: seeding the Northwind Studio demo…")
            seed_demo()

        # The sandbox's QuickBooks companies get sample customers in the processes started below.
        os.environ.setdefault("HUBWIRE_SANDBOX_QBO_SAMPLE_DATA", "1")
        # …and the sandbox Twilio delivers texts (status callbacks) by itself, a few seconds after sending.
        os.environ.setdefault("HUBWIRE_SANDBOX_TWILIO_DELIVERS", "1")
        python = sys.executable
        commands = {
            "web": [python, "-m", "gunicorn", "hubwire.wsgi:application", "--bind", f"{host}:{port}",
                    "--workers", str(web_workers), "--threads", "4", "--graceful-timeout", "10",
                    # No access log; the error log goes through hubwire's redaction like every other line.
                    "--error-logfile", "-", "--log-level", "warning",
                    "--logger-class", "hubwire.core.gunicorn_logging.RedactingLogger"],
            "worker": [python, "-m", "celery", "-A", "hubwire", "--quiet", "worker", "--loglevel", "WARNING",
                       "--concurrency", str(worker_concurrency), "--hostname", f"hubwire-{port}@%h"],
            "beat": [python, "-m", "celery", "-A", "hubwire", "--quiet", "beat", "--loglevel", "WARNING",
                     "--schedule", str(var_path(f"celerybeat-schedule-{port}"))],
        }
        # Each child gets its own session so a terminal's Ctrl-C reaches only us; we then stop
        # them in order (SIGTERM: gunicorn finishes requests, the worker finishes its tasks). If we
        # are killed outright, they get SIGTERM from the kernel (see hubwire.core.supervision).
        env = {**os.environ, "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
               # OAuth redirect URIs and the sandbox's URLs must name the port actually served.
               "HUBWIRE_BASE_URL": os.environ.get("HUBWIRE_BASE_URL") or f"http://{shown_host(host)}:{port}"}
        processes = {name: subprocess.Popen(cmd, start_new_session=True, env=env, preexec_fn=die_with(os.getpid()))
                     for name, cmd in commands.items()}
        record_run(port, {"run": os.getpid(), **{name: proc.pid for name, proc in processes.items()}})
        stopping = False

        def stop(*_):
            nonlocal stopping
            if stopping:
                return
            stopping = True
            self.stdout.write("\nStopping web server, worker and scheduler…")
            for proc in processes.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            forget_run(port)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            if not wait_for_port(host if host != "0.0.0.0" else "127.0.0.1", port, processes.values()):
                stop()
                raise CommandError("The web server did not start; see the messages above.")
            self.print_banner(host, port)
            while not stopping:
                exited = [name for name, proc in processes.items() if proc.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} stopped unexpectedly; stopping hubwire.")
                    stop()
                    sys.exit(1)
                time.sleep(0.5)
        finally:
            stop()

    def print_banner(self, host: str, port: int) -> None:
        creds = load_credentials()
        lines = [f"URL: http://{shown_host(host)}:{port}/"]
        demo = Workspace.objects.filter(name="Northwind Studio").order_by("pk").first()
        if creds and demo:
            lines += [f"Login: {creds['email']} / {creds['password']}", f"API key: {creds['api_key']}"]
            lines.append(f"Client Portal: http://{shown_host(host)}:{port}/portal/{demo.pk}/ (turn it on for an account "
                         "under Integrations → Client Portal, then let a contact in)")
        else:
            lines += ["Login: (this database was not seeded by this machine; use your own account)",
                      "API key: (create one under Settings → API keys)"]
        self.stdout.write("\n".join(lines) + f"\nSandbox: {'on' if settings.HUBWIRE_SANDBOX else 'off'}. Ctrl-C stops everything.")
        self.stdout.flush()
