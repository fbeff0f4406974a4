"""A workspace whose portal is on for two accounts, A (ACME) and B (Globex), each with a client who
can sign in, and one of every portal object at each; plus helpers to sign a client in."""

import pytest
from django.test import Client

from hubwire.crm.models import ContractStatus
from hubwire.crm.services import documents, people, work
from hubwire.portal.services import access_set, password_set

CLIENT_PASSWORD = "plum-orchard-sunrise-47"
LINE = [{"description": "Identity design", "quantity": 1, "unit_amount": 125000}]


def portal_url(workspace, path: str = "") -> str:
    return f"/portal/{workspace.pk}/{path}"


def sign_in_client(workspace, email: str, password: str = CLIENT_PASSWORD, client: Client | None = None,
                   **extra) -> tuple[Client, object]:
    client = client or Client()
    response = client.post(portal_url(workspace, "sign-in/"), {"email": email, "password": password}, **extra)
    return client, response


def signed_in(workspace, email: str) -> Client:
    client, response = sign_in_client(workspace, email)
    assert response.status_code == 302 and response["Location"] == portal_url(workspace), response.content
    return client


def account_with_things(workspace, owner, name: str, contact_email: str) -> dict:
    kw = {"workspace": workspace, "actor": "test"}
    account = people.account_create(**kw, name=name)
    contact = people.contact_create(**kw, account=account, first_name=name.split()[0] + "person", last_name="Client",
                                    email=contact_email)
    project = work.project_create(**kw, account=account, name=f"{name} rebrand", status="active")
    work.milestone_add(project=project, actor="test", title=f"{name} moodboards")
    invoice = documents.invoice_send(invoice=documents.invoice_create(**kw, account=account, contact=contact, lines=LINE),
                                     actor="test")
    draft_invoice = documents.invoice_create(**kw, account=account, lines=LINE)
    contract = work.contract_create(**kw, account=account, title=f"{name} statement of work", status=ContractStatus.SENT,
                                    body="Scope and fees.", value_amount=500000)
    draft_contract = work.contract_create(**kw, account=account, title=f"{name} draft terms")
    access_set(account=account, enabled=True, actor=owner)
    password_set(contact=contact, password=CLIENT_PASSWORD, must_change=False, actor=owner)
    return {"account": account, "contact": contact, "project": project, "invoice": invoice,
            "draft_invoice": draft_invoice, "contract": contract, "draft_contract": draft_contract}


@pytest.fixture
def a(workspace, owner):
    return account_with_things(workspace, owner, "ACME Creative", "maya@acme.test")


@pytest.fixture
def b(workspace, owner):
    return account_with_things(workspace, owner, "Globex Corporation", "hank@globex.test")
