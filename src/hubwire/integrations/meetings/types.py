"""What a meeting-hosting provider hands back, whatever its API looks like."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    join_url: str
    start_url: str = ""
    passcode: str = ""
    # The provider's current view of the fields hubwire manages (same keys as meeting_fields()).
    fields: dict = field(default_factory=dict)


class MeetingGone(Exception):
    """The meeting no longer exists at the provider (deleted there, or by another account)."""
