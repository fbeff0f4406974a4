"""Page forms. They only coerce types; the services validate and write (one set of rules for pages and API)."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms

from hubwire.core.money import to_major, to_minor
from hubwire.crm import models as m


class WorkspaceForm(forms.ModelForm):
    """A ModelForm whose foreign-key choices come from the current workspace only."""

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

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in getattr(self.Meta, "money_fields", ()):
            data[name] = to_minor(data.get(name) or 0, data.get("currency") or "USD")
        return data


class AccountForm(WorkspaceForm):
    class Meta:
        model = m.Account
        fields = ["name", "website", "email", "phone", "notes"]


class ContactForm(WorkspaceForm):
    class Meta:
        model = m.Contact
        fields = ["first_name", "last_name", "account", "email", "phone", "title"]


class LeadForm(WorkspaceForm):
    class Meta:
        model = m.Lead
        fields = ["name", "company", "email", "phone", "source", "status", "value_amount", "currency", "notes"]
        money_fields = ["value_amount"]
        labels = {"value_amount": "Estimated value"}


class QuoteForm(WorkspaceForm):
    class Meta:
        model = m.Quote
        fields = ["title", "account", "contact", "currency", "tax_rate_bp", "valid_until", "notes"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}
        labels = {"tax_rate_bp": "Tax rate (basis points, 825 = 8.25%)"}


class InvoiceForm(WorkspaceForm):
    class Meta:
        model = m.Invoice
        fields = ["account", "contact", "currency", "tax_rate_bp", "due_date", "notes"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
        labels = {"tax_rate_bp": "Tax rate (basis points, 825 = 8.25%)"}


class LineForm(forms.Form):
    description = forms.CharField(max_length=300, required=False)
    quantity = forms.DecimalField(min_value=Decimal("0.01"), max_digits=10, decimal_places=2, initial=1, required=False)
    unit_price = forms.DecimalField(min_value=0, max_digits=16, decimal_places=3, required=False)

    def to_line(self, currency: str) -> dict | None:
        data = self.cleaned_data
        if not data or not (data.get("description") or data.get("unit_price") is not None):
            return None  # an empty row
        unit = data.get("unit_price")
        return {"description": data.get("description") or "", "quantity": data.get("quantity") or Decimal(1),
                "unit_amount": to_minor(unit, currency) if unit is not None else None}


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=200)


def line_initial(document) -> list[dict]:
    return [{"description": l.description, "quantity": l.quantity, "unit_price": to_major(l.unit_amount, document.currency)}
            for l in document.lines.all()]


class AppointmentForm(WorkspaceForm):
    class Meta:
        model = m.Appointment
        fields = ["title", "contact", "start", "end", "time_zone", "location_type", "location", "meeting_url", "notes"]
        widgets = {"start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        help_texts = {"start": "Local time in the appointment's time zone.",
                      "meeting_url": "For Zoom, leave it empty: once Zoom is connected, the meeting and its link "
                                     "are created for you."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
    class Meta:
        model = m.Contract
        fields = ["title", "account", "status", "value_amount", "currency", "starts_on", "ends_on", "body"]
        money_fields = ["value_amount"]
        labels = {"value_amount": "Value"}
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}), "ends_on": forms.DateInput(attrs={"type": "date"})}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=0, max_digits=16, decimal_places=3, required=False,
                                help_text="Leave empty to pay the balance due.",
                                widget=forms.NumberInput(attrs={"placeholder": "Amount (balance due)", "step": "0.01"}))
    method = forms.ChoiceField(choices=m.PaymentMethod.choices, initial=m.PaymentMethod.MANUAL)
    reference = forms.CharField(max_length=200, required=False,
                                widget=forms.TextInput(attrs={"placeholder": "Reference (optional)"}))


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class MessageForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
