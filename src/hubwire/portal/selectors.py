"""Reads for the Client Portal tab (the team's side) and the portal pages (the client's side).
Everything a client sees goes through `client_*` here, filtered to their own account."""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from hubwire.core.tenancy import scoped
from hubwire.crm.models import (
    Account,
    Contact,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceStatus,
    Message,
    MessageDirection,
    Project,
)
from hubwire.crm.selectors import unread_client_message_count
from hubwire.portal.models import SIGNED_IN, PortalAccess, PortalSignIn, PortalToken, PortalUser, TokenPurpose

RECENT_DAYS = 7


def setup_state(workspace) -> dict:
    """What the card shows: accounts with the portal on, their allowed users (and how many of those
    have a password), unread messages."""
    users = (PortalUser.objects.filter(workspace=workspace, allowed=True, contact__account__portal_access__enabled=True)
             .aggregate(users=Count("pk"), can_sign_in=Count("pk", filter=~Q(password=""))))
    return {"accounts_on": PortalAccess.objects.filter(workspace=workspace, enabled=True).count(), **users,
            "unread": unread_client_message_count(workspace)}


def stats(workspace) -> dict:
    """The tab's stat cards: the card's figures and the sign-ins of the last RECENT_DAYS days."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return {**setup_state(workspace), "recent_logins": PortalSignIn.objects.filter(
        workspace=workspace, outcome__in=SIGNED_IN, created_at__gte=since).count()}


def accounts(workspace):
    """Every account by name (a page at a time, by the (workspace, name) index) with its portal switch,
    how many of its contacts may sign in, and its unread messages (the count the account keeps)."""
    users = (PortalUser.objects.filter(contact__account=OuterRef("pk"), allowed=True).order_by()
             .values("contact__account").annotate(n=Count("pk")).values("n"))
    return (scoped(Account, workspace)
            .annotate(portal_on=Exists(PortalAccess.objects.filter(account=OuterRef("pk"), enabled=True)),
                      portal_users=Coalesce(Subquery(users), 0), unread=F("unread_messages"))
            .order_by("name", "id"))


def contacts(account) -> list[dict]:
    """An account's contacts with their portal login (if any), last sign-in and pending invitation."""
    rows = []
    now = timezone.now()
    for contact in Contact.objects.filter(account=account).select_related("portal_user"):
        login = getattr(contact, "portal_user", None)
        invite = None
        if login:
            invite = (PortalToken.objects.filter(portal_user=login, purpose=TokenPurpose.INVITE, used_at=None,
                                                 expires_at__gt=now).order_by("-created_at").first())
        rows.append({"contact": contact, "login": login, "invite": invite,
                     "allowed": bool(login and login.allowed)})
    return rows


def recent_sign_ins(account, limit: int = 10):
    return (PortalSignIn.objects.filter(portal_user__contact__account=account)
            .select_related("portal_user__contact")[:limit])


# --- the client's side: their own account only ------------------------------------------------

def client_projects(client):
    return Project.objects.filter(account=client.account).prefetch_related("milestones")


def client_invoices(client):
    # Drafts are the team's work in progress; a client sees what was issued to them.
    return Invoice.objects.filter(account=client.account).exclude(status=InvoiceStatus.DRAFT).select_related("account", "contact")


def client_contracts(client):
    return Contract.objects.filter(account=client.account).exclude(status=ContractStatus.DRAFT)


def client_thread(client):
    return Message.objects.filter(account=client.account).select_related("author", "contact")


def client_unread(client) -> int:
    return Message.objects.filter(account=client.account, direction=MessageDirection.OUTBOUND, read_at=None).count()
