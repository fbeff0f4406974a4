"""The per-workspace audit log: one call, used wherever a connection or secret changes."""

from hubwire.core.models import AUDIT_ACTION_WORDS, AuditEntry, Workspace
from hubwire.core.redaction import scrub


def audit_record(*, workspace: Workspace, action: str, subject: str, actor=None, detail: str = "") -> AuditEntry:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(workspace=workspace, actor=actor, action=action, subject=subject,
                                     detail=scrub(detail)[:2000])


def audit_words(words: dict[str, str]) -> None:
    """How the audit log names a provider's own actions ({"quickbooks_enabled": "QuickBooks turned
    on"}): declared in the provider's folder, so that the core's list names none of them."""
    clash = {code for code in words if AUDIT_ACTION_WORDS.get(code, words[code]) != words[code]}
    if clash:
        raise ValueError(f"audit actions already worded otherwise: {', '.join(sorted(clash))}")
    AUDIT_ACTION_WORDS.update(words)
