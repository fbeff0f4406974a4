"""Google accounts signed in to the sandbox Google (consent page, then the token endpoint, over
HTTP) and calling the sandbox Directory API, and how Google's errors look."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import Sandbox

TIMEOUT = 60  # a busy machine is slow, not wrong
SCOPE = "https://www.googleapis.com/auth/admin.directory."
ALL_SCOPES = " ".join(SCOPE + s for s in ("user", "group", "domain.readonly")) + " openid email"
OWNER, HELPDESK, STAFF = "owner@northwind.example", "helpdesk@northwind.example", "staff@northwind.example"
CONSUMER = "sandbox.user@gmail.example"
CLIENT = "sandbox-google_workspace"
REDIRECT = "https://hubwire.example/callback"


def issue_token(sandbox: Sandbox, email: str, scope: str = ALL_SCOPES) -> str:
    """The access token the sandbox Google gives an app after `email` allows it on the consent page."""
    base = f"{sandbox.base_url}/sandbox"
    params = {"client_id": CLIENT, "redirect_uri": REDIRECT, "response_type": "code", "scope": scope, "state": "s"}
    consent = httpx.get(f"{base}/accounts.google.com/o/oauth2/v2/auth", params=params, timeout=TIMEOUT)
    assert consent.status_code == 200, consent.text
    request_token = consent.text.split('name="request" value="')[1].split('"')[0]
    allowed = httpx.post(f"{base}/accounts.google.com/o/oauth2/v2/auth", timeout=TIMEOUT,
                         data={"request": request_token, "decision": "allow", "email": email})
    code = parse_qs(urlsplit(allowed.headers["location"]).query)["code"][0]
    token = httpx.post(f"{base}/oauth2.googleapis.com/token", timeout=TIMEOUT, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": CLIENT,
        "client_secret": CLIENT + "-secret"})
    assert token.status_code == 200, token.text
    return token.json()["access_token"]


def directory_client(sandbox: Sandbox, email: str, scope: str = ALL_SCOPES) -> httpx.Client:
    return httpx.Client(base_url=f"{sandbox.base_url}/sandbox/admin.googleapis.com/admin/directory/v1",
                        headers={"Authorization": f"Bearer {issue_token(sandbox, email, scope)}"}, timeout=TIMEOUT)


@pytest.fixture
def owner(sandbox):
    return directory_client(sandbox, OWNER)


@pytest.fixture
def frozen(sandbox):
    """The sandbox clock stands still; the returned function moves it on by that many seconds."""
    sandbox.control("clock-freeze", frozen=True)
    return lambda seconds: sandbox.control("clock", seconds=seconds)


def assert_google_error(response, status: int, reason: str, words: str = "") -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and error["errors"][0]["reason"] == reason, error
    assert words in error["message"], error
    return error


NEW_USER = {"primaryEmail": "new.hire@northwind.example", "name": {"givenName": "Nia", "familyName": "Hale"},
            "password": "correct horse 42"}
