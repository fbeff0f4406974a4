"""Twilio's error answers in words a business owner can act on (providers.md §6.1):
{"code": 21211, "message": "…", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}.
Twilio advises against branching on codes as their causes change (changelog 2024-07-10), so only
the codes whose remedy is the user's own are explained; the rest keep Twilio's words and link."""

import httpx

from hubwire.integrations.http import ProviderProblem, explained, json_object

# Codes from twilio.com/docs/errors and the test-credentials page, as listed in providers.md §6.1;
# 20003 is what Twilio answers to a wrong Account SID or Auth Token, 20429 its too-many-requests.
KNOWN: dict[str, tuple[str, bool]] = {
    "20003": ("Twilio did not accept the Account SID and Auth Token. Paste the current ones from the Twilio "
              "Console.", False),
    "20429": ("Twilio is limiting how fast hubwire may call it. hubwire will try again shortly.", True),
    "21211": ("The recipient's phone number is not a valid number for text messages. Check it, in "
              "international format (for example +14155550123).", False),
    "21212": ("The sending number is not valid. Check the SMS sender chosen in the settings.", False),
    "21408": ("Your Twilio account may not text this country. Allow it under Messaging Geographic Permissions "
              "in the Twilio Console.", False),
    # An opt-out stands until the recipient opts back in; resending only fails again.
    "21610": ("This contact replied STOP and has unsubscribed from your texts. They must reply START before "
              "you can text them again.", False),
    "21606": ("The sending number cannot send text messages, or it is not in your Twilio account.", False),
    # The sender's queue drains at its rate (1 segment a second on a US long code).
    "21611": ("Too many messages are waiting to leave your sending number. hubwire will try again later.", True),
    "21612": ("Twilio cannot deliver text messages to this number from your sending number.", False),
    "21614": ("The recipient's number cannot receive text messages (it may be a landline).", False),
}


# Codes a message ends with after it was accepted, in a status callback's ErrorCode (providers.md §6.1,
# twilio.com/docs/errors/300xx; the names of all but 30001 are [U]).
DELIVERY: dict[str, str] = {
    "30001": "Too many messages were waiting to leave your sending number, and Twilio dropped this one. Send it "
             "again later, or send through a Messaging Service with more numbers.",
    "30003": "The recipient's phone could not be reached (it may be switched off or out of coverage).",
    "30004": "The message was blocked: the recipient may have blocked your number, or their carrier blocked it.",
    "30005": "The recipient's number is unknown to their carrier; it may no longer be in use. Check the number.",
    "30006": "The recipient's number is a landline, or its carrier cannot receive text messages.",
    "30007": "The recipient's carrier filtered the message (it may look like spam to them).",
    "30008": "The carrier could not deliver the message, and did not say why.",
}


def delivery_error(code: str) -> str:
    """Why a message was not delivered, in words, from a status callback's ErrorCode."""
    code = str(code or "").strip()
    if not code:
        return ""
    words = DELIVERY.get(code, "Twilio reported an error delivering the message.")
    return f"{words} (Twilio error {code}: https://www.twilio.com/docs/errors/{code})" if code.isdigit() else words


def explain(response: httpx.Response) -> ProviderProblem:
    body = json_object(response) or {}
    code, words = str(body.get("code") or ""), str(body.get("message") or "")
    problem = explained(KNOWN, code, words, response)
    if not code:
        return problem
    # Twilio's own words and page stay beside ours, for whoever asks Twilio's support.
    more = body.get("more_info") if str(body.get("more_info", "")).startswith("https://www.twilio.com/") else ""
    quoted = f", “{words}”" if words and words != problem.message else ""
    reference = f"Twilio error {code}{quoted}" + (f": {more}" if more else "")
    return ProviderProblem(f"{problem.message} ({reference})", problem.code, problem.retryable)
