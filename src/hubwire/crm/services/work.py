"""Projects, contracts and the conversation with an account's contacts."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.core.tenancy import resolve_reference
from hubwire.crm.models import (
    Account,
    Contact,
    Contract,
    ContractStatus,
    Message,
    MessageDirection,
    Milestone,
    Project,
    ProjectStatus,
)
from hubwire.crm.services.common import (
    Cleaner,
    Conflict,
    amount,
    choice,
    currency,
    emit_for,
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


def milestone_add(*, project: Project, actor: str, title: str, due_date=None) -> Milestone:
    """Add a milestone; the project's `project.updated` event carries its milestones."""
    c = Cleaner({"title": title, "due_date": due_date})
    c.field("title", required_text)
    c.field("due_date")
    due = c.current("due_date")
    c.check(not (due and project.start_date and due < project.start_date), "due_date",
            "A milestone cannot be due before the project starts.")
    values = c.result()
    with transaction.atomic():
        milestone = Milestone.objects.create(workspace=project.workspace, project=project, **values)
        emit_for(project, "project.updated", actor=actor)
    return milestone


def milestone_complete(*, milestone: Milestone, actor: str, done: bool = True) -> Milestone:
    with transaction.atomic():
        milestone.completed_at = timezone.now() if done else None
        milestone.save(update_fields=["completed_at"])
        emit_for(milestone.project, "project.updated", actor=actor)
    return milestone


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


def contract_accept(*, contract: Contract, contact: Contact, actor: str) -> Contract:
    """A client accepts a contract that awaits acceptance; who and when are recorded on it."""
    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk)
        if current.status != ContractStatus.SENT:
            raise Conflict(f"This contract is {current.get_status_display().lower()}; only one awaiting acceptance "
                           "can be accepted.")
        values = {"status": ContractStatus.ACCEPTED, "accepted_at": timezone.now(), "accepted_by": contact,
                  "accepted_by_name": f"{contact.name} <{contact.email}>" if contact.email else contact.name}
        return save_and_emit(current, values, event="contract.accepted", actor=actor)


def message_post(*, workspace, actor: str, account, body: str, direction: str = MessageDirection.OUTBOUND,
                 contact=None, author=None) -> Message:
    """Add a message to an account's conversation. It arrives unread on the other side: a client's
    message until the team opens the conversation, the team's until the client reads it in the portal."""
    c = Cleaner({"body": body, "direction": direction})
    c.field("body", required_text)
    c.field("direction", choice(MessageDirection))
    values = c.result()
    account = resolve_reference(Account, workspace, account, field="account", required=True)
    contact = resolve_reference(Contact, workspace, contact, field="contact")
    if contact and contact.account_id != account.pk:
        raise FieldError({"contact": f"{contact} is not a contact of {account}."})
    inbound = values["direction"] == MessageDirection.INBOUND
    message = Message(workspace=workspace, account=account, contact=contact, author=None if inbound else author)

    def count_on_account(saved: Message) -> None:
        Account.objects.filter(pk=account.pk).update(
            message_count=F("message_count") + 1, last_message_at=saved.created_at,
            unread_messages=F("unread_messages") + (1 if inbound else 0))

    return save_and_emit(message, values, event="message.received" if inbound else "message.sent", actor=actor,
                         after_save=count_on_account)


def conversation_mark_read(*, account: Account, direction: str = MessageDirection.INBOUND) -> int:
    """Mark the messages one side has not read yet as read (the client's, by default: the team read them)."""
    if direction == MessageDirection.INBOUND:
        if not Account.objects.filter(pk=account.pk, unread_messages__gt=0).exists():
            return 0  # the count the account keeps says nothing waits: no UPDATE of the thread per showing
    with transaction.atomic():
        # The account's row first: a message posted meanwhile either waits for this to end and then
        # counts as unread, or ends first and is read here; never both, never neither.
        Account.objects.select_for_update().filter(pk=account.pk).values_list("pk", flat=True).first()
        read = Message.objects.filter(account=account, direction=direction, read_at=None).update(
            read_at=timezone.now()
        )
        if direction == MessageDirection.INBOUND:
            Account.objects.filter(pk=account.pk).update(unread_messages=0)
        return read
