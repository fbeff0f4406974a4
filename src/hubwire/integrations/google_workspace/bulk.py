"""Creating several users at once, with a dry run first (issue 21, item 6): the admin pastes lines
"First Last email"; the preview says for each what will be created and what is refused and why,
sending nothing; confirming creates each planned user (create.py, a generated temporary password
each, shown once) and shows one result per line. One refused or failed line never stops the others."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from django.http import QueryDict

from hubwire.core.errors import FieldError
from hubwire.integrations.google_workspace.config import config_of
from hubwire.integrations.google_workspace.create import Created, new_user_clean, user_create
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.integrations.http import ProviderError
from hubwire.integrations.tokens import NeedsReconnect

MAX_LINES = 100


@dataclass
class Planned:
    line: str
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    refused: str = ""  # why it will not be created, in words ('' = it will)
    result: str = ""
    password: str = field(default="", repr=False)


def plan(text: str, connection) -> list[Planned]:
    """The dry run: one Planned per non-empty line; nothing is sent. FieldError when there is nothing to do."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise FieldError(lines="Users: one per line, as “First Last email”.")
    if len(lines) > MAX_LINES:
        raise FieldError(lines=f"Users: at most {MAX_LINES} lines at a time.")
    planned, seen = [], set()
    known = set(DirectoryUser.objects.filter(connection=connection, primary_email__in=[
        line.split()[-1].lower() for line in lines]).values_list("primary_email", flat=True))
    for line in lines:
        parts = line.split()
        item = Planned(line=line)
        planned.append(item)
        if len(parts) < 3 or "@" not in parts[-1]:
            item.refused = "Write it as “First Last email”."
            continue
        item.email = parts[-1].lower()
        item.given_name, item.family_name = parts[0], " ".join(parts[1:-1])
        local_part, _, domain = item.email.partition("@")
        try:
            new_user_clean(_form(item, local_part, domain), connection)
        except FieldError as exc:
            item.refused = " ".join(exc.errors.values())
            continue
        if item.email in known:
            item.refused = f"{item.email} is already a user of the domain."
        elif item.email in seen:
            item.refused = "Listed twice; only the first is created."
        seen.add(item.email)
    return planned


def _form(item: Planned, local_part: str, domain: str) -> QueryDict:
    form = QueryDict(mutable=True)
    form.update({"given_name": item.given_name, "family_name": item.family_name, "local_part": local_part,
                 "domain": domain, "change_at_next_login": "1"})
    return form


def apply(text: str, *, workspace, actor, connection) -> list[Planned]:
    """Plan again (the domain may have changed since the preview), then create what is planned."""
    planned = plan(text, connection)
    for item in planned:
        if item.refused:
            item.result = f"Not created: {item.refused}"
            continue
        local_part, _, domain = item.email.partition("@")
        try:
            created: Created = user_create(workspace=workspace, actor=actor, connection=connection,
                                           new=new_user_clean(_form(item, local_part, domain), connection))
        except FieldError as exc:
            item.result = "Not created: " + " ".join(exc.errors.values())
        except (ProviderError, NeedsReconnect, httpx.HTTPError) as exc:
            item.result = f"Not created: {exc}"
        else:
            item.password = created.password
            item.result = "Created." if not created.adopted else " ".join(created.notes) or "Created."
    return planned


def verified_domains(connection) -> list[str]:
    return config_of(connection).verified_domains
