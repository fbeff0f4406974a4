"""Create User (issue 21, item 3), and several at once with a dry run first (item 6).

The form is checked before anything is sent: the names (1–60 characters each, Google's limit), the
address's local part, a domain that is one of the account's VERIFIED domains (an unverified one is
refused in words, since Google would refuse it with a bare 403), the password (passwords.py).

The create runs in the request, with the framework's client: the temporary password goes straight
from the form to Google and back to the page that shows it once; it is in no job, row or log.

What Google's answer may be, and what hubwire then does:
- the user: kept in the mirror; Google may still answer 404 for it for a few seconds (eventual
  consistency), so joining groups retries a 404 with backoff, a bounded number of times;
- 409 (the address exists), or no answer at all (a timeout: the create may have landed): hubwire
  reads the user (users.get, retrying a 404 for a user that may not be visible yet) and adopts it
  only when it has the name asked for; otherwise it says the address is taken. After a 409 the
  user existed before this request, so its password is not ours and is not shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.integrations.google_workspace.api import (DirectoryApi, Duplicate, NoAnswer, NotFound, directory_api,
                                                       while_not_visible)
from hubwire.integrations.google_workspace.config import KEY, config_of
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.integrations.google_workspace.passwords import password_generate, password_problem
from hubwire.integrations.google_workspace.users import mirror_put
from hubwire.integrations.http import ProviderError

audit_words({"google_workspace_user_created": "Google Workspace user created",
             "google_workspace_user_adopted": "Google Workspace user linked after a lost answer"})

NAME_MAX = 60  # UserName.givenName / familyName: at most 60 characters (admin.directory_v1.json)
# The local part of an address Google accepts: letters, digits, dashes, underscores, apostrophes and
# periods, not starting or ending with a period (support.google.com/a/answer/9193374).
LOCAL_PART = re.compile(r"[a-z0-9_'\-](?:[a-z0-9_'.\-]{0,62}[a-z0-9_'\-])?")
FIELD_LABELS = {"given_name": "First name", "family_name": "Last name", "local_part": "Address",
                "domain": "Domain", "password": "Temporary password"}


@dataclass
class NewUser:
    given_name: str
    family_name: str
    local_part: str
    domain: str
    password: str = field(repr=False)
    generated: bool
    change_at_next_login: bool = True
    groups: list[str] = field(default_factory=list)
    invite: bool = False

    @property
    def email(self) -> str:
        return f"{self.local_part}@{self.domain}"

    def body(self) -> dict:
        return {"primaryEmail": self.email, "name": {"givenName": self.given_name, "familyName": self.family_name},
                "password": self.password, "changePasswordAtNextLogin": self.change_at_next_login}


@dataclass
class Created:
    row: DirectoryUser
    password: str = field(repr=False)  # '' when the user existed already (its password is not ours)
    notes: list[str] = field(default_factory=list)
    adopted: bool = False


def name_problem(value: str, label: str) -> str:
    if not value:
        return f"{label}: required."
    if len(value) > NAME_MAX:
        return f"{label}: at most {NAME_MAX} characters (Google's limit)."
    if any(c in value for c in "<>=") or not value.isprintable():
        return f"{label}: letters, spaces, dashes and apostrophes only."
    return ""


def address_problems(local_part: str, domain: str, config) -> dict[str, str]:
    errors = {}
    if not LOCAL_PART.fullmatch(local_part) or ".." in local_part:
        errors["local_part"] = ("Address: letters, digits, dashes, underscores, apostrophes and periods (not first "
                                "or last), up to 64 characters.")
    if domain in config.unverified_domains:
        errors["domain"] = f"{domain} is not verified: users cannot be created on it. Verify it in the Google Admin console."
    elif domain not in config.verified_domains:
        errors["domain"] = "Domain: choose one of your verified domains."
    return errors


def new_user_clean(data, connection, *, group_choices: dict[str, str] | None = None) -> NewUser:
    """The posted form as a NewUser, or a FieldError naming every wrong field; nothing is sent."""
    config = config_of(connection)
    given, family = str(data.get("given_name") or "").strip(), str(data.get("family_name") or "").strip()
    local_part, domain = str(data.get("local_part") or "").strip().lower(), str(data.get("domain") or "").strip().lower()
    typed = str(data.get("password") or "")
    errors = {name: words for name, words in (("given_name", name_problem(given, "First name")),
                                              ("family_name", name_problem(family, "Last name"))) if words}
    errors.update(address_problems(local_part, domain, config))
    if typed and (problem := password_problem(typed)):
        errors["password"] = f"Temporary password: {problem}"
    groups = [g for g in (data.getlist("groups") if hasattr(data, "getlist") else data.get("groups") or [])]
    unknown = [g for g in groups if g not in (group_choices or {})]
    if unknown:
        errors["groups"] = "Groups: choose among the domain's groups."
    if errors:
        raise FieldError(errors)
    return NewUser(given_name=given, family_name=family, local_part=local_part, domain=domain,
                   password=typed or password_generate(), generated=not typed,
                   change_at_next_login=str(data.get("change_at_next_login") or "") == "1",
                   groups=groups, invite=str(data.get("invite") or "") == "1")


def same_person(user: dict, new: NewUser) -> bool:
    name = user.get("name") or {}
    return (str(name.get("givenName") or "").strip().lower() == new.given_name.lower()
            and str(name.get("familyName") or "").strip().lower() == new.family_name.lower())


def read_when_visible(directory: DirectoryApi, user_key: str) -> dict | None:
    """users.get of a user that may have just been created, waiting while Google still answers 404
    (api.while_not_visible); None when it is still not visible after that."""
    try:
        return while_not_visible(lambda: directory.request("GET", f"/users/{quote(user_key, safe='@')}",
                                                           params={"viewType": "admin_view"}))
    except NotFound:
        return None


def user_create(*, workspace, actor, connection, new: NewUser) -> Created:
    """Create the user in Google (see the module's docstring); FieldError when the address is taken,
    ProviderError when Google refuses."""
    with directory_api(connection) as directory:
        adopted, ours = False, True
        try:
            user = directory.request("POST", "/users", json=new.body())
        except Duplicate:
            user, ours = _existing_or_taken(directory, new), False
            adopted = True
        except ProviderError as exc:
            if not (isinstance(exc, NoAnswer) or (exc.status or 0) >= 500):
                raise  # a refusal (400, 403): nothing was created
            # No answer, or Google failed answering: the create may have landed all the same.
            user = read_when_visible(directory, new.email)
            if user is None:
                raise ProviderError(f"Google Workspace did not answer, and {new.email} cannot be found yet: it "
                                    "was probably not created. Try again.", retryable=True) from None
            if not same_person(user, new):
                raise _taken(new, user) from None
            adopted = True
        row = mirror_put(connection, user)
        notes = _join_groups(directory, connection, row, new) if new.groups else []
    if adopted and not ours:
        notes.insert(0, f"{new.email} already existed in Google with this name: hubwire now shows it. Its password "
                        "was not changed (use Reset password to give a new one).")
    audit_record(workspace=workspace, actor=actor, subject=KEY,
                 action="google_workspace_user_adopted" if adopted else "google_workspace_user_created",
                 detail=f"{new.email} ({new.given_name} {new.family_name})"
                        + ("; must change password at first sign-in" if new.change_at_next_login else ""))
    return Created(row=row, password=new.password if ours else "", notes=notes, adopted=adopted)


def _existing_or_taken(directory: DirectoryApi, new: NewUser) -> dict:
    user = read_when_visible(directory, new.email)
    if user is None or not same_person(user, new):
        raise _taken(new, user)
    return user


def _taken(new: NewUser, user: dict | None) -> FieldError:
    return FieldError(local_part=f"Address: {new.email} is taken by another user or group in Google. Choose another.")


def _join_groups(directory: DirectoryApi, connection, row: DirectoryUser, new: NewUser) -> list[str]:
    """Add the new user to each chosen group; a 404 (the user not visible yet) is retried with backoff.
    One group failing never stops the others: each says how it went."""
    notes = []
    for group in new.groups:
        try:
            while_not_visible(lambda g=group: directory.request("POST", f"/groups/{quote(g, safe='@')}/members",
                                                                json={"email": row.primary_email, "role": "MEMBER"}))
            notes.append(f"Added to {group}.")
        except Duplicate:
            notes.append(f"Already in {group}.")
        except NotFound:
            notes.append(f"Not added to {group}: Google does not show the new user yet. Add them from the "
                         "group's page in a minute.")
        except ProviderError as exc:
            notes.append(f"Not added to {group}: {exc}")
    return notes
