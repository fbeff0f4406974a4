"""The CRM core the integrations act on. Every row belongs to a workspace; money is integer minor
units with an ISO 4217 currency; times are stored in UTC with the time zone they were booked in."""

from django.db import models
from django.utils import timezone

from hubwire.core.crypto import EncryptedTextField
from hubwire.core.models import User, Workspace
from hubwire.sync.models import SyncRecord, SyncStatus


class WorkspaceOwned(models.Model):
    # Each model's Meta has a (workspace, <its ordering>, id) index: its lists (pages and the API's
    # cursor pages, core/api_pages.py) read one workspace's rows in that order by an index seek.
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Account(WorkspaceOwned):
    """A client business, e.g. ACME Creative Agency."""

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    # One free-text postal address, as written on an envelope: accounting tools (QuickBooks' BillAddr)
    # take it line by line, and hubwire does not split it into city and postal code it cannot check.
    address = models.TextField(max_length=500, blank=True, help_text="Postal address, one line per row.")
    notes = models.TextField(blank=True)
    # The conversation's figures, kept by message_post and conversation_mark_read, so that the
    # Messages page lists accounts by them without counting every message of the workspace.
    message_count = models.PositiveIntegerField(default=0)
    unread_messages = models.PositiveIntegerField(default=0, help_text="The client's messages the team has not read.")
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["workspace", "name", "id"]),
                   models.Index(fields=["workspace", "-unread_messages", "-last_message_at", "name", "id"])]

    def __str__(self) -> str:
        return self.name


class Contact(WorkspaceOwned):
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    title = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["first_name", "last_name"]
        indexes = [models.Index(fields=["workspace", "first_name", "last_name", "id"]),
                   models.Index(fields=["account", "first_name", "last_name", "id"])]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return self.name


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    QUALIFIED = "qualified", "Qualified"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Lead(WorkspaceOwned):
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    source = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    value_amount = models.BigIntegerField(default=0, help_text="Estimated value, minor units")
    currency = models.CharField(max_length=3, default="USD")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["workspace", "status"])]  # the dashboard's open ones

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """Per-workspace document numbers (INV-0001, Q-0001), handed out under a row lock."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "kind"], name="one_sequence_per_kind")]


class PricedDocument(WorkspaceOwned):
    """What quotes and invoices share: lines, a tax rate, and totals derived from them."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    number = models.CharField(max_length=30)
    currency = models.CharField(max_length=3, default="USD")
    tax_rate_bp = models.PositiveIntegerField(default=0, help_text="Tax rate in basis points: 825 = 8.25%")
    subtotal = models.BigIntegerField(default=0)
    tax_amount = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["account", "created_at", "id"]),  # a client's, in the portal
                   models.Index(fields=["workspace", "status"])]  # the dashboard's pending ones

    def __str__(self) -> str:
        return self.number


class Line(models.Model):
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=1)
    unit_amount = models.BigIntegerField(help_text="Minor units")
    amount = models.BigIntegerField(help_text="quantity × unit amount, rounded to a minor unit")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Quote(PricedDocument):
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    valid_until = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(PricedDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["workspace", "number"], name="unique_quote_number")]


class QuoteLine(Line):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class Invoice(PricedDocument):
    quote = models.ForeignKey(Quote, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices")
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    due_date = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta(PricedDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["workspace", "number"], name="unique_invoice_number")]

    @property
    def amount_paid(self) -> int:
        return sum(p.amount for p in self.payments.all())

    @property
    def balance_due(self) -> int:
        return max(self.total - self.amount_paid, 0)


class InvoiceLine(Line):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")


class PaymentMethod(models.TextChoices):
    MANUAL = "manual", "Recorded by hand"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    STRIPE = "stripe", "Stripe"


class Payment(WorkspaceOwned):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(help_text="Minor units")
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.MANUAL)
    reference = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["workspace", "received_at", "id"])]
        # A Stripe payment (its PaymentIntent) is recorded once, whatever reports it and however often.
        constraints = [models.UniqueConstraint(fields=["reference"], condition=models.Q(method="stripe"),
                                               name="one_payment_per_stripe_charge")]


