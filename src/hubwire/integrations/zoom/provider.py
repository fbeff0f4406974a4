"""Zoom: OAuth for a user-managed app, the connected user, signed webhooks (providers.md §4)."""

import json
from datetime import timedelta

import httpx
from django.conf import settings
from django.http import JsonResponse

from hubwire.integrations.http import raise_for_status
from hubwire.integrations.inbound import check_timestamp, connections_for, json_body
from hubwire.integrations.registry import AuthKind, InboundDelivery, InboundRejected, Provider, RateLimit, register
from hubwire.integrations.meetings.services import meeting_deleted_at_provider
from hubwire.integrations.services import connection_deauthorized
from hubwire.integrations.signatures import hmac_hex, signatures_equal
from hubwire.integrations.zoom import meetings as zoom_meetings
from hubwire.sync.rules import Every, ScheduleSpec

# Zoom does not say how stale a signed request may be; 5 minutes, as providers.md §9 advises [U].
SIGNATURE_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """x-zm-signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{raw body}" (providers.md §4.4)."""
    return "v0=" + hmac_hex(secret, b"v0:" + timestamp.encode() + b":" + body)


def url_validation_answer(secret: str, plain_token: str) -> dict:
    return {"plainToken": plain_token, "encryptedToken": hmac_hex(secret, plain_token.encode())}


@register
class Zoom(Provider):
    key = "zoom"
    tab_order = 50
    name = "Zoom"
    tab_label = "Zoom"
    summary = "Auto-create Zoom meeting links when you book appointments with “Zoom” as the location type."
    auth_kind = AuthKind.OAUTH2
    built = True
    hosts = {"oauth": "https://zoom.us", "api": "https://api.zoom.us"}
    authorize_endpoint = ("oauth", "/oauth/authorize")
    token_endpoint = ("oauth", "/oauth/token")
    revoke_endpoint = ("oauth", "/oauth/revoke")
    # Granular scopes (developers.zoom.us/docs/isv/workflows/create-meeting).
    scopes = ("user:read:user", "meeting:write:meeting", "meeting:update:meeting", "meeting:delete:meeting",
              "meeting:read:meeting")
    # "Light" category on the Free plan: 4 requests/s per account (developers.zoom.us/docs/commerce/rate-limits).
    rate_limit = RateLimit(per_second=4, burst=4, source="developers.zoom.us/docs/commerce/rate-limits")
    meeting_location = "zoom"
    meetings = zoom_meetings
    schedules = (ScheduleSpec("meetings.resume_waiting", "Resume meeting links waiting for Zoom", Every(minutes=30)),)

    @property
    def refresh_token_lifetime(self) -> timedelta:
        # Zoom's refresh-token lifetime is disputed (15 years vs ~90 days, providers.md §4.1 [U]): a
        # setting, read when a token is stored so that override_settings and a changed env reach it.
        return timedelta(days=settings.HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS)

    def is_invalid_grant(self, error: str, description: str) -> bool:
        # Zoom answers a used or revoked refresh token with "Invalid Token!" (devsupport.zoom.us).
        return super().is_invalid_grant(error, description) or "invalid token" in description.lower()

    def after_connect(self, connection, client: httpx.Client) -> None:
        user = raise_for_status(self, client.get(self.url("api", "/v2/users/me"))).json()
        connection.external_account_id = user.get("account_id", "")
        full_name = " ".join(filter(None, (user.get("first_name"), user.get("last_name"))))
        connection.account_name = f"{full_name} <{user.get('email', '')}>" if full_name else user.get("email", "")
        connection.details = {**connection.details, "user_id": user.get("id", ""), "email": user.get("email", "")}

    def facts(self, connection) -> list[tuple[str, str]]:
        return [(label, value) for label, value in (
            ("Zoom user", connection.details.get("email", "")), ("Zoom user ID", connection.details.get("user_id", "")),
            ("Zoom account ID", connection.external_account_id)) if value]

    inbound_headers = ("x-zm-request-timestamp", "x-zm-trackingid")

    def verify_inbound(self, request) -> list[InboundDelivery] | JsonResponse:
        secret = self.setting("webhook_secret")
        if not secret:
            raise InboundRejected("Zoom webhooks are not configured (HUBWIRE_ZOOM_WEBHOOK_SECRET)", status=503)
        timestamp = request.headers.get("x-zm-request-timestamp", "")
        check_timestamp(timestamp, SIGNATURE_TOLERANCE_SECONDS)
        if not signatures_equal(signature(secret, timestamp, request.body), request.headers.get("x-zm-signature")):
            raise InboundRejected("signature does not match", status=401)
        payload = json_body(request.body)
        event = payload.get("event", "")
        inner = payload.get("payload") or {}
        if not isinstance(event, str) or not isinstance(inner, dict):
            raise InboundRejected("not a Zoom event (event must be text, payload an object)", status=400)
        if event == "endpoint.url_validation":
            return JsonResponse(url_validation_answer(secret, str(inner.get("plainToken", ""))))
        # Zoom sends no event id: a retry repeats the body, so the receiver knows it by the body's hash.
        return [InboundDelivery(event_type=event, account_ref=str(inner.get("account_id", "")))]

    def handle_event(self, event) -> str:
        handler = {"app_deauthorized": self._deauthorized, "meeting.deleted": self._meeting_deleted}.get(event.event_type)
        if handler is None:
            return super().handle_event(event)
        return handler(event, json.loads(event.body).get("payload") or {})

    def _meeting_deleted(self, event, payload: dict) -> str:
        meeting_id = str((payload.get("object") or {}).get("id", ""))
        operator = payload.get("operator") or ""
        count = meeting_deleted_at_provider(provider=self, account_ref=event.account_ref, meeting_id=meeting_id,
                                            detail=f" by {operator}" if operator else "")
        return f"meeting.deleted {meeting_id}: {count} appointment link(s) updated"

    def _deauthorized(self, event, payload: dict) -> str:
        user_id = payload.get("user_id", "")
        count = 0
        for connection in connections_for(self, event.account_ref):
            if user_id and connection.details.get("user_id") not in ("", None, user_id):
                continue
            connection_deauthorized(connection=connection, provider=self,
                                    detail=f"Zoom app_deauthorized at {payload.get('deauthorization_time', '')}")
            count += 1
        return f"app_deauthorized: {count} connection(s) disconnected"
