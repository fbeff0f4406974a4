"""Every element that polls (hx-trigger="every …") says how its requests sync with the ones around it
(hx-sync). On the Integrations page the whole region replaces one request with the next
(integrations/page.html); a poll that inherited that would cancel the tab or the action a person
had just chosen, so each poll states its own rule, wherever it is included."""

import re

import hubwire
from pathlib import Path

TEMPLATES = Path(hubwire.__file__).parent
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)  # a start tag; template tags inside it hold no < or >


def polls_without_a_sync_rule(html: str) -> list[str]:
    return [tag for tag in TAG.findall(html) if 'hx-trigger="every' in tag and "hx-sync=" not in tag]


def test_every_poll_states_how_it_syncs():
    found = {str(path.relative_to(TEMPLATES)): polls_without_a_sync_rule(path.read_text())
             for path in TEMPLATES.rglob("*.html")}
    assert {path: tags for path, tags in found.items() if tags} == {}
    assert sum('hx-trigger="every' in path.read_text() for path in TEMPLATES.rglob("*.html")) >= 7, \
        "the templates that poll were read"


def test_the_check_sees_a_poll_with_no_rule_across_lines_and_template_tags():
    html = ('<div id="x"\n  {% if busy %}hx-get="{% url \'a\' %}" hx-trigger="every 2s"{% endif %}>'
            '<p hx-trigger="every 2s" hx-sync="this:drop"></p>')
    assert [tag.split()[0] for tag in polls_without_a_sync_rule(html)] == ["<div"]
