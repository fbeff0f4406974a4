"""The CRM's wire shapes. `*Out` is what the API answers and what events carry as `data`;
`*In` is what create accepts and `*Patch` what update accepts (every field optional)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from hubwire.core.schema_types import (BasisPoints, Currency, Id, LongText, MinorUnits, OptionalEmail, OptionalWebUrl,
                                       Phone, Quantity, SaneDate, SaneDateTime, Text, TimeZoneName, partial)
from hubwire.crm import models as m


def choices(enum) -> type:
    return Literal[tuple(enum.values)]


# --- accounts and contacts ---
class AccountOut(Schema):
    id: int
    name: str
    website: str
    email: str
    phone: str
    address: str
    notes: str
    created_at: datetime
    updated_at: datetime


class AccountIn(Schema):
    name: Text(200, required=True)
    website: OptionalWebUrl(200) = ""
    email: OptionalEmail = ""
    phone: Phone = ""
    address: Text(500) = Field("", description="Postal address, lines separated by newlines")
    notes: LongText = ""


class ContactOut(Schema):
    id: int
    account_id: int | None
    first_name: str
    last_name: str
    name: str
    email: str
    phone: str
    title: str
    created_at: datetime
    updated_at: datetime


class ContactIn(Schema):
    account_id: Id | None = None
    first_name: Text(100, required=True)
    last_name: Text(100) = ""
    email: OptionalEmail = ""
    phone: Phone = ""
    title: Text(100) = ""


# --- leads ---
class LeadOut(Schema):
    id: int
    name: str
    company: str
    email: str
    phone: str
    source: str
    status: choices(m.LeadStatus)
    value_amount: int
    currency: str
    notes: str
    created_at: datetime
    updated_at: datetime


class LeadIn(Schema):
    name: Text(200, required=True)
    company: Text(200) = ""
    email: OptionalEmail = ""
    phone: Phone = ""
    source: Text(100) = ""
    status: choices(m.LeadStatus) = m.LeadStatus.NEW
    value_amount: MinorUnits = 0
    currency: Currency = "USD"
    notes: LongText = ""


# --- quotes, invoices, payments ---
class LineOut(Schema):
    description: str
    quantity: Decimal
    unit_amount: int
    amount: int


class LineIn(Schema):
    description: Text(300, required=True)
    quantity: Quantity = Decimal(1)
    unit_amount: MinorUnits


Lines = Annotated[list[LineIn], Field(max_length=200)]


class QuoteOut(Schema):
    id: int
    number: str
    title: str
    account_id: int
    contact_id: int | None
    status: choices(m.QuoteStatus)
    currency: str
    tax_rate_bp: int
    subtotal: int
    tax_amount: int
    total: int
    valid_until: date | None
    sent_at: datetime | None
    decided_at: datetime | None
    notes: str
    lines: list[LineOut]
    created_at: datetime
    updated_at: datetime


class QuoteIn(Schema):
    account_id: Id
    contact_id: Id | None = None
    title: Text(200, required=True)
    currency: Currency = "USD"
    tax_rate_bp: BasisPoints = 0
    valid_until: SaneDate | None = None
    notes: LongText = ""
    lines: Lines = []


class InvoiceOut(Schema):
    id: int
    number: str
    account_id: int
    contact_id: int | None
    quote_id: int | None
    status: choices(m.InvoiceStatus)
    currency: str
    tax_rate_bp: int
    subtotal: int
    tax_amount: int
    total: int
    amount_paid: int
    balance_due: int
    due_date: date | None
    sent_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    notes: str
    lines: list[LineOut]
    created_at: datetime
    updated_at: datetime


class InvoiceIn(Schema):
    account_id: Id
    contact_id: Id | None = None
    quote_id: Id | None = None
    currency: Currency = "USD"
    tax_rate_bp: BasisPoints = 0
    due_date: SaneDate | None = None
    notes: LongText = ""
    lines: Lines = []


class PaymentOut(Schema):
    id: int
    invoice_id: int
    amount: int
    currency: str
    method: choices(m.PaymentMethod)
    reference: str
    received_at: datetime
    created_at: datetime


class PaymentIn(Schema):
    amount: MinorUnits | None = Field(None, description="Defaults to the balance due")
    method: choices(m.PaymentMethod) = m.PaymentMethod.MANUAL
    reference: Text(200) = ""
    received_at: SaneDateTime | None = None


# --- appointments ---
class MeetingLinkOut(Schema):
    """An appointment's online meeting. The host's start link is left out on purpose: it signs the
    host in, so it is shown on the team's appointment page only, never in the API or events."""

    provider: str
    status: Literal["pending", "ready", "failed", "removed"]
    reason: str = Field(description="Why the link is pending, failed or removed; empty when ready.")
    meeting_id: str
    join_url: str
    passcode: str

    @staticmethod
    def resolve_status(link) -> str:
        # The ledger says "synced"; the API has always said a meeting is "ready".
        status = link.status if isinstance(link, m.MeetingLink) else link["status"]
        return "ready" if status == m.MeetingLinkStatus.READY else status


