"""The Integrations page's tabs in a real browser: whichever way a tab is chosen (its tab, its status
card, the arrow keys, the Back button), the highlighted tab is the one shown, with tab semantics."""

from tests.conftest import sign_in

SHOWN = """() => ({
  panel: document.querySelector('[data-testid=tab-panel]').dataset.provider,
  selected: [...document.querySelectorAll('[role=tab][aria-selected=true]')].map(t => t.id),
  inTabOrder: [...document.querySelectorAll('[role=tab][tabindex="0"]')].map(t => t.id),
  panelLabel: document.querySelector('[role=tabpanel]').getAttribute('aria-labelledby'),
  currentCard: [...document.querySelectorAll('[aria-current=page]')].map(c => c.dataset.testid),
  focused: document.activeElement.id,
})"""


def showing(page, base: str, key: str, *, focused: str = "") -> None:
    """Wait until `key`'s tab is in the address bar and its panel is in, then check every part agrees."""
    page.wait_for_url(f"{base}/integrations/{key}/")
    page.wait_for_selector(f"[data-testid=tab-panel][data-provider={key}]")
    if focused:  # focus moves once the swapped-in tab has settled: wait for it, not for a fixed time
        page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=focused)
    shown = page.evaluate(SHOWN)
    assert shown == {"panel": key, "selected": [f"tab-{key}"], "inTabOrder": [f"tab-{key}"],
                     "panelLabel": f"tab-{key}", "currentCard": [f"card-{key}"], "focused": focused or shown["focused"]}


def test_the_highlighted_tab_is_the_one_shown_however_it_was_chosen(page, live_server, owner, workspace):
    base = live_server.url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/")
    assert page.evaluate(SHOWN)["selected"] == ["tab-stripe"]

    page.get_by_test_id("tab-quickbooks").click()
    showing(page, base, "quickbooks")
    page.get_by_test_id("card-portal").click()
    showing(page, base, "portal", focused="card-portal")

    # The arrow keys move along the tabs (wrapping at the ends), Home and End jump; focus follows.
    page.get_by_test_id("tab-zoom").focus()
    page.keyboard.press("ArrowRight")
    showing(page, base, "google_workspace", focused="tab-google_workspace")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    showing(page, base, "google_calendar", focused="tab-google_calendar")
    page.keyboard.press("End")
    showing(page, base, "webhooks", focused="tab-webhooks")
    page.keyboard.press("ArrowRight")
    showing(page, base, "stripe", focused="tab-stripe")

    page.go_back()
    showing(page, base, "webhooks")


# A key that arrives the moment a tab has been swapped in (a held arrow key repeats every ~30 ms): the
# page presses ArrowLeft again as soon as the swap is done, before htmx settles the new tabs (20 ms).
PRESS_AGAIN_AFTER_THE_SWAP = """() => document.addEventListener("htmx:afterSwap", () => setTimeout(() =>
  document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowLeft", bubbles: true}))), {once: true})"""


def test_a_key_pressed_as_a_tab_comes_in_moves_on_within_the_page(page, live_server, owner, workspace):
    base = live_server.url
    sign_in(page, base, owner)
    page.goto(f"{base}/integrations/google_workspace/")
    page.evaluate("window.samePage = true")
    page.evaluate(PRESS_AGAIN_AFTER_THE_SWAP)
    page.get_by_test_id("tab-google_workspace").focus()
    page.keyboard.press("ArrowLeft")  # to Zoom, and at once on to Google Calendar
    showing(page, base, "google_calendar", focused="tab-google_calendar")
    # Not a whole page loaded by the link, which would drop the keyboard's place: htmx swapped it in.
    assert page.evaluate("window.samePage") is True
