"""Page forms. They only coerce types; the services validate and write (one set of rules for pages and API)."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms

from hubwire.core.errors import Unreadable
from hubwire.core.forms import TimeZoneField
from hubwire.core.money import CURRENCIES, to_major, to_minor
from hubwire.crm import models as m


class CurrencyField(forms.CharField):
    """The currency as typed, offered from the ISO 4217 list. No maxlength (a browser would cut "dollars"
    to "dol" without a word) and no model validation: the service says what a code is. Forms declare it
    outside Meta.fields for that reason, and place it with field_order."""

    def __init__(self, **kwargs):
        super().__init__(label="Currency", initial="USD", required=False, help_text="An ISO 4217 code, e.g. USD, EUR, GBP.",
                         widget=forms.TextInput(attrs={"list": "currency-codes", "autocomplete": "off", "size": 6}),
                         **kwargs)


class TaxRateField(forms.DecimalField):
    """A tax rate typed as a percentage (8.25), stored in basis points (825)."""

    def __init__(self, **kwargs):
        super().__init__(label="Tax rate (%)", min_value=0, max_value=100, decimal_places=2, max_digits=5,
                         required=False, initial=0, help_text="For example 8.25 for 8.25 %.", **kwargs)

    @staticmethod
    def basis_points(percent: Decimal | None) -> int:
        return int((percent or 0) * 100)


class WorkspaceForm(forms.ModelForm):
    """A ModelForm whose foreign-key choices come from the current workspace only."""

    # The service's name for a field this form shows under another name (its errors are shown there).
    service_fields: dict[str, str] = {}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.model.objects.filter(workspace=workspace)
        for name in getattr(self.Meta, "money_fields", ()):
            self.fields[name] = forms.DecimalField(label=self.fields[name].label, min_value=0, decimal_places=3,
                                                   max_digits=16, required=False, initial=0)
            if self.instance.pk:
                self.initial[name] = to_major(getattr(self.instance, name), self.instance.currency)
        if "currency" in self.fields and self.instance.pk:
            self.initial["currency"] = self.instance.currency

    def service_data(self) -> dict:
        """The values for the service, with the fields the form could not read marked Unreadable (the
        service reports them beside its own findings, all in one round)."""
        data = Unreadable.form_data(self)
        currency = data.get("currency") if data.get("currency") in CURRENCIES else "USD"
        for name in getattr(self.Meta, "money_fields", ()):
            if not isinstance(data.get(name), Unreadable):
                data[name] = to_minor(data.get(name) or 0, currency)
        return data


class DocumentForm(WorkspaceForm):
    """Quotes and invoices: the tax rate in percent on the page, in basis points for the service."""

    service_fields = {"tax_rate_bp": "tax_rate"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tax_rate"] = Decimal(self.instance.tax_rate_bp) / 100

    def service_data(self) -> dict:
        data = super().service_data()
        rate = data.pop("tax_rate", None)
        data["tax_rate_bp"] = rate if isinstance(rate, Unreadable) else TaxRateField.basis_points(rate)
        return data


class AccountForm(WorkspaceForm):
    class Meta:
        model = m.Account
        fields = ["name", "website", "email", "phone", "address", "notes"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class ContactForm(WorkspaceForm):
    class Meta:
        model = m.Contact
        fields = ["first_name", "last_name", "account", "email", "phone", "title"]


class LeadForm(WorkspaceForm):
    currency = CurrencyField()
    field_order = ["name", "company", "email", "phone", "source", "status", "value_amount", "currency", "notes"]

    class Meta:
        model = m.Lead
        fields = ["name", "company", "email", "phone", "source", "status", "value_amount", "notes"]
        money_fields = ["value_amount"]
        labels = {"value_amount": "Estimated value"}


class QuoteForm(DocumentForm):
    currency = CurrencyField()
    tax_rate = TaxRateField()
    field_order = ["title", "account", "contact", "currency", "tax_rate", "valid_until", "notes"]

    class Meta:
        model = m.Quote
        fields = ["title", "account", "contact", "valid_until", "notes"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}


class InvoiceForm(DocumentForm):
    currency = CurrencyField()
    tax_rate = TaxRateField()
    field_order = ["account", "contact", "currency", "tax_rate", "due_date", "notes"]

    class Meta:
        model = m.Invoice
        fields = ["account", "contact", "due_date", "notes"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}


class LineForm(forms.Form):
    # Rows of a table under its column headings, so each input names itself for assistive technology.
    description = forms.CharField(max_length=300, required=False,
                                  widget=forms.TextInput(attrs={"aria-label": "Line description"}))
    quantity = forms.DecimalField(min_value=Decimal("0.01"), max_digits=10, decimal_places=2, initial=1, required=False,
                                  widget=forms.NumberInput(attrs={"aria-label": "Quantity"}))
    unit_price = forms.DecimalField(min_value=0, max_digits=16, decimal_places=3, required=False,
                                    widget=forms.NumberInput(attrs={"aria-label": "Unit price"}))

    def to_line(self, currency: str) -> dict | None:
        data = Unreadable.form_data(self)
        if not (data.get("description") or data.get("unit_price") is not None
                or any(isinstance(value, Unreadable) for value in data.values())):
            return None  # an empty row
        unit = data.get("unit_price")
        return {"description": data.get("description") or "", "quantity": data.get("quantity") or Decimal(1),
                "unit_amount": unit if isinstance(unit, Unreadable) else to_minor(unit, currency) if unit is not None else None}


# One empty row to start with; the page's "Add line" button adds more (up to max_num).
LineFormSet = forms.formset_factory(LineForm, extra=1, max_num=200)


def line_initial(document) -> list[dict]:
    return [{"description": l.description, "quantity": l.quantity, "unit_price": to_major(l.unit_amount, document.currency)}
            for l in document.lines.all()]


class AppointmentForm(WorkspaceForm):
    class Meta:
        model = m.Appointment
        fields = ["title", "contact", "start", "end", "location_type", "location", "meeting_url", "notes"]
        widgets = {"start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        help_texts = {"start": "Local time in the appointment's time zone.",
                      "meeting_url": "For Zoom, leave it empty: once Zoom is connected, the meeting and its link "
                                     "are created for you."}

    time_zone = TimeZoneField(label="Time zone", required=False)
    field_order = ["title", "contact", "start", "end", "time_zone", "location_type", "location", "meeting_url", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("time_zone", self.instance.time_zone if self.instance.pk else self.workspace.time_zone)
        if self.instance.pk:  # show the stored UTC instants as wall-clock time in their own zone
            zone = ZoneInfo(self.instance.time_zone)
            for name in ("start", "end"):
                self.initial[name] = getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)

    def service_data(self) -> dict:
        data = super().service_data()
        # Django made these aware in UTC; they are wall-clock times in the chosen zone.
        for name in ("start", "end"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None)
        return data


class ProjectForm(WorkspaceForm):
    class Meta:
        model = m.Project
        fields = ["name", "account", "status", "start_date", "due_date", "description"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}), "due_date": forms.DateInput(attrs={"type": "date"})}


class ContractForm(WorkspaceForm):
    currency = CurrencyField()
    field_order = ["title", "account", "status", "value_amount", "currency", "starts_on", "ends_on", "body"]

    class Meta:
        model = m.Contract
        fields = ["title", "account", "status", "value_amount", "starts_on", "ends_on", "body"]
        money_fields = ["value_amount"]
        labels = {"value_amount": "Value"}
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}), "ends_on": forms.DateInput(attrs={"type": "date"})}


class PaymentForm(forms.Form):
    # Shown inline in one row, so the labels are for assistive technology (a placeholder is no label).
    amount = forms.DecimalField(min_value=0, max_digits=16, decimal_places=3, required=False,
                                help_text="Leave empty to pay the balance due.",
                                widget=forms.NumberInput(attrs={"placeholder": "Amount (balance due)", "step": "0.01",
                                                                "aria-label": "Amount (leave empty for the balance due)"}))
    method = forms.ChoiceField(choices=m.PaymentMethod.choices, initial=m.PaymentMethod.MANUAL,
                               widget=forms.Select(attrs={"aria-label": "Payment method"}))
    reference = forms.CharField(max_length=200, required=False,
                                widget=forms.TextInput(attrs={"placeholder": "Reference (optional)",
                                                              "aria-label": "Reference (optional)"}))


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "aria-label": "Milestone due date"}))


class MessageForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
