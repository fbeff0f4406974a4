"""The connect check (issue 21, item 1): who was connected, and may they manage users?

1. OpenID userinfo: the account's email, and `hd`, the Workspace domain (absent for a personal account);
2. users.get of that email with the admin view: Google answers only an admin allowed to manage
   users, with isAdmin (a super admin) / isDelegatedAdmin;
3. when users.get is refused, groups.list tells a delegated admin with the groups privilege only
   (it may list groups) from a plain user (refused both);
4. domains.list: the domains of the account, and which are verified (users can be created only on those).

Run on connect (provider.after_connect) and again from the tab ("Check again"): the result is kept
with the connection (config.py), and the card is green only for a super admin."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from hubwire.core import clock
from hubwire.integrations.google_workspace.api import DirectoryApi, Forbidden, NotFound, directory_api
from hubwire.integrations.google_workspace.config import (CONSUMER, DELEGATED_ADMIN, PLAIN_USER, SUPER_ADMIN,
                                                          WorkspaceConfig, config_of, config_save)
from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.registry import PROVIDERS

KEY = "google_workspace"


def account_check(connection, client: httpx.Client) -> WorkspaceConfig:
    """What the connected account is and may do (not saved). Raises ProviderError / httpx.HTTPError
    when Google cannot be asked."""
    provider = PROVIDERS[KEY]
    who = raise_for_status(provider, client.get(provider.url("openid", "/v1/userinfo"))).json()
    checked = WorkspaceConfig(admin_email=str(who.get("email") or "").lower(), primary_domain=str(who.get("hd") or ""),
                              checked_at=clock.now().isoformat())
    if not checked.primary_domain:
        checked.role = CONSUMER
        return checked
    directory = DirectoryApi(client)
    try:
        me = directory.request("GET", f"/users/{quote(checked.admin_email, safe='@')}",
                               params={"viewType": "admin_view", "projection": "basic"}) or {}
    except (Forbidden, NotFound):
        checked.role = DELEGATED_ADMIN if _may_list_groups(directory) else PLAIN_USER
        return checked
    checked.customer_id = str(me.get("customerId") or "")
    if me.get("isAdmin"):
        checked.role = SUPER_ADMIN
    elif me.get("isDelegatedAdmin"):
        checked.role = DELEGATED_ADMIN
    else:
        checked.role = PLAIN_USER
    customer = checked.customer_id or "my_customer"
    body = directory.request("GET", f"/customer/{quote(customer, safe='')}/domains") or {}
    checked.domains = sorted(({"name": str(d.get("domainName") or "").lower(), "verified": bool(d.get("verified")),
                               "primary": bool(d.get("isPrimary"))} for d in body.get("domains") or []),
                             key=lambda d: (not d["primary"], d["name"]))
    return checked


def _may_list_groups(directory: DirectoryApi) -> bool:
    try:
        directory.request("GET", "/groups", params={"customer": "my_customer", "maxResults": 1})
    except (Forbidden, NotFound):
        return False
    return True


def check_again(connection) -> WorkspaceConfig:
    """The tab's "Check again": run the check with the stored tokens and keep its result (or why it failed)."""
    try:
        with directory_api(connection) as directory:
            checked = account_check(connection, directory.client)
    except (ProviderError, httpx.HTTPError) as exc:
        checked = config_of(connection)
        checked.check_error = str(exc)
    config_save(connection, checked)
    if checked.admin_email and connection.account_name != checked.admin_email:
        type(connection).objects.filter(pk=connection.pk).update(account_name=checked.admin_email[:200])
        connection.account_name = checked.admin_email[:200]
    return checked
