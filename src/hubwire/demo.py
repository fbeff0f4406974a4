"""The demo workspace `hubwire run` seeds into an empty database: Northwind Studio and its client
ACME Creative Agency, with something in every status. Written through the services, so the demo
also has the events (and activity) a real business would."""

import json
import os
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from hubwire.core.models import ApiKey, Role, User
from hubwire.core.services import member_add, workspace_create
from hubwire.crm.models import ContractStatus, LeadStatus, LocationType, MessageDirection, ProjectStatus
from hubwire.crm.services import documents, people, scheduling, work
from hubwire.paths import var_path

OWNER_EMAIL = "owner@northwind.example"
MEMBER_EMAIL = "member@northwind.example"
CREDENTIALS_FILE = "demo-credentials.json"
SEED = "seed"  # the actor recorded on the demo's events


def _at(days: int, hour: int, zone: str) -> datetime:
    day = timezone.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, 0))  # wall-clock time in `zone`; the service localizes it


@transaction.atomic
def seed_demo() -> dict:
    password = secrets.token_urlsafe(12)
    owner = User.objects.create_user(OWNER_EMAIL, password, full_name="Nora Northwind", is_staff=True, is_superuser=True)
    ws = workspace_create(name="Northwind Studio", owner=owner)
    sam = User.objects.create_user(MEMBER_EMAIL, secrets.token_urlsafe(12), full_name="Sam Member")
    member_add(workspace=ws, user=sam, role=Role.MEMBER)
    _, api_key = ApiKey.issue(workspace=ws, name="Demo key")
    kw = {"workspace": ws, "actor": SEED}

    acme = people.account_create(**kw, name="ACME Creative Agency", website="https://acme-creative.example",
                                 email="hello@acme-creative.example", phone="+12125551234")
    globex = people.account_create(**kw, name="Globex Corporation", website="https://globex.example", phone="+14155550199")
    maya = people.contact_create(**kw, account=acme, first_name="Maya", last_name="Chen", email="maya@acme-creative.example",
                                 phone="+12125550142", title="Creative Director")
    leo = people.contact_create(**kw, account=acme, first_name="Leo", last_name="Park", email="leo@acme-creative.example",
                                phone="+16465550123", title="Operations")
    hank = people.contact_create(**kw, account=globex, first_name="Hank", last_name="Scorpio", email="hank@globex.example")

    for name, company, status, value in [
        ("Priya Natarajan", "Initech", LeadStatus.NEW, 450000), ("Tom Becker", "Umbrella Studio", LeadStatus.CONTACTED, 120000),
        ("Ana Lima", "Stark Bakery", LeadStatus.QUALIFIED, 300000), ("Kim Olsen", "Hooli", LeadStatus.LOST, 90000),
    ]:
        people.lead_create(**kw, name=name, company=company, status=status, value_amount=value, source="Website",
                           email=f"{name.split()[0].lower()}@{company.split()[0].lower()}.example")

    brand = work.project_create(**kw, account=acme, name="Brand refresh 2027", status=ProjectStatus.ACTIVE,
                                start_date=date.today() - timedelta(days=20), due_date=date.today() + timedelta(days=60),
                                description="New identity, guidelines and launch assets.")
    for title, due_in, done in [("Discovery workshop", -14, True), ("Moodboards approved", 7, False),
                                ("Identity system", 30, False), ("Launch assets delivered", 60, False)]:
        milestone = work.milestone_add(project=brand, actor=SEED, title=title, due_date=date.today() + timedelta(days=due_in))
        if done:
            work.milestone_complete(milestone=milestone, actor=SEED)
    work.project_create(**kw, account=acme, name="Website redesign", status=ProjectStatus.PLANNING)
    work.contract_create(**kw, account=acme, title="Master services agreement", status=ContractStatus.ACCEPTED,
                         value_amount=2400000, body="Terms of the ongoing engagement between Northwind Studio and ACME.")
    work.contract_create(**kw, account=acme, title="Brand refresh statement of work", status=ContractStatus.SENT,
                         value_amount=1850000, body="Scope, milestones and fees for the 2027 brand refresh.")

    def lines(*items):
        return [{"description": d, "quantity": q, "unit_amount": u} for d, q, u in items]

    q_draft = documents.quote_create(**kw, account=acme, contact=maya, title="Photography day",
                                     lines=lines(("Studio day rate", 1, 180000)))
    q_sent = documents.quote_create(**kw, account=acme, contact=maya, title="Launch campaign", tax_rate_bp=825,
                                    lines=lines(("Campaign concept", 1, 450000), ("Social assets", 12, 15000)))
    documents.quote_send(quote=q_sent, actor=SEED)
    q_accepted = documents.quote_create(**kw, account=acme, contact=leo, title="Brand refresh",
                                        lines=lines(("Identity design", 1, 1200000), ("Guidelines", 1, 650000)))
    documents.quote_send(quote=q_accepted, actor=SEED)
    documents.quote_accept(quote=q_accepted, actor=SEED)
    q_declined = documents.quote_create(**kw, account=globex, contact=hank, title="Annual report layout",
                                        lines=lines(("Layout", 40, 9500)))
    documents.quote_send(quote=q_declined, actor=SEED)
    documents.quote_decline(quote=q_declined, actor=SEED)
    del q_draft

    due = date.today() + timedelta(days=14)
    documents.invoice_create(**kw, account=acme, contact=maya, due_date=due, lines=lines(("Workshop", 1, 95000)))
    pending = documents.invoice_create(**kw, account=acme, contact=leo, quote=q_accepted, due_date=due, tax_rate_bp=825,
                                       lines=lines(("Brand refresh, first half", 1, 925000)))
    documents.invoice_send(invoice=pending, actor=SEED)
    paid = documents.invoice_create(**kw, account=acme, contact=leo, due_date=date.today() - timedelta(days=10),
                                    lines=lines(("Discovery sessions", 3, 60000)))
    documents.invoice_send(invoice=paid, actor=SEED)
    documents.invoice_mark_paid(invoice=paid, actor=SEED, method="bank_transfer", reference="WIRE-2231")
    void = documents.invoice_create(**kw, account=globex, contact=hank, lines=lines(("Cancelled retainer", 1, 300000)))
    documents.invoice_send(invoice=void, actor=SEED)
    documents.invoice_void(invoice=void, actor=SEED)

    zone = "America/New_York"
    for days, hour, title, location_type, extra in [
        (1, 10, "Brand review at ACME", LocationType.IN_PERSON, {"location": "ACME office, 5th Ave"}),
        (2, 15, "Budget check-in call", LocationType.PHONE, {"location": "+12125550142"}),
        (3, 11, "Moodboard walkthrough", LocationType.GOOGLE_MEET, {}),
        (5, 14, "Launch planning", LocationType.ZOOM, {}),
    ]:
        scheduling.appointment_book(**kw, title=title, contact=maya, start=_at(days, hour, zone),
                                    end=_at(days, hour, zone) + timedelta(hours=1), time_zone=zone,
                                    location_type=location_type, **extra)

    work.message_post(**kw, account=acme, author=owner, body="Hi Maya, the first brand concepts are ready for review.")
    work.message_post(**kw, account=acme, contact=maya, direction=MessageDirection.INBOUND,
                      body="Thanks! Could we also see a darker palette option?")
    work.message_post(**kw, account=acme, contact=leo, direction=MessageDirection.INBOUND,
                      body="Invoice INV-0002 is with our finance team, payment next week.")

    credentials = {"url_path": "/", "email": OWNER_EMAIL, "password": password, "api_key": api_key}
    transaction.on_commit(lambda: save_credentials(credentials))
    return credentials


def save_credentials(credentials: dict) -> None:
    path = var_path(CREDENTIALS_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(credentials, fh)


def load_credentials() -> dict | None:
    try:
        return json.loads(var_path(CREDENTIALS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None
