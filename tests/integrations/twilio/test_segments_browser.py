"""The page's SMS counter in a real browser agrees with segments() on every case of the table
(issue 20 item 2): the same characters, encoding, units and segments, the same characters named as
forcing Unicode, the same look-alike offer and 1,600 warning. The counter is the include the SMS tab
uses, rendered by Django, with its script and table served by the live server."""

import dataclasses

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from hubwire.integrations.twilio.segments import line_breaks_as_typed, lookalikes, segments, too_long
from tests.integrations.twilio.segment_cases import CASES, GRIN

GROUPS_SHOWN = 8  # sms_counter.js lists this many distinct characters, then "and N other characters"

READ_COUNTER = """(id) => {
  const counter = document.querySelector(`[data-sms-counter-for="${id}"]`);
  const forced = counter.querySelector("[data-sms-forced]");
  const left = counter.querySelector("[data-sms-left]");
  return {
    value: document.getElementById(id).value,
    data: {...counter.dataset},
    summary: counter.querySelector("[data-sms-summary]").textContent,
    left: left.hidden ? null : left.textContent,
    forced: forced.hidden ? null
      : [...forced.querySelectorAll("li[data-character]")].map((item) => [item.dataset.character, item.dataset.positions]),
    replace_offered: !forced.hidden && !forced.querySelector("[data-sms-replace]").hidden,
    too_long: !counter.querySelector("[data-sms-too-long]").hidden,
  };
}"""


def composer_page(textarea_id: str = "id_body", text: str = "") -> str:
    include = render_to_string("twilio/_sms_counter.html", {"textarea_id": textarea_id, "text": text})
    return (f'<label for="{textarea_id}">Message</label>'
            f'<textarea id="{textarea_id}" name="body" data-sms-counter>{escape(text)}</textarea>{include}')


@pytest.fixture
def composer(page, live_server):
    """A page on the live server's origin holding the include, so its script and table come from there."""
    script = page.goto(f"{live_server.url}/static/twilio/sms_counter.js")
    assert script.status == 200
    page.set_content('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SMS</title></head>'
                     f'<body><form>{composer_page()}</form></body></html>')
    page.wait_for_function("window.hubwireSms !== undefined")
    return page


def what_the_page_should_show(text: str) -> dict:
    count = segments(text)
    groups: dict[str, list[int]] = {}
    for forcing in count.forced_by:
        groups.setdefault(forcing.character, []).append(forcing.position)
    return {
        "value": text,
        "data": {"smsCounterFor": "id_body", "testid": "sms-counter", "characters": str(count.characters),
                 "encoding": count.encoding, "units": str(count.units), "segments": str(count.segments),
                 "unitsPerSegment": str(count.units_per_segment), "unitsLeft": str(count.units_left),
                 "tooLong": "true" if too_long(text) else "false"},
        "summary": count.summary,
        "left": None if count.segments == 0 else f"{count.units_left:,} left in segment {count.segments}",
        "forced": [[character, ",".join(map(str, positions))] for character, positions in groups.items()][:GROUPS_SHOWN]
        if groups else None,
        "replace_offered": bool(lookalikes(text)[1]),
        "too_long": too_long(text),
    }


def test_the_counter_shows_what_segments_says_for_every_case_as_it_is_typed(composer):
    wrong = []
    for case in CASES:
        composer.fill("#id_body", case.text)
        # A textarea holds a line break as LF, whatever was put in (and a form sends CR LF): the
        # server counts the submitted text after line_breaks_as_typed, which is what is shown here.
        shown = composer.evaluate(READ_COUNTER, "id_body")
        expected = what_the_page_should_show(line_breaks_as_typed(case.text))
        if shown != expected:
            wrong.append((case.name, {key: (shown[key], expected[key]) for key in expected if shown[key] != expected[key]}))
    assert wrong == []


def test_the_pages_rules_give_segments_answers_on_the_raw_text_of_every_case(composer):
    """The script's own functions, given each text as it is (CR included), over the same table."""
    wrong = []
    for case in CASES:
        shown = composer.evaluate("(text) => ({count: hubwireSms.segments(text), lookalikes: hubwireSms.lookalikes(text),"
                                  " tooLong: hubwireSms.tooLong(text), summary: hubwireSms.summary(hubwireSms.segments(text))})",
                                  case.text)
        count = segments(case.text)
        replaced, replacements = lookalikes(case.text)
        expected = {"count": {**dataclasses.asdict(count), "forced_by": [dataclasses.asdict(f) for f in count.forced_by]},
                    "lookalikes": {"text": replaced, "replacements": [dataclasses.asdict(r) for r in replacements]},
                    "tooLong": too_long(case.text), "summary": count.summary}
        if shown != expected:
            wrong.append(case.name)
    assert wrong == []


