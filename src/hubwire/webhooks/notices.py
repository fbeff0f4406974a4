"""Telling a workspace that one of its endpoints was disabled: in the app (the audit log, which the
Webhooks Manager shows) and by email to its owners and admins."""

import logging

from django.core.mail import send_mail
from django.db import transaction

from hubwire.core.audit import audit_record
from hubwire.core.models import Membership, Role
from hubwire.webhooks.models import Endpoint

log = logging.getLogger(__name__)


def endpoint_disabled(endpoint: Endpoint, why: str) -> None:
    reason = f"Disabled by hubwire: {why}."
    if not Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(enabled=False, disabled_reason=reason):
        return  # already disabled: say it once
    endpoint.enabled, endpoint.disabled_reason = False, reason
    audit_record(workspace=endpoint.workspace, action="webhook_endpoint_disabled", subject=endpoint.url[:200],
                 detail=reason)
    recipients = list(Membership.objects.filter(workspace_id=endpoint.workspace_id)
                      .filter(role__in=[Role.OWNER, Role.ADMIN]).values_list("user__email", flat=True))
    if recipients:
        transaction.on_commit(lambda: _email(recipients, endpoint, reason))


def _email(recipients: list[str], endpoint: Endpoint, reason: str) -> None:
    try:
        send_mail(subject=f"hubwire disabled a webhook endpoint: {endpoint.url[:80]}",
                  message=f"{reason}\n\nEndpoint: {endpoint.url}\nOpen the Webhooks Manager to fix it, re-enable "
                          "it and replay what it missed.",
                  from_email=None, recipient_list=recipients)
    except Exception as exc:  # the audit entry already tells the workspace; a mail outage must not undo that
        log.warning("could not email the notice that endpoint %s was disabled: %s", endpoint.pk, exc)
