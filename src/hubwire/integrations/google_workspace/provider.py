"""Google Workspace (providers.md §5, issue 21): the domain's users and groups through the Admin SDK
Directory API, managed from hubwire. Connecting needs a super admin; the check (check.py) says in
plain words what is missing otherwise, and the card stays orange until it is right.

The users side: the mirror and its sync pass (users.py), the Members page and the Create User and
manage pages (views.py, create.py, manage.py); the groups side: groups.py and group_views.py."""

from hubwire.integrations.google_calendar.provider import GOOGLE_HOSTS, GoogleProvider
from hubwire.integrations.google_workspace import api, check, config, schedule
from hubwire.integrations.models import ConnectionStatus
from hubwire.integrations.registry import Card, RateLimit, register
from hubwire.sync.models import Trigger


@register
class GoogleWorkspace(GoogleProvider):
    key = "google_workspace"
    tab_order = 60
    name = "Google Workspace"
    tab_label = "Google Workspace"
    summary = "Provision and manage team email accounts and groups on your domain (needs a super admin)."
    built = True
    hosts = {**GOOGLE_HOSTS, "admin": "https://admin.googleapis.com",
             "openid": "https://openidconnect.googleapis.com"}
    # Users, groups and their members; the domains (read only) to know which are verified; openid and
    # email for userinfo (who connected, and the Workspace domain, `hd`).
    scopes = ("https://www.googleapis.com/auth/admin.directory.user",
              "https://www.googleapis.com/auth/admin.directory.group",
              "https://www.googleapis.com/auth/admin.directory.group.member",
              "https://www.googleapis.com/auth/admin.directory.domain.readonly",
              "openid", "email")
    tab_template = "google_workspace/tab.html"

    @property
    def rate_limit(self) -> RateLimit:
        """2,400 queries a minute per user per project (developers.google.com/admin-sdk/directory/v1/limits),
        as a bucket that never lets more than that through in any minute, bursts included."""
        return RateLimit.per_minute(api.requests_per_minute(), burst=20,
                                    source="developers.google.com/admin-sdk/directory/v1/limits")

    @property
    def schedules(self):
        return schedule.specs()

    def after_connect(self, connection, client):
        """Who connected and what they may do (check.py); saved by the connect flow with the row."""
        checked = check.account_check(connection, client)
        config.config_put(connection, checked)
        connection.account_name = checked.admin_email[:200]
        if checked.customer_id:
            connection.external_account_id = checked.customer_id

    def connected(self, connection):
        super().connected(connection)
        from hubwire.integrations.google_workspace import users

        users.queue(connection.workspace, trigger=Trigger.CONNECT)

    def card(self, workspace, connections):
        """Connected is not enough: until the connected account is a super admin, the card is orange and
        says what is missing; an unverified domain is a warning on a green card."""
        card = super().card(workspace, connections)
        active = next((c for c in connections if c.status == ConnectionStatus.ACTIVE), None)
        if card.status != ConnectionStatus.ACTIVE or active is None:
            return card
        checked = config.config_of(active)
        if not checked.ready:
            return Card(ConnectionStatus.SETUP_INCOMPLETE, "orange", ConnectionStatus.SETUP_INCOMPLETE.label,
                        checked.missing, card.warning)
        card.warning = card.warning or " ".join(checked.domain_warnings)
        return card

    def facts(self, connection):
        checked = config.config_of(connection)
        return [(label, value) for label, value in (
            ("Connected as", checked.admin_email), ("Domain", checked.primary_domain),
            ("Verified domains", ", ".join(checked.verified_domains))) if value]

    def tab_context(self, workspace) -> dict:
        from hubwire.integrations.google_workspace import setup

        return setup.tab_context(workspace)
