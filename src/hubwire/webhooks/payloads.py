"""The bytes each preset sends for an event. Generic JSON and Make get Standard Webhooks' envelope
{"type", "timestamp", "data"}; Zapier gets the object flat with event_* fields (what a Zap's field
picker shows best); Slack gets a readable message: `text` (the fallback) plus `blocks`."""

import json

from hubwire.webhooks.models import Preset

_SKIPPED = {"id", "created_at", "updated_at", "lines", "meeting"}


def _compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def headline(event) -> str:
    noun, _, verb = event.type.partition(".")
    data = event.data
    label = next((str(data[k]) for k in ("number", "title", "name") if data.get(k)), f"#{data.get('id', '')}")
    return f"{noun.replace('_', ' ').capitalize()} {verb.replace('_', ' ')}: {label}"


def _slack(event) -> dict:
    facts = [f"*{key.replace('_', ' ').capitalize()}*: {value}" for key, value in event.data.items()
             if key not in _SKIPPED and isinstance(value, (str, int, float)) and not isinstance(value, bool)
             and value not in ("", None)][:8]
    title = headline(event)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}}]
    if facts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(facts)}})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": f"`{event.type}` · {event.occurred_at:%Y-%m-%d %H:%M} UTC · hubwire"}]})
    return {"text": title, "blocks": blocks}


def body_for(preset: str, event) -> bytes:
    if preset == Preset.SLACK:
        return _compact(_slack(event))
    if preset == Preset.ZAPIER:
        return _compact({**event.data, "event_type": event.type, "event_id": str(event.id),
                         "event_timestamp": event.occurred_at.isoformat()})
    return _compact(event.envelope())
