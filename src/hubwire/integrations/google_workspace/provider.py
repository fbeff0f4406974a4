"""Google Workspace Admin SDK Directory (providers.md §5). Declared here; user and group management
comes with its own issue."""

from hubwire.integrations.google_calendar.provider import GoogleProvider
from hubwire.integrations.registry import RateLimit, register


@register
class GoogleWorkspace(GoogleProvider):
    key = "google_workspace"
    tab_order = 60
    name = "Google Workspace"
    tab_label = "Google Workspace"
    summary = "Provision and manage team email accounts and groups on your domain (needs a super admin)."
    scopes = ("https://www.googleapis.com/auth/admin.directory.user",
              "https://www.googleapis.com/auth/admin.directory.group")
    # 2,400 queries/min/user/project (developers.google.com/admin-sdk/directory/v1/limits).
    rate_limit = RateLimit(per_second=40, burst=40, source="developers.google.com/admin-sdk/directory/v1/limits")
