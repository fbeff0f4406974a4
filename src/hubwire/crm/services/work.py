"""Projects, contracts and the conversation with an account's contacts."""

from django.db import transaction
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.core.tenancy import resolve_reference
from hubwire.crm.models import Account, Contact, Contract, ContractStatus, Message, MessageDirection, Project, ProjectStatus
from hubwire.crm.services.common import (
    Cleaner,
    amount,
    choice,
    currency,
    required_text,
    save_and_emit,
    text,
)


def _clean_project(workspace, data: dict, instance: Project | None) -> dict:
    c = Cleaner(data, instance)
    c.reference("account", Account, workspace, required=True)
    c.field("name", required_text, always=instance is None)
    c.field("description", text)
    c.field("status", choice(ProjectStatus))
    c.field("start_date")
    c.field("due_date")
    c.dates_in_order("start_date", "due_date")
    return c.result()


def project_create(*, workspace, actor: str, **data) -> Project:
    values = _clean_project(workspace, data, None)
    return save_and_emit(Project(workspace=workspace), values, event="project.created", actor=actor)


def project_update(*, project: Project, actor: str, **data) -> Project:
    values = _clean_project(project.workspace, data, project)
    return save_and_emit(project, values, event="project.updated", actor=actor)


def _clean_contract(workspace, data: dict, instance: Contract | None) -> dict:
    c = Cleaner(data, instance)
    c.reference("account", Account, workspace, required=True)
    c.field("title", required_text, always=instance is None)
    c.field("body", text)
    c.field("status", choice(ContractStatus))
    c.field("value_amount", amount)
    c.field("currency", currency)
    c.field("starts_on")
    c.field("ends_on")
    c.dates_in_order("starts_on", "ends_on")
    return c.result()


def contract_create(*, workspace, actor: str, **data) -> Contract:
    values = _clean_contract(workspace, data, None)
    return save_and_emit(Contract(workspace=workspace), values, event="contract.created", actor=actor)


def contract_update(*, contract: Contract, actor: str, **data) -> Contract:
    values = _clean_contract(contract.workspace, data, contract)
    return save_and_emit(contract, values, event="contract.updated", actor=actor)


def message_post(*, workspace, actor: str, account, body: str, direction: str = MessageDirection.OUTBOUND,
                 contact=None, author=None) -> Message:
    """Add a message to an account's conversation. A client's message arrives unread."""
    c = Cleaner({"body": body, "direction": direction})
    c.field("body", required_text)
    c.field("direction", choice(MessageDirection))
    values = c.result()
    account = resolve_reference(Account, workspace, account, field="account", required=True)
    contact = resolve_reference(Contact, workspace, contact, field="contact")
    if contact and contact.account_id != account.pk:
        raise FieldError({"contact": f"{contact} is not a contact of {account}."})
    inbound = values["direction"] == MessageDirection.INBOUND
    message = Message(workspace=workspace, account=account, contact=contact, author=None if inbound else author,
                      read_at=None if inbound else timezone.now())
    return save_and_emit(message, values, event="message.received" if inbound else "message.sent", actor=actor)


def conversation_mark_read(*, account: Account) -> int:
    with transaction.atomic():
        return Message.objects.filter(account=account, direction=MessageDirection.INBOUND, read_at=None).update(
            read_at=timezone.now()
        )
