"""Settings derived from the environment, read the way a server process reads them: a fresh Python
process importing hubwire.settings with only that environment."""

import json
import os
import subprocess
import sys

SHOW_TRANSPORT = """
import django, json
django.setup()
from django.conf import settings
from django.http import HttpResponse
from hubwire.portal.session import COOKIE, set_portal_cookie
response = HttpResponse()
set_portal_cookie(response, COOKIE, "x", max_age=60)
print(json.dumps({"session": settings.SESSION_COOKIE_SECURE, "csrf": settings.CSRF_COOKIE_SECURE,
                  "portal": bool(response.cookies[COOKIE]["secure"]), "hsts": settings.SECURE_HSTS_SECONDS,
                  "subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "redirect": settings.SECURE_SSL_REDIRECT,
                  "proxy_header": settings.SECURE_PROXY_SSL_HEADER}))
"""


def in_a_fresh_process(tmp_path, script: str, **environ) -> str:
    """What `script` prints in a new Python process with hubwire's settings and only `environ`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBWIRE_", "SESSION_COOKIE"))}
    env.update(DJANGO_SETTINGS_MODULE="hubwire.settings", HUBWIRE_VAR_DIR=str(tmp_path / "var"), **environ)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def transport_settings(tmp_path, **environ) -> dict:
    return json.loads(in_a_fresh_process(tmp_path, SHOW_TRANSPORT, **environ))


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_a_year(tmp_path):
    shown = transport_settings(tmp_path, HUBWIRE_BEHIND_PROXY="1", HUBWIRE_BASE_URL="https://crm.example.test")
    assert shown == {"session": True, "csrf": True, "portal": True, "hsts": 31_536_000, "subdomains": False,
                     "redirect": False, "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_behind_a_proxy_hsts_is_on_for_the_requests_that_arrive_over_https(tmp_path):
    # The base URL may still say http; cookies then turn Secure per request (SecureCookiesMiddleware).
    shown = transport_settings(tmp_path, HUBWIRE_BEHIND_PROXY="1")
    assert shown["hsts"] == 31_536_000 and shown["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_plain_http_on_this_machine_sends_no_hsts_and_the_hsts_settings_are_configurable(tmp_path):
    assert transport_settings(tmp_path)["hsts"] == 0
    shown = transport_settings(tmp_path, HUBWIRE_BASE_URL="https://crm.example.test", HUBWIRE_HSTS_SECONDS="600",
                               HUBWIRE_HSTS_INCLUDE_SUBDOMAINS="1", HUBWIRE_SSL_REDIRECT="1")
    assert (shown["hsts"], shown["subdomains"], shown["redirect"], shown["session"]) == (600, True, True, True)


def test_hubwire_hashes_passwords_with_argon2(tmp_path):
    """The suite hashes with a fast hasher (conftest.quick_password_hashes); hubwire itself does not."""
    hashed = in_a_fresh_process(tmp_path, "import django; django.setup(); from django.contrib.auth.hashers import "
                                "make_password; print(make_password('correct horse battery'))")
    assert hashed.startswith("argon2$")
