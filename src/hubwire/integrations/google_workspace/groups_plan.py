"""Adding several members at once, before anything is sent: reading what the admin typed into a
plan with one line per address, and saying what will happen to each (the dry run, issue 21 item 6).

What was typed: addresses separated by new lines, commas, semicolons or spaces; a role word on a
line (owner, manager, member) applies to that line's addresses, else the form's role does:

    ann@northwind.example
    bob@northwind.example, carl@northwind.example  manager

The prediction uses only what hubwire knows (the group's members as last read, the users and
groups mirrored from the domain); the apply step (groups_members.members_add) sends every address
that could be one, and Google's own answer is the result shown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hubwire.integrations.google_workspace.group_models import (MemberRole, WorkspaceGroup,
                                                                WorkspaceGroupMember)
from hubwire.integrations.google_workspace.models import DirectoryUser

# One add is a page's work: each address is a Directory call (2,400 a minute is the account's quota).
MAX_ADDRESSES = 100
SEPARATORS = re.compile(r"[\s,;]+")
ROLE_WORDS = {role.value.lower(): role.value for role in MemberRole}


class Will:
    """What the dry run says will happen to an address."""

    ADD = "add"                # sent: a user or group of the domain, or an outside address
    NO_SUCH_USER = "no_user"   # sent anyway (the mirror may be behind), but hubwire knows no such user
    ALREADY = "already"        # not sent: the group's members (as last read) include it
    INVALID = "invalid"        # not sent: not an email address
    REPEATED = "repeated"      # not sent: the same address earlier in the list

    SENT = {ADD, NO_SUCH_USER}


@dataclass
class PlannedMember:
    email: str
    role: str
    will: str
    words: str

    @property
    def sent(self) -> bool:
        return self.will in Will.SENT

    @property
    def role_label(self) -> str:
        return MemberRole(self.role).label if self.role in MemberRole.values else self.role


def parse(text: str, default_role: str) -> list[tuple[str, str]]:
    """(address as typed, role) pairs in the order typed."""
    pairs = []
    for line in text.splitlines():
        tokens = [t for t in SEPARATORS.split(line.strip()) if t]
        roles = [ROLE_WORDS[t.lower()] for t in tokens if t.lower() in ROLE_WORDS]
        role = roles[-1] if roles else default_role
        pairs += [(t, role) for t in tokens if t.lower() not in ROLE_WORDS]
    return pairs


def _is_address(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def plan(group: WorkspaceGroup, text: str, default_role: str, *, domains: list[str]) -> list[PlannedMember]:
    """The dry run: each typed address with what will happen to it. Reads hubwire's mirror only
    (three queries, whatever the number of addresses); sends nothing. `domains`: the account's
    domains, whose addresses must be users or groups of the domain to be added."""
    pairs = parse(text, default_role)
    wanted = {typed.lower() for typed, _ in pairs}
    members = dict(WorkspaceGroupMember.objects.filter(group=group, email__in=wanted).values_list("email", "role"))
    users = set(DirectoryUser.objects.filter(connection_id=group.connection_id, primary_email__in=wanted)
                .values_list("primary_email", flat=True))
    groups = set(WorkspaceGroup.objects.filter(connection_id=group.connection_id, email__in=wanted)
                 .values_list("email", flat=True))
    planned, seen = [], set()
    for typed, role in pairs:
        email = typed.lower()
        label = MemberRole(role).label.lower()
        if not _is_address(email):
            planned.append(PlannedMember(typed, role, Will.INVALID, "Not an email address: not sent to Google."))
        elif email in seen:
            planned.append(PlannedMember(email, role, Will.REPEATED, "Listed twice: sent once."))
        elif email in members:
            planned.append(PlannedMember(email, role, Will.ALREADY,
                                         f"Already a member (as {MemberRole(members[email]).label.lower()}): "
                                         f"left as is. Change a role in the list of members."))
        elif email == group.email:
            planned.append(PlannedMember(email, role, Will.INVALID, "This is the group itself: not sent to Google."))
        elif email in groups:
            planned.append(PlannedMember(email, role, Will.ADD, f"Will be added as {label} (a group of your domain)."))
        elif email in users:
            planned.append(PlannedMember(email, role, Will.ADD, f"Will be added as {label}."))
        elif email.rsplit("@", 1)[1] in domains:
            planned.append(PlannedMember(email, role, Will.NO_SUCH_USER,
                                         f"Not a user of your domain as far as hubwire knows (its list of users "
                                         f"may be behind): Google will be asked, and will refuse it if there is "
                                         f"no such user."))
        else:
            planned.append(PlannedMember(email, role, Will.ADD,
                                         f"Will be added as {label} (an address outside your domain, if the "
                                         f"group allows outside members)."))
        seen.add(email)
    return planned


def plan_errors(text: str, default_role: str) -> dict[str, str]:
    """What makes the form itself unusable (no address, too many, an unknown role), by field."""
    errors = {}
    if default_role not in MemberRole.values:
        errors["role"] = f"Choose one of {', '.join(r.label.lower() for r in MemberRole)}."
    pairs = parse(text, default_role if default_role in MemberRole.values else MemberRole.MEMBER)
    if not pairs:
        errors["addresses"] = "Type at least one address, one a line."
    elif len(pairs) > MAX_ADDRESSES:
        errors["addresses"] = f"At most {MAX_ADDRESSES} addresses at once ({len(pairs)} given)."
    return errors
