"""A User body as users.insert, patch and update take it (providers.md §5 "users.insert"): which
fields are required, what Google refuses (400 invalid / required, 403 on a domain the customer has
not verified, 409 on an address already taken), and how the password is kept: only as a hash."""

import hashlib
import re
import secrets

from hubwire.sandbox.google_workspace.errors import DirectoryError, forbidden, invalid, required
from hubwire.sandbox.google_workspace.models import Customer, DirectoryUser, Domain, Group

NAME_MOST = 60                     # givenName, familyName: "maximum length is 60 characters"
PASSWORD_LENGTHS = range(8, 101)   # 8 to 100 ASCII characters (providers.md §5)
HASH_FUNCTIONS = {"MD5": 32, "SHA-1": 40, "crypt": None}  # hex digits of each, where fixed
EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
PBKDF2_ROUNDS = 20_000  # enough that the sandbox keeps no password in the clear; a sandbox needs no more

# Fields Google keeps as given (the discovery document's "any" fields and a few plain ones).
KEPT_AS_GIVEN = {"addresses", "externalIds", "gender", "ims", "keywords", "languages", "locations", "notes",
                 "organizations", "phones", "posixAccounts", "relations", "sshPublicKeys", "websites",
                 "customSchemas", "recoveryEmail", "recoveryPhone", "includeInGlobalAddressList"}
# Fields Google sets itself: sent back in a body, they are ignored.
READ_ONLY = {"kind", "id", "etag", "isAdmin", "isDelegatedAdmin", "lastLoginTime", "creationTime", "customerId",
             "agreedToTerms", "isMailboxSetup", "isEnrolledIn2Sv", "isEnforcedIn2Sv", "ipWhitelisted", "aliases",
             "nonEditableAliases", "deletionTime", "thumbnailPhotoUrl", "thumbnailPhotoEtag", "archivalTime",
             "suspensionTime", "suspensionReason", "isGuestUser", "guestAccountInfo", "emails"}
WRITABLE = {"primaryEmail", "name", "password", "hashFunction", "changePasswordAtNextLogin", "suspended", "archived",
            "orgUnitPath"}


def hash_password(password: str, hash_function: str) -> str:
    if hash_function:
        return f"{hash_function}${password.lower()}"  # already a hash, as the client sent it
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), PBKDF2_ROUNDS).hex()
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt}${digest}"


def _password(body: dict) -> str:
    password, hash_function = body.get("password"), body.get("hashFunction", "")
    if hash_function not in ("", *HASH_FUNCTIONS):
        raise invalid(f"Invalid Input: hashFunction must be one of {', '.join(HASH_FUNCTIONS)}")
    if not isinstance(password, str) or not password:
        raise required("password")
    digits = HASH_FUNCTIONS.get(hash_function)
    if hash_function and digits and not re.fullmatch(rf"[0-9a-fA-F]{{{digits}}}", password):
        raise invalid(f"Invalid Password: a {hash_function} hash is {digits} hexadecimal digits")
    if not hash_function and (not password.isascii() or len(password) not in PASSWORD_LENGTHS):
        raise invalid("Invalid Password: 8 to 100 ASCII characters")
    return hash_password(password, hash_function)


def _name(body: dict, user: DirectoryUser | None) -> tuple[str, str]:
    name = body.get("name", {})
    if not isinstance(name, dict):
        raise invalid("Invalid Input: name must be an object")
    out = []
    for part, label in (("givenName", "GivenName"), ("familyName", "FamilyName")):
        value = name.get(part, getattr(user, "given_name" if part == "givenName" else "family_name", None))
        if value is None or (isinstance(value, str) and not value.strip()):
            raise required(f"name.{part}")
        if not isinstance(value, str) or len(value) > NAME_MOST:
            raise invalid(f"Invalid Given/Family Name: {label}")
        out.append(value.strip())
    return out[0], out[1]


def checked_email(customer: Customer, value, *, ignoring: DirectoryUser | None = None) -> str:
    """A primaryEmail the customer may give a user: well formed, on a verified domain, not taken."""
    if not isinstance(value, str) or not value:
        raise required("primaryEmail")
    email = value.strip().lower()
    if not EMAIL.match(email):
        raise invalid("Invalid Input: primary_user_email")
    domain = Domain.objects.filter(customer=customer, name=email.partition("@")[2]).first()
    if domain is None or not domain.verified:
        raise forbidden()
    if address_taken(email, ignoring):
        raise DirectoryError(409, "Entity already exists.", "duplicate")
    return email


def address_taken(email: str, ignoring: DirectoryUser | None = None) -> bool:
    """Whether another user (by address or alias) or a group has the address."""
    others = DirectoryUser.objects.exclude(pk=getattr(ignoring, "pk", None))
    return others.filter(primary_email=email).exists() or Group.objects.filter(email=email).exists() or \
        others.filter(aliases__icontains=f'"{email}"').exists()


def _flag(body: dict, field: str) -> bool:
    if not isinstance(body[field], bool):
        raise invalid(f"Invalid value for: {field} (true or false)")
    return body[field]


def apply(customer: Customer, body: dict, user: DirectoryUser | None) -> DirectoryUser:
    """The user `body` makes (user None: an insert) or changes (patch semantics, as Google's update
    has too), checked whole before anything is set; the caller saves it."""
    unknown = sorted(set(body) - KEPT_AS_GIVEN - READ_ONLY - WRITABLE)
    if unknown:
        raise invalid(f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.')
    creating = user is None
    if creating or "name" in body:
        given, family = _name(body, user)
    if creating or "primaryEmail" in body:
        same = not creating and str(body["primaryEmail"]).strip().lower() == user.primary_email
        email = user.primary_email if same else checked_email(customer, body.get("primaryEmail"), ignoring=user)
    if creating or "password" in body:
        password_hash = _password(body)
    flags = {f: _flag(body, f) for f in ("changePasswordAtNextLogin", "suspended", "archived") if f in body}
    org_unit = body.get("orgUnitPath", getattr(user, "org_unit_path", "/"))
    if not isinstance(org_unit, str) or not org_unit.startswith("/"):
        raise invalid("Invalid Input: orgUnitPath must start with /")

    if creating:
        user = DirectoryUser(customer=customer, aliases=[], extra={})
    if creating or "name" in body:
        user.given_name, user.family_name = given, family
        user.given_key, user.family_key = given.lower(), family.lower()
    if creating or "primaryEmail" in body:
        if not creating and email != user.primary_email:
            user.aliases = [*user.aliases, user.primary_email]  # Google keeps the old address as an alias
        user.primary_email, user.domain = email, email.partition("@")[2]
    if creating or "password" in body:
        user.password_hash = password_hash
    if "changePasswordAtNextLogin" in flags:
        user.change_password_at_next_login = flags["changePasswordAtNextLogin"]
    if "suspended" in flags:
        user.suspended = flags["suspended"]
        user.suspension_reason = "ADMIN" if user.suspended else ""
    if "archived" in flags:
        user.archived = flags["archived"]
    user.org_unit_path = org_unit
    user.extra = {**user.extra, **{k: v for k, v in body.items() if k in KEPT_AS_GIVEN}}
    return user
