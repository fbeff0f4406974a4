"""The per-workspace audit log: one call, used wherever a connection or secret changes."""

from hubwire.core.models import AuditEntry, Workspace
from hubwire.core.redaction import scrub


def audit_record(*, workspace: Workspace, action: str, subject: str, actor=None, detail: str = "") -> AuditEntry:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(workspace=workspace, actor=actor, action=action, subject=subject,
                                     detail=scrub(detail)[:2000])
