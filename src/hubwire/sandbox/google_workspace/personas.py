"""The Workspace accounts a person picks on the sandbox Google consent page, and what userinfo says
of an account of the Workspace: `hd`, its domain (only for an account in a Workspace, as Google
answers it), and its directory id as `sub` (Google's user id and OpenID subject are one number)."""

from hubwire.sandbox.google_workspace.models import DirectoryUser
from hubwire.sandbox.google_workspace.seed import HELPDESK, OWNER, STAFF, ensure_seeded
from hubwire.sandbox.oauth import Persona, add_personas
from hubwire.sandbox.servers import GOOGLE
from hubwire.sandbox.userinfo import userinfo_claims

add_personas(GOOGLE.key,
             Persona(OWNER, "Workspace super admin: manages users, groups and domains"),
             Persona(HELPDESK, "Workspace delegated admin with the groups privilege only: users are forbidden"),
             Persona(STAFF, "Workspace user without an admin role: the Directory is forbidden"),
             Persona(f"sandbox.user@{GOOGLE.persona_domain}", "a Google account in no Workspace"))


@userinfo_claims
def workspace_claims(email: str) -> dict:
    ensure_seeded()
    user = DirectoryUser.objects.filter(primary_email=email.lower()).only("user_id", "domain").first()
    return {"sub": user.user_id, "hd": user.domain} if user else {}
