"""Email addresses, web links and phone numbers as hubwire accepts them. One check each, read by the
CRM services (every write path) and by the API's schema types, so the API refuses, in the same words,
exactly what the services refuse (and its OpenAPI document can say `format: email` / `format: uri`)."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

WEB_SCHEMES = ("http", "https")


def email_problem(value: str) -> str:
    """Why `value` is not an email address, or "" when it is. The value is judged as given:
    " dana@example.com" (with a space) is not an address."""
    try:
        validate_email(value)
    except ValidationError:
        return f"“{value}” is not a valid email address."
    return ""


def web_url_problem(value: str) -> str:
    """Why `value` is not an http(s) URL, or "" when it is."""
    try:
        URLValidator(schemes=list(WEB_SCHEMES))(value)
    except ValidationError:
        return f"“{value}” is not a valid http(s) URL."
    return ""


def phone_in_e164(value: str) -> str | None:
    """The number in E.164 (+12125551234), or None when `value` is not a valid phone number. A number
    without a country code is read in the region HUBWIRE_DEFAULT_PHONE_REGION names."""
    try:
        number = phonenumbers.parse(value, settings.HUBWIRE_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_problem(value: str) -> str:
    if phone_in_e164(value) is None:
        return f"“{value}” is not a valid phone number. Use international format, e.g. +12125551234."
    return ""
