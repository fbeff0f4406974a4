"""Portal page forms. They coerce types; services.py validates strength and state."""

from django import forms


class SignInForm(forms.Form):
    email = forms.CharField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ResetForm(forms.Form):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))


class NewPasswordForm(forms.Form):
    password = forms.CharField(label="New password", max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    confirm = forms.CharField(label="New password again", max_length=4096, strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class ChangePasswordForm(NewPasswordForm):
    current = forms.CharField(label="Current password", max_length=4096, strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["current", "password", "confirm"]


# --- the team's side ---

class SetPasswordForm(forms.Form):
    password = forms.CharField(max_length=4096, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    must_change = forms.BooleanField(required=False, initial=True, label="Must change at first sign-in")
