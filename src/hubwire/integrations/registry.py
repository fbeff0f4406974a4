"""The Provider base class and the one map from key to provider that drives the page, the URLs,
the inbound receiver and the tasks. Adding an integration is one subclass and @register, never an
`if provider == …` anywhere else."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from django.conf import settings

import httpx

from hubwire.integrations.http import ProviderProblem, problem_in_provider_words
from hubwire.integrations.signals import connection_activated
from hubwire.sync.schedules import schedules_declare

if TYPE_CHECKING:
    from django.http import HttpResponse

    from hubwire.integrations.models import Connection, InboundEvent
    from hubwire.sync.rules import ScheduleSpec


class AuthKind(StrEnum):
    OAUTH2 = "oauth2"            # authorization code (+ PKCE where supported) through the provider's consent page
    CREDENTIALS = "credentials"  # API credentials the business pastes
    NONE = "none"                # nothing to connect to (Client Portal, Webhooks)


@dataclass(frozen=True)
class RateLimit:
    """A provider's documented request rate for one provider account (a token bucket)."""

    per_second: float
    burst: int
    source: str  # the vendor page the numbers come from
    # How many requests may be open at once for the account (Intuit: 10), shared by every process; None: no limit.
    concurrent: int | None = None

    @classmethod
    def per_minute(cls, per_minute: int, *, burst: int, source: str) -> "RateLimit":
        """A quota of `per_minute` over a sliding minute (Google's): a bucket that never lets more than
        that through in any minute, its burst included."""
        return cls(per_second=max(per_minute - burst, 1) / 60, burst=burst, source=source)


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: str
    pattern: str  # a full-match regex; a mismatch is a field error naming `hint`
    hint: str
    secret: bool = True
    # An optional field left empty keeps what was saved before (QuickBooks' webhook verifier token,
    # which a business pastes only once it sets up webhooks).
    required: bool = True

    def clean(self, value: str) -> str | None:
        """The trimmed value, or None when it does not look like this credential."""
        value = (value or "").strip()
        return value if re.fullmatch(self.pattern, value) else None


@dataclass
class Card:
    """What a provider's status card shows."""

    status: str
    colour: str
    headline: str
    detail: str = ""
    warning: str = ""


@dataclass(frozen=True)
class InboundRequest:
    """A provider's webhook request as its verifier sees it. `url` is the public URL the provider
    called (HUBWIRE_BASE_URL + path + query, never the Host header: Twilio signs it); `form` holds
    the pairs of an application/x-www-form-urlencoded body, in order, repeats kept; `connection` is
    set when the request came on a connection's own event URL (its pasted secrets sign it)."""

    url: str
    headers: Mapping[str, str]
    body: bytes
    form: tuple[tuple[str, str], ...] = ()
    connection: Connection | None = None


@dataclass
class InboundDelivery:
    """One verified event of a provider's webhook request, to store and process. A request may carry
    several (Intuit's CloudEvents array), each with its own id and, for a batch, its own `body`
    (the request's body when empty). `event_id` is required when the request body is empty or
    carries several events (Google's pushes put their ids in headers)."""

    event_id: str = ""
    event_type: str = ""
    account_ref: str = ""
    body: str = ""


class InboundRejected(Exception):
    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason, self.status = reason, status


