"""The bytes each preset sends for an event. Generic JSON and Make get Standard Webhooks' envelope
{"type", "timestamp", "data"}; Zapier gets the object flat with event_* fields (what a Zap's field
picker shows best); Slack gets a readable message: `text` (the fallback) plus `blocks`.

Only Slack renders what we send: it reads `<…>` in `text` and mrkdwn as mentions and links
(`<!channel>`, `<http://…|label>`), so every value from the CRM is escaped before it goes in. The
other presets hand JSON data to a program that does not interpret markup, so they get the values
raw: escaping there would put `&lt;` into a Zap's fields and someone else's database."""

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


def slack_escaped(value) -> str:
    """Plain text as Slack shows it literally: the three characters it asks to escape
    (api.slack.com/reference/surfaces/formatting#escaping); `&` first, so the others stay single."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack(event) -> dict:
    facts = [f"*{slack_escaped(key.replace('_', ' ').capitalize())}*: {slack_escaped(value)}"
             for key, value in event.data.items()
             if key not in _SKIPPED and isinstance(value, (str, int, float)) and not isinstance(value, bool)
             and value not in ("", None)][:8]
    title = slack_escaped(headline(event))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}}]
    if facts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(facts)}})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn",
         "text": f"`{slack_escaped(event.type)}` · {event.occurred_at:%Y-%m-%d %H:%M} UTC · hubwire"}]})
    return {"text": title, "blocks": blocks}


def _zapier(event) -> dict:
    return {**event.data, "event_type": event.type, "event_id": str(event.id),
            "event_timestamp": event.occurred_at.isoformat()}


def _envelope(event) -> dict:
    return event.envelope()


_SHAPES = {Preset.SLACK: _slack, Preset.ZAPIER: _zapier, Preset.GENERIC: _envelope, Preset.MAKE: _envelope}


def body_for(preset: str, event) -> bytes:
    return _compact(_SHAPES.get(preset, _envelope)(event))
