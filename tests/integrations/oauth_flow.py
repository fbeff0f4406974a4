"""Driving an OAuth connection through the sandbox the way a browser would: hubwire's Connect button,
the sandbox consent page, hubwire's callback. Zoom unless told otherwise."""

import re
from urllib.parse import urlsplit

import httpx

from hubwire.integrations.models import Connection


def start(client, key: str = "zoom", mode: str = "") -> str:
    """Press Connect; returns the sandbox consent URL hubwire redirected to."""
    response = client.post(f"/integrations/{key}/connect/", {"mode": mode})
    assert response.status_code == 302, response.content
    return response["Location"]


def consent(authorize_url: str, *, decision: str = "allow", email: str = "dana@example.com") -> str:
    """Answer the sandbox consent page; returns where the provider sends the browser back to."""
    page = httpx.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    assert "Authorize hubwire" in page.text
    request_token = re.search(r'name="request" value="([^"]+)"', page.text).group(1)
    answer = httpx.post(authorize_url.split("?")[0], data={"request": request_token, "decision": decision,
                                                           "email": email}, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def finish(client, callback_url: str):
    """Open the callback URL in hubwire; returns the response (a redirect to the Zoom tab)."""
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def connect(client, workspace, key: str = "zoom", **consent_kwargs) -> Connection:
    response = finish(client, consent(start(client, key), **consent_kwargs))
    assert response.status_code == 302 and response["Location"] == f"/integrations/{key}/"
    return Connection.objects.get(workspace=workspace, provider=key)


def flashes(client, key: str = "zoom") -> list[str]:
    page = client.get(f"/integrations/{key}/")
    return [m.message for m in page.context["messages"]]
