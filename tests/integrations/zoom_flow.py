"""Driving a Zoom connection through the sandbox the way a browser would: hubwire's Connect button,
the sandbox consent page, hubwire's callback."""

import re
from urllib.parse import urlsplit

import httpx

from hubwire.integrations.models import Connection


def start(client) -> str:
    """Press Connect Zoom; returns the sandbox consent URL hubwire redirected to."""
    response = client.post("/integrations/zoom/connect/", {"mode": ""})
    assert response.status_code == 302, response.content
    return response["Location"]


def consent(authorize_url: str, *, decision: str = "allow", email: str = "dana@zoom.example") -> str:
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


def connect(client, workspace, **consent_kwargs) -> Connection:
    response = finish(client, consent(start(client), **consent_kwargs))
    assert response.status_code == 302 and response["Location"] == "/integrations/zoom/"
    return Connection.objects.get(workspace=workspace, provider="zoom")


def flashes(client) -> list[str]:
    page = client.get("/integrations/zoom/")
    return [m.message for m in page.context["messages"]]
