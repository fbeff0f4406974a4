"""Secret path segments never reach a log: Django's own "Unauthorized: /hooks/in/<token>/" and
"Gone: /portal/<ws>/password/<token>/" lines, gunicorn's error log and Celery's handlers all go
through hubwire's redaction, with the rest of the path kept for whoever reads the log."""

import io
import json
import logging
import secrets

import pytest
from celery import signals
from django.test import Client
from gunicorn.config import Config

from hubwire.core.redaction import REDACTED
from hubwire.webhooks.inbound import inbound_hook_create
from hubwire.webhooks.models import InboundAuth


@pytest.fixture
def console_log():
    """What the console handler that settings.LOGGING installs (with its redact filter) writes."""
    [console] = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = console.setStream(stream)
    yield stream
    console.setStream(previous)


@pytest.mark.django_db
def test_a_rejected_inbound_hook_is_logged_without_its_token(console_log, workspace):
    hook = inbound_hook_create(workspace=workspace, name="Signed", action="lead_create", auth=InboundAuth.HMAC)
    answer = Client().post(f"/hooks/in/{hook.token}/", json.dumps({"name": "x"}), content_type="application/json",
                           headers={"X-Hubwire-Signature": "v1,bm90LXRoZS1zaWduYXR1cmU="})
    assert answer.status_code == 401
    logged = console_log.getvalue()
    assert f"Unauthorized: /hooks/in/{REDACTED}/" in logged, logged
    assert hook.token not in logged


@pytest.mark.django_db
def test_a_bad_portal_password_link_is_logged_without_its_token(console_log, workspace):
    token = secrets.token_urlsafe(32)
    answer = Client().get(f"/portal/{workspace.pk}/password/{token}/")
    assert answer.status_code == 410
    logged = console_log.getvalue()
    assert f"/portal/{workspace.pk}/password/{REDACTED}/" in logged, logged
    assert token not in logged


def test_gunicorn_error_log_is_scrubbed(tmp_path):
    from hubwire.core.gunicorn_logging import RedactingLogger  # the logger class `hubwire run` gives gunicorn

    token = secrets.token_urlsafe(24)
    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    RedactingLogger(cfg).error("Invalid request from ip=127.0.0.1: Invalid HTTP request line: 'GET /hooks/in/%s/ HTTP/1.1'", token)
    logged = (tmp_path / "error.log").read_text()
    assert f"'GET /hooks/in/{REDACTED}/ HTTP/1.1'" in logged and token not in logged


def test_celerys_own_log_handlers_are_scrubbed():
    token = secrets.token_urlsafe(32)
    stream = io.StringIO()
    logger = logging.getLogger("tests.celery-worker")
    logger.propagate = False
    logger.addHandler(logging.StreamHandler(stream))
    signals.after_setup_logger.send(sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False)
    logger.warning("Task failed: GET /portal/1/password/%s/?next=/portal/1/", token)
    assert stream.getvalue() == f"Task failed: GET /portal/1/password/{REDACTED}/?next=/portal/1/\n"


@pytest.mark.django_db
def test_team_invitation_and_password_reset_links_are_logged_without_their_tokens(console_log):
    token = secrets.token_urlsafe(32)
    assert Client().get(f"/team/join/{token}/").status_code == 404  # "Not Found: /team/join/<token>/"
    assert Client().post(f"/password/reset/MQ/{token}/").status_code == 200
    logging.getLogger("django.request").warning("Bad Request: /password/reset/MQ/%s/", token)
    logged = console_log.getvalue()
    assert f"/team/join/{REDACTED}/" in logged and f"/password/reset/MQ/{REDACTED}/" in logged, logged
    assert token not in logged