def test_the_forcing_characters_are_pointed_out_and_replace_lookalikes_fixes_them(composer):
    pasted = "\u201cHi Ann\u201d \u2014 see you at 10\u00a0am\u2026 " + GRIN
    composer.fill("#id_body", pasted)
    forced = composer.locator("[data-sms-forced]")
    assert forced.is_visible()
    lines = forced.locator("li").all_inner_texts()
    assert lines[0] == '\u201c U+201C (left double quotation mark, can be \u201c"\u201d) at character 1'
    assert lines[3] == "\u00a0 U+00A0 (no-break space, can be \u201c \u201d) at character 25"  # invisible, so named
    assert lines[-1] == f"{GRIN} U+1F600 at character 30"

    composer.get_by_role("button", name="Replace look-alikes").click()
    replaced = lookalikes(pasted)[0]
    assert composer.input_value("#id_body") == replaced == '"Hi Ann" - see you at 10 am... ' + GRIN
    assert composer.evaluate(READ_COUNTER, "id_body") == what_the_page_should_show(replaced)
    assert composer.locator("[data-sms-forced] li").all_inner_texts() == [f"{GRIN} U+1F600 at character 32"]
    assert not composer.get_by_role("button", name="Replace look-alikes").is_visible()  # nothing left to replace
    assert composer.evaluate("document.activeElement.id") == "id_body"  # back to typing

    composer.fill("#id_body", "абвгдеёжзий")  # 11 distinct letters: 8 listed, then how many more
    assert forced.locator("li").all_inner_texts()[-1] == "and 3 other characters"
    assert forced.locator("li").count() == 9

    composer.fill("#id_body", "Thanks!")
    assert not forced.is_visible()


def test_typing_keys_updates_the_counter_and_an_enter_is_one_septet(composer):
    composer.locator("#id_body").press_sequentially("Pay {now}")
    composer.keyboard.press("Enter")
    composer.locator("#id_body").press_sequentially("Ann")
    assert composer.locator("[data-sms-summary]").inner_text() == segments("Pay {now}\nAnn").summary
    assert composer.locator("[data-sms-counter-for=id_body]").get_attribute("data-units") == "15"  # 13 + 2 for the braces


def test_the_1600_limit_is_shown_in_words(composer):
    composer.fill("#id_body", GRIN * 800 + "ab")
    warning = composer.locator("[data-sms-too-long]")
    assert warning.inner_text() == ("Too long: Twilio takes at most 1,600 characters (an emoji counts as 2 or more)."
                                    " Shorten it by 2.")
    composer.fill("#id_body", GRIN * 800)
    assert not warning.is_visible()


def test_a_composer_swapped_in_by_htmx_counts_its_first_text_and_loads_the_script_once(page, live_server):
    page.goto(f"{live_server.url}/static/twilio/sms_counter.js")
    page.set_content('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SMS</title>'
                     f'<script src="{live_server.url}/static/django_htmx/htmx-2.min.js"></script></head>'
                     '<body><div id="tab"></div></body></html>')
    swap = "([html]) => htmx.swap('#tab', html, {swapStyle: 'innerHTML'})"
    page.evaluate(swap, [composer_page("id_first", "Hi {Ann}")])
    page.wait_for_function("window.hubwireSms !== undefined")
    page.wait_for_function("document.querySelector('[data-sms-counter-for=id_first]').dataset.units === '10'")
    page.evaluate("window.firstCounter = window.hubwireSms")

    page.evaluate(swap, [composer_page("id_again", "Привет")])  # the tab again, its script tag with it
    page.wait_for_function("document.querySelector('[data-sms-counter-for=id_again]').dataset.encoding === 'UCS-2'")
    assert page.locator("[data-sms-summary]").inner_text() == segments("Привет").summary
    assert page.evaluate("window.hubwireSms === window.firstCounter")
    page.locator("#id_again").fill("ok")
    assert page.locator("[data-sms-summary]").inner_text() == segments("ok").summary
