"""Temporary passwords for new users and resets: generated strong, or typed by the admin and checked.

Google takes 8 to 100 ASCII characters (User.password, admin.directory_v1.json); hubwire asks more
of a typed one (at least 12, not all of one kind of character) since it guards a mailbox. A
temporary password is shown once on the page that set it and never stored, logged or audited."""

from __future__ import annotations

import secrets
import string

GOOGLE_MIN, GOOGLE_MAX = 8, 100
TYPED_MIN = 12
GENERATED_LENGTH = 16
# No look-alikes (0/O, 1/l/I) in a password someone may read out or type from the screen.
ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI") + "!#$%*+-=?@_"


def password_generate() -> str:
    """16 characters with at least one lower, upper, digit and symbol (about 95 bits)."""
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))
        if (any(c.islower() for c in password) and any(c.isupper() for c in password)
                and any(c.isdigit() for c in password) and any(not c.isalnum() for c in password)):
            return password


def password_problem(password: str) -> str:
    """Why a typed password will not do, in words ('' when it will)."""
    if not (password.isascii() and password.isprintable()):
        return "Use only plain ASCII letters, digits and symbols (Google accepts no other characters)."
    if len(password) > GOOGLE_MAX:
        return f"At most {GOOGLE_MAX} characters (Google's limit)."
    if len(password) < TYPED_MIN:
        return f"At least {TYPED_MIN} characters, or leave it empty for a generated one."
    kinds = sum(1 for test in (str.islower, str.isupper, str.isdigit) if any(test(c) for c in password))
    kinds += any(not c.isalnum() for c in password)
    if kinds < 2 or len(set(password)) < 5:
        return "Too easy to guess: mix letters with digits or symbols."
    return ""
