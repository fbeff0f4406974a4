"""Over https behind a proxy (X-Forwarded-Proto: https), every response carries Strict-Transport-Security
and every cookie it sets is Secure: the team's session, CSRF and the portal's session, even when
the base URL says http. (How the settings follow from HUBWIRE_BEHIND_PROXY: tests/test_settings.py.)"""

import pytest
from django.test import Client

from hubwire.portal.session import COOKIE as PORTAL_COOKIE
from tests.conftest import PASSWORD
from tests.portal.conftest import a, portal_url, sign_in_client  # noqa: F401 (a: a client who can sign in)

pytestmark = pytest.mark.django_db
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def behind_tls_proxy(settings):
    # What HUBWIRE_BEHIND_PROXY=1 sets, with a base URL that still says http.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    assert not settings.SESSION_COOKIE_SECURE


def test_the_team_sign_in_over_https_sets_secure_cookies_and_hsts(behind_tls_proxy, owner, workspace):
    client = Client(**HTTPS)
    page = client.get("/login/")
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    assert page.cookies["csrftoken"]["secure"]
    signed_in = client.post("/login/", {"username": owner.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.cookies["sessionid"]["secure"]
    assert signed_in["Strict-Transport-Security"] == "max-age=31536000"


def test_the_portal_sign_in_over_https_sets_secure_cookies(behind_tls_proxy, workspace, a):
    client, signed_in = sign_in_client(workspace, a["contact"].email, **HTTPS)
    assert signed_in.status_code == 302 and signed_in["Location"] == portal_url(workspace)
    assert signed_in.cookies[PORTAL_COOKIE]["secure"]
    assert all(morsel["secure"] for morsel in signed_in.cookies.values()), signed_in.cookies.output()
    assert signed_in["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_cookies_stay_as_configured(behind_tls_proxy, owner, workspace):
    page = Client().get("/login/")
    assert not page.cookies["csrftoken"]["secure"] and "Strict-Transport-Security" not in page
