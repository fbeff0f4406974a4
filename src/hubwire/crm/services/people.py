"""Accounts, contacts and leads."""

from hubwire.crm.models import Account, Contact, Lead, LeadStatus
from hubwire.crm.services.common import (
    Cleaner,
    amount,
    choice,
    currency,
    email_address,
    phone_e164,
    required_text,
    save_and_emit,
    text,
    url,
)


def _clean_account(data: dict, instance: Account | None) -> dict:
    c = Cleaner(data, instance)
    c.field("name", required_text, always=instance is None)
    c.field("website", url)
    c.field("email", email_address)
    c.field("phone", phone_e164)
    c.field("address", text)
    c.field("notes", text)
    return c.result()


def account_create(*, workspace, actor: str, **data) -> Account:
    return save_and_emit(Account(workspace=workspace), _clean_account(data, None), event="account.created", actor=actor)


def account_update(*, account: Account, actor: str, **data) -> Account:
    return save_and_emit(account, _clean_account(data, account), event="account.updated", actor=actor)


def _clean_contact(workspace, data: dict, instance: Contact | None) -> dict:
    c = Cleaner(data, instance)
    c.reference("account", Account, workspace)
    c.field("first_name", required_text, always=instance is None)
    c.field("last_name", text)
    c.field("email", email_address)
    c.field("phone", phone_e164)
    c.field("title", text)
    return c.result()


def contact_create(*, workspace, actor: str, **data) -> Contact:
    values = _clean_contact(workspace, data, None)
    return save_and_emit(Contact(workspace=workspace), values, event="contact.created", actor=actor)


def contact_update(*, contact: Contact, actor: str, **data) -> Contact:
    values = _clean_contact(contact.workspace, data, contact)
    return save_and_emit(contact, values, event="contact.updated", actor=actor)


def _clean_lead(data: dict, instance: Lead | None) -> dict:
    c = Cleaner(data, instance)
    c.field("name", required_text, always=instance is None)
    c.field("company", text)
    c.field("email", email_address)
    c.field("phone", phone_e164)
    c.field("source", text)
    c.field("status", choice(LeadStatus))
    c.field("value_amount", amount)
    c.field("currency", currency)
    c.field("notes", text)
    return c.result()


def lead_create(*, workspace, actor: str, **data) -> Lead:
    return save_and_emit(Lead(workspace=workspace), _clean_lead(data, None), event="lead.created", actor=actor)


def lead_update(*, lead: Lead, actor: str, **data) -> Lead:
    return save_and_emit(lead, _clean_lead(data, lead), event="lead.updated", actor=actor)
