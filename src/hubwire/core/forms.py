from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from hubwire.core import signin
from hubwire.core.models import Role, SignInOutcome
from hubwire.core.throttle import wait_message


class EmailLoginForm(AuthenticationForm):
    """Django's sign-in form, throttled before the password is checked and every attempt recorded."""

    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    wait = 0  # seconds, when throttled
    device = ""

    def clean(self):
        email = signin.normalize_email(self.cleaned_data.get("username"))
        if not email or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: no attempt to count
        self.device = signin.DEVICES.device(self.request, email)
        self.wait = signin.wait_before(self.request, email, self.device)
        if self.wait:
            signin.record(self.request, email, self.device, SignInOutcome.THROTTLED)
            raise ValidationError(wait_message(self.wait, "reset your password by email"), code="throttled")
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                signin.record(self.request, email, self.device, SignInOutcome.BAD_CREDENTIALS)
            raise


class TimeZoneField(forms.CharField):
    """An IANA time zone, typed or picked from a searchable list (a <datalist id="time-zones">)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Type to search, e.g. “New York” or “Europe/Paris”.")
        super().__init__(widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}), **kwargs)


class WorkspaceTimeZoneForm(forms.Form):
    time_zone = TimeZoneField(label="Time zone", max_length=64)


class InviteForm(forms.Form):
    email = forms.EmailField(help_text="They get a link to join; it works once, and they choose their own password.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class JoinForm(forms.Form):
    """A new login from an invitation: the person's name and the password they choose."""

    full_name = forms.CharField(max_length=200, label="Your name")
    password = forms.CharField(label="Choose a password", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label="The same password again", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password_again") and cleaned["password"] != cleaned["password_again"]:
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses this key, e.g. “Zapier”.")