class AppointmentOut(Schema):
    id: int
    title: str
    contact_id: int | None
    start: datetime
    end: datetime
    all_day: bool = Field(description="An all-day appointment: midnight to midnight in its time zone")
    time_zone: str
    location_type: choices(m.LocationType)
    location: str
    meeting_url: str
    meeting: MeetingLinkOut | None = Field(description="The meeting the video integration created (Zoom, Google Meet).")
    status: choices(m.AppointmentStatus)
    notes: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_meeting(obj):
        return getattr(obj, "meeting_link", None) if isinstance(obj, m.Appointment) else obj.get("meeting")


class AppointmentRescheduledOut(AppointmentOut):
    previous_start: datetime
    previous_end: datetime


class AppointmentIn(Schema):
    title: Text(200, required=True)
    contact_id: Id | None = None
    start: SaneDateTime = Field(description="ISO 8601; without an offset it is read in time_zone")
    end: SaneDateTime
    all_day: bool = False
    time_zone: TimeZoneName | None = Field(None, description="IANA name; by default the workspace's time zone")
    location_type: choices(m.LocationType) = m.LocationType.IN_PERSON
    location: Text(300) = ""
    meeting_url: OptionalWebUrl(500) = ""
    notes: LongText = ""


# --- projects and contracts ---
class MilestoneOut(Schema):
    id: int
    title: str
    due_date: date | None
    completed_at: datetime | None


class ProjectOut(Schema):
    id: int
    account_id: int
    name: str
    description: str
    status: choices(m.ProjectStatus)
    start_date: date | None
    due_date: date | None
    milestones: list[MilestoneOut]
    created_at: datetime
    updated_at: datetime


class ProjectIn(Schema):
    account_id: Id
    name: Text(200, required=True)
    description: LongText = ""
    status: choices(m.ProjectStatus) = m.ProjectStatus.PLANNING
    start_date: SaneDate | None = None
    due_date: SaneDate | None = None


class ContractOut(Schema):
    id: int
    account_id: int
    title: str
    body: str
    status: choices(m.ContractStatus)
    value_amount: int
    currency: str
    starts_on: date | None
    ends_on: date | None
    accepted_at: datetime | None
    accepted_by_id: int | None
    accepted_by_name: str
    created_at: datetime
    updated_at: datetime


class ContractIn(Schema):
    account_id: Id
    title: Text(200, required=True)
    body: LongText = ""
    status: choices(m.ContractStatus) = m.ContractStatus.DRAFT
    value_amount: MinorUnits = 0
    currency: Currency = "USD"
    starts_on: SaneDate | None = None
    ends_on: SaneDate | None = None


# --- messages ---
class MessageOut(Schema):
    id: int
    account_id: int
    contact_id: int | None
    author_email: str | None
    direction: choices(m.MessageDirection)
    body: str
    read_at: datetime | None
    created_at: datetime


class MessageIn(Schema):
    account_id: Id
    contact_id: Id | None = Field(None, description="The client who wrote it (inbound messages)")
    direction: choices(m.MessageDirection) = m.MessageDirection.OUTBOUND
    body: Annotated[str, Field(min_length=1, max_length=5000)]


AccountPatch = partial(AccountIn, "AccountPatch")
ContactPatch = partial(ContactIn, "ContactPatch")
LeadPatch = partial(LeadIn, "LeadPatch")
QuotePatch = partial(QuoteIn, "QuotePatch")
InvoicePatch = partial(InvoiceIn, "InvoicePatch")
AppointmentPatch = partial(AppointmentIn, "AppointmentPatch")
ProjectPatch = partial(ProjectIn, "ProjectPatch")
ContractPatch = partial(ContractIn, "ContractPatch")

OUT_SCHEMAS = {
    m.Account: AccountOut,
    m.Contact: ContactOut,
    m.Lead: LeadOut,
    m.Quote: QuoteOut,
    m.Invoice: InvoiceOut,
    m.Payment: PaymentOut,
    m.Appointment: AppointmentOut,
    m.Project: ProjectOut,
    m.Contract: ContractOut,
    m.Message: MessageOut,
}


def serialize(obj, schema: type[Schema] | None = None, **extra) -> dict:
    """The JSON form of a CRM object (as the API shows it and events carry it)."""
    return shaped(obj, schema, **extra).model_dump(mode="json")


def shaped(obj, schema: type[Schema] | None = None, **extra) -> Schema:
    """A CRM object as its out schema (or `schema`, with `extra` fields), validated."""
    out = OUT_SCHEMAS[type(obj)].from_orm(obj)
    if schema is None and not extra:
        return out
    return (schema or OUT_SCHEMAS[type(obj)]).model_validate({**out.model_dump(), **extra})
