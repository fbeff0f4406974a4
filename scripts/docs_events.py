"""Writes the event list of docs/api.md from the event catalog (hubwire/events/catalog.py): every event
type with its description and an example of the webhook envelope it is sent in, its `data` made from the
type's JSON schema. tests/test_docs.py checks that docs/api.md holds exactly what this prints, and that
each example matches its schema.

    python scripts/docs_events.py          # rewrite the list in docs/api.md
    python scripts/docs_events.py --check  # exit 1 if docs/api.md is out of date
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "api.md"
START, END = "<!-- events: made by scripts/docs_events.py -->", "<!-- events: end -->"
TIMESTAMP = "2026-03-02T14:30:00+00:00"

# Example values by field name, where a made-up one would read oddly.
NAMED = {
    "email": "dana@example.com", "phone": "+12125551234", "to": "+12125550100", "from_": "+12125550100",
    "currency": "USD", "time_zone": "America/New_York", "website": "https://example.com",
    "name": "ACME Creative Agency", "title": "Kick-off call", "number": "INV-0002", "body": "Thanks, see you then.",
    "encoding": "GSM-7", "provider": "zoom", "location": "12 Main St", "notes": "Bring the brief.", "twilio_sid": "SM0123456789abcdef0123456789abcdef",
}
FORMATS = {"date-time": TIMESTAMP, "date": "2026-03-02", "email": "dana@example.com", "uri": "https://example.com",
           "time": "14:30:00"}


def example(schema: dict, defs: dict, name: str = ""):
    """A value that matches `schema` (a pydantic JSON schema), the same on every run."""
    if "$ref" in schema:
        return example(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, name)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"] or schema["anyOf"]
        return example(options[0], defs, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {key: example(sub, defs, key) for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), defs, name)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    if name == "url" or name.endswith("_url"):
        return f"https://example.com/{name}"
    value = NAMED.get(name, name.replace("_", " ") or "text")
    return value[: schema["maxLength"]] if "maxLength" in schema else value


def envelope(event_type) -> dict:
    schema = event_type.schema
    return {"type": event_type.name, "timestamp": TIMESTAMP, "data": example(schema, schema.get("$defs", {}))}


def render() -> str:
    from hubwire.events.catalog import CATALOG

    lines = [START, "", "| event type | version | when |", "| --- | --- | --- |"]
    for name in sorted(CATALOG):
        t = CATALOG[name]
        lines.append(f"| [`{name}`](#{name.replace('.', '')}) | {t.version} | {t.description} |")
    for name in sorted(CATALOG):
        lines += ["", f"### {name}", "", CATALOG[name].description, "", "```json",
                  json.dumps(envelope(CATALOG[name]), indent=2, ensure_ascii=False), "```"]
    return "\n".join(lines + ["", END])


def current() -> str:
    text = API_DOC.read_text()
    return text[text.index(START): text.index(END) + len(END)]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")
    import django

    django.setup()
    wanted = render()
    if "--check" in argv:
        if current() != wanted:
            print("docs/api.md's event list is out of date: run python scripts/docs_events.py", file=sys.stderr)
            return 1
        return 0
    API_DOC.write_text(API_DOC.read_text().replace(current(), wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