class Provider:
    key: ClassVar[str]
    name: ClassVar[str]
    tab_label: ClassVar[str] = ""
    tab_order: ClassVar[int] = 100  # where its tab stands on the Integrations page (lowest first)
    summary: ClassVar[str] = ""
    auth_kind: ClassVar[AuthKind] = AuthKind.NONE
    modes: ClassVar[tuple[str, ...]] = ("",)
    # False until hubwire can actually do the integration: the tab says so and offers no Connect.
    built: ClassVar[bool] = False

    # Where the provider lives: host name -> real origin. `url()` maps these to an override or the sandbox.
    hosts: ClassVar[dict[str, str]] = {}
    authorize_endpoint: ClassVar[tuple[str, str] | None] = None  # (host name, path)
    token_endpoint: ClassVar[tuple[str, str] | None] = None
    revoke_endpoint: ClassVar[tuple[str, str] | None] = None
    scopes: ClassVar[tuple[str, ...]] = ()
    pkce: ClassVar[bool] = True
    token_auth_method: ClassVar[str] = "client_secret_basic"
    authorize_params: ClassVar[dict[str, str]] = {}
    callback_params: ClassVar[tuple[str, ...]] = ()  # extra callback query parameters to keep (e.g. realmId)
    token_details: ClassVar[tuple[str, ...]] = ()    # extra token-response fields to keep (e.g. stripe_user_id)
    account_id_field: ClassVar[str] = ""             # which kept field is the provider's account id
    # Where the token to revoke goes ("query", "json" or "form"), and whether the app authenticates.
    revoke_style: ClassVar[str] = "query"
    revoke_client_auth: ClassVar[bool] = True
    # When the token response does not say how long the refresh token lives.
    refresh_token_lifetime: ClassVar[timedelta | None] = None
    # Whether a refresh starts the refresh token's lifetime again (rolling, as Intuit and Zoom do).
    refresh_extends_authorization: ClassVar[bool] = True
    expiry_warning: ClassVar[timedelta] = timedelta(days=14)
    rate_limit: ClassVar[RateLimit | None] = None
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    # AuthKind.CREDENTIALS: which pasted fields are the HTTP Basic user name and password of API
    # calls (tokens.connection_client), e.g. Twilio's ("account_sid", "auth_token").
    basic_auth_fields: ClassVar[tuple[str, str] | tuple[()]] = ()
    # Repeated failures of calls on an active connection before it turns red.
    failures_before_attention: ClassVar[int] = 5
    # A provider that hosts appointments' online meetings: the appointment location type it serves
    # and the module speaking its meetings API (meeting_fields, create, get, find, update, delete).
    meeting_location: ClassVar[str] = ""
    meetings: ClassVar[object | None] = None
    # What the meeting card calls the meeting ("Google Meet"); the provider's name when empty.
    meeting_name: ClassVar[str] = ""
    # Periodic work for each connected workspace (sync.rules.ScheduleSpec), created when it connects.
    schedules: ClassVar[tuple[ScheduleSpec, ...]] = ()
    # A provider with its own tab content (e.g. Webhooks, which has no connection): the template
    # included in its tab, given `tab_context(workspace)` as `tab`.
    tab_template: ClassVar[str] = ""
    # The template of one mode's panel (status, facts, actions), given `panel` (selectors.mode_panels).
    panel_template: ClassVar[str] = "integrations/_panel.html"

    # --- configuration -------------------------------------------------------------------------

    def url(self, host: str, path: str = "") -> str:
        """The URL of `path` on one of the provider's hosts: an explicit override
        (HUBWIRE_<KEY>_URL_<HOST>), else the built-in sandbox when it is on, else the real service."""
        override = settings.HUBWIRE_PROVIDER_ENV.get(f"{self.key}_url_{host}")
        if override:
            base = override
        elif settings.HUBWIRE_SANDBOX:
            sandbox = settings.HUBWIRE_SANDBOX_URL or f"{settings.HUBWIRE_BASE_URL}/sandbox"
            base = f"{sandbox.rstrip('/')}/{urlsplit(self.hosts[host]).netloc}"
        else:
            base = self.hosts[host]
        return base.rstrip("/") + path

    def endpoint(self, which: tuple[str, str]) -> str:
        return self.url(*which)

    def setting(self, name: str) -> str:
        """An app-level setting from HUBWIRE_<KEY>_<NAME>. With the sandbox on, the sandbox's
        registered app (`sandbox-<key>`, see hubwire.sandbox.apps) fills in what is unset."""
        value = settings.HUBWIRE_PROVIDER_ENV.get(f"{self.key}_{name}", "")
        if not value and settings.HUBWIRE_SANDBOX:
            value = {"client_id": f"sandbox-{self.key}", "client_secret": f"sandbox-{self.key}-secret",
                     "webhook_secret": f"sandbox-{self.key}-webhook-secret"}.get(name, "")
        return value

    def client_credentials(self, connection: Connection | None, mode: str = "") -> tuple[str, str]:
        """(client id, client secret) for the OAuth app, in `mode` for providers with modes."""
        return self.setting("client_id"), self.setting("client_secret")

    def missing_configuration(self) -> str:
        """Plain words for what the operator must set before anyone can connect, or ''."""
        if self.auth_kind is AuthKind.OAUTH2 and not all(self.client_credentials(None)):
            env = f"HUBWIRE_{self.key.upper()}"
            return f"The operator has not configured {self.name} yet ({env}_CLIENT_ID and {env}_CLIENT_SECRET)."
        return ""

    @property
    def can_connect(self) -> bool:
        return self.built and self.auth_kind is not AuthKind.NONE

    # --- hooks a provider overrides ------------------------------------------------------------

    def after_connect(self, connection: Connection, client: httpx.Client) -> None:
        """Read who/what was connected (account name, ids) with the new tokens."""

    def client_auth(self, connection: Connection) -> httpx.Auth | None:
        """How API calls for `connection` authenticate, for a provider that needs its own way. None
        keeps the framework's (tokens.connection_client): Bearer with refresh for OAUTH2, HTTP
        Basic from `basic_auth_fields` for CREDENTIALS."""
        return None

    def explain_error(self, response: httpx.Response) -> ProviderProblem:
        """A failed response in words a business owner can act on, the provider's code, and whether
        a retry can help (used by http.raise_for_status). Override for the provider's envelope."""
        return problem_in_provider_words(response)

    def facts(self, connection: Connection) -> list[tuple[str, str]]:
        """(label, value) pairs the tab shows about the connected account."""
        return [("Account ID", connection.external_account_id)] if connection.external_account_id else []

    def connected(self, connection: Connection) -> None:
        """The connection just became active (after after_connect): its schedules are set up, and the
        features waiting for it are told (signals.connection_activated). A provider overriding this
        calls super()."""
        schedules_declare(workspace=connection.workspace, provider=self.key, specs=self.schedules)
        connection_activated.send(sender=type(self), provider=self, connection=connection)

    def revoke(self, connection: Connection, client: httpx.Client) -> None:
        """Revoke the connection's grant at the provider (called only when revoke_endpoint is set).
        Revoking the refresh token ends the whole grant at Zoom, Google and Intuit."""
        from hubwire.integrations.http import raise_for_status

        token = connection.refresh_token or connection.access_token
        where = {"query": "params", "json": "json", "form": "data"}[self.revoke_style]
        auth = httpx.BasicAuth(*self.client_credentials(connection)) if self.revoke_client_auth else None
        raise_for_status(self, client.post(self.endpoint(self.revoke_endpoint), auth=auth, **{where: {"token": token}}))

    def before_disconnect(self, connection: Connection) -> None:
        """Disconnect is about to revoke the grant: undo at the provider what needs the grant to undo
        (Google's watch channels). Best effort: a failure here must not keep the user connected."""

    def request_meeting(self, appointment, *, retry: bool) -> None:
        """For a provider whose meetings are kept by another sync (`meetings` is None, e.g. Google
        Meet on the calendar event): ask that sync for the appointment's meeting (Retry, a change)."""

    def token_problem(self, token: dict, mode: str) -> str:
        """Why a token endpoint answer must not be stored (e.g. Stripe's livemode disagreeing with
        the mode being connected), in plain words; '' when it is fine."""
        return ""

    def forget(self, connection: Connection) -> None:
        """Disconnect is about to save `connection`: drop what must not outlive it (not saved here)."""

    def verify_credentials(self, credentials: dict, client: httpx.Client) -> str:
        """Check pasted credentials with the provider; return the account name, or raise FieldError."""
        return ""

    def is_invalid_grant(self, error: str, description: str) -> bool:
        """Whether a token-endpoint error means the grant is gone and the user must reconnect."""
        return error in {"invalid_grant", "invalid_token", "unauthorized_client"}

    # Whether its webhooks come only on each connection's own URL (signed with secrets the business
    # pasted, or checked against the connection's own channel): the installation's one URL refuses them.
    inbound_on_connection_url: ClassVar[bool] = False
    # Request headers worth keeping with each stored event for support (never credentials);
    # Content-Type and User-Agent are always kept.
    inbound_headers: ClassVar[tuple[str, ...]] = ()

    def verify_inbound(self, request: InboundRequest) -> list[InboundDelivery] | HttpResponse:
        """Check the request's signature before anything is stored; return its events, or a
        response to give at once with nothing stored (e.g. Zoom's URL validation challenge), or
        raise InboundRejected."""
        raise InboundRejected(f"{self.name} does not send events to hubwire", status=404)

    def inbound_answer(self, request: InboundRequest, *, stored: int, duplicates: int) -> HttpResponse | None:
        """The response once the request's events are stored; None answers JSON {"received": true}.
        Twilio, for one, wants TwiML."""
        return None

    def handle_event(self, event: InboundEvent) -> str:
        """Process one stored inbound event in a worker. Returns the outcome, in words."""
        return f"ignored: hubwire does not act on {event.event_type or 'this event'}"

    def panel_context(self, mode: str, connection: Connection | None) -> dict:
        """Extra facts for one mode's panel template (as `panel.extra`)."""
        return {}

    def tab_context(self, workspace) -> dict:
        return {}

    def folder_module(self, name: str):
        """The module `name` in the provider's folder (beside its provider module), imported, or None
        when the folder has none: how the framework finds what a provider declares."""
        package = type(self).__module__.rpartition(".")[0]
        if not package or find_spec(f"{package}.{name}") is None:
            return None
        return import_module(f"{package}.{name}")

    def urlpatterns(self) -> list:
        """The provider's own pages: `urlpatterns` of its folder's urls.py, served under
        /integrations/<key>/ with names in the "integrations" namespace (integrations/urls.py)."""
        urls = self.folder_module("urls")
        return urls.urlpatterns if urls else []

    def audit_filter(self):
        """Which audit entries the tab's "Recent activity" shows: those about this provider's connections."""
        from django.db.models import Q

        return Q(subject__in=[self.key] + [f"{self.key} ({m})" for m in self.modes if m])

    def card(self, workspace, connections: list[Connection]) -> Card:
        """The status card, from the workspace's connection rows for this provider (one per mode)."""
        from hubwire.integrations.models import STATUS_COLOUR, STATUS_URGENCY, ConnectionStatus

        if not self.built:
            return Card(ConnectionStatus.NOT_CONNECTED, "grey", "Not available yet",
                        "This version of hubwire does not include it.")
        by_status = {c.status: c for c in connections}
        for status in STATUS_URGENCY:
            if status in by_status:
                conn = by_status[status]
                break
        else:
            return Card(ConnectionStatus.NOT_CONNECTED, "grey", "Not connected")
        label = ConnectionStatus(conn.status).label + (f" · {conn.mode.title()} mode" if conn.mode else "")
        detail = conn.status_reason if conn.status != ConnectionStatus.ACTIVE else conn.account_name
        from hubwire.integrations.health import expiry_warning

        warnings = [w for w in (expiry_warning(self, c) for c in connections) if w]
        return Card(conn.status, STATUS_COLOUR[conn.status], label, detail, warnings[0] if warnings else "")


PROVIDERS: dict[str, Provider] = {}


def register(cls: type[Provider]) -> type[Provider]:
    PROVIDERS[cls.key] = cls()
    return cls


def unregister(key: str) -> None:
    """Forget a provider (a test-only provider once its tests are done)."""
    PROVIDERS.pop(key, None)


def get_provider(key: str) -> Provider:
    from django.http import Http404

    try:
        return PROVIDERS[key]
    except KeyError:
        raise Http404("No such integration") from None