class LocationType(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    GOOGLE_MEET = "google_meet", "Google Meet"
    ZOOM = "zoom", "Zoom"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Appointment(WorkspaceOwned):
    title = models.CharField(max_length=200)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # An all-day appointment (from an all-day Google Calendar event) runs from midnight of its first
    # day to midnight after its last, in its time zone; pages show its dates without times.
    all_day = models.BooleanField(default=False)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. America/New_York")
    location_type = models.CharField(max_length=20, choices=LocationType.choices, default=LocationType.IN_PERSON)
    location = models.CharField(max_length=300, blank=True, help_text="Address or dial-in number")
    meeting_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["workspace", "start", "id"])]

    def __str__(self) -> str:
        return self.title


class MeetingLinkStatus(models.TextChoices):
    """The meeting's states in the words the appointment page uses; the values are the ledger's."""

    PENDING = SyncStatus.PENDING, "Meeting link pending"
    READY = SyncStatus.SYNCED, "Ready"
    FAILED = SyncStatus.FAILED, "Failed"
    REMOVED = SyncStatus.REMOVED, "Deleted on the provider's side"


class MeetingLink(SyncRecord):
    """The online meeting of an appointment held on a video provider (Zoom): a row of the sync
    ledger (kind "meeting", the appointment as its local object, the meeting id as its external id)
    plus what the team and the client need from the meeting. Written by the provider's integration,
    read by the appointment page, the API, and later the portal, SMS templates and calendar events.
    The row exists while a meeting is wanted or may still exist at the provider; `status` and
    `reason` say, in plain words, where it stands."""

    KIND = "meeting"

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="meeting_link")
    join_url = models.URLField(max_length=1000, blank=True)
    start_url = EncryptedTextField(blank=True, help_text="The host's link (it signs the host in): team only.")
    passcode = models.CharField(max_length=20, blank=True)

    def save(self, *args, **kwargs):
        self.kind, self.local_id = self.KIND, self.appointment_id
        super().save(*args, **kwargs)

    @property
    def meeting_id(self) -> str:
        return self.external_id

    @property
    def status_label(self) -> str:
        return MeetingLinkStatus(self.status).label

    def __str__(self) -> str:
        return f"{self.provider} meeting for {self.appointment_id}: {self.status}"


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"


class Project(WorkspaceOwned):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["account", "created_at", "id"])]

    def __str__(self) -> str:
        return self.name

    @property
    def milestones_done(self) -> int:
        """How many milestones are done (uses prefetched milestones when there are)."""
        return sum(1 for milestone in self.milestones.all() if milestone.completed_at)


class Milestone(models.Model):
    """A step of a project that the client sees in the portal, e.g. "Moodboard approved"."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return self.title


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Awaiting acceptance"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class Contract(WorkspaceOwned):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    value_amount = models.BigIntegerField(default=0, help_text="Minor units")
    currency = models.CharField(max_length=3, default="USD")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # Who accepted it and when: kept as written at the time, so it outlives the contact's later edits.
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by_name = models.CharField(max_length=300, blank=True, help_text="Name and email at acceptance.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["account", "created_at", "id"])]

    def __str__(self) -> str:
        return self.title


class MessageDirection(models.TextChoices):
    INBOUND = "inbound", "From the client"
    OUTBOUND = "outbound", "From the team"


class Message(WorkspaceOwned):
    """One message of the conversation between the business and an account's contacts."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="messages")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    direction = models.CharField(max_length=10, choices=MessageDirection.choices)
    body = models.TextField()
    # When the other side read it: the team for a client's message, the client (in the portal) for the team's.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["account", "created_at", "id"]),  # a conversation
                   # one side's unread messages of a conversation (marked read, counted in the portal)
                   models.Index(fields=["account", "direction", "read_at"])]

    @property
    def author_email(self) -> str | None:
        return self.author.email if self.author_id else None


class Activity(WorkspaceOwned):
    """The human-readable timeline of an account (and of the workspace), one line per event, written with it."""

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    # The line is the account's history and outlives its event, which retention prunes.
    event = models.OneToOneField("events.Event", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="activity")
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at", "id"]),
                   models.Index(fields=["account", "created_at", "id"])]
        verbose_name_plural = "activities"
