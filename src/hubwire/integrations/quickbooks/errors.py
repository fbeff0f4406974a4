"""Intuit's error answers in words a business owner can act on (providers.md §2.5).

Validation faults come as {"Fault": {"Error": [{"Message", "Detail", "code", "element"}], "type"}};
an expired token (401) and throttling (429) as a lower-case {"fault": {"error": [...]}} whose
message reads "message=AuthenticationFailed; errorCode=003200; statusCode=401", and a 429 may be
that text alone. Codes are compared without their leading zeros (003200 is 3200)."""

import re

import httpx

from hubwire.integrations.http import ProviderProblem, explained, json_object

THROTTLED = ("QuickBooks is limiting how fast hubwire may call it (500 requests a minute and 10 at once per "
             "company). hubwire will try again shortly.", True)

# Codes from Intuit's "handling common errors" and error-code pages, as listed in providers.md §2.5.
KNOWN: dict[str, tuple[str, bool]] = {
    "120": ("QuickBooks refused: the QuickBooks user who connected hubwire may not do this. Ask the company's "
            "QuickBooks admin to give that user the permission, or reconnect as an admin.", False),
    "610": ("This record no longer exists in QuickBooks, or it was made inactive or deleted there. Reactivate it "
            "in QuickBooks, or unlink it here so that hubwire creates it again.", False),
    # A new attempt reads the record's current SyncToken first, so retrying does help.
    "5010": ("This record was changed in QuickBooks after hubwire last read it. hubwire will read the new "
             "version and try again.", True),
    "6140": ("Another QuickBooks transaction already uses this number. Change the number here, or leave it "
             "empty so that QuickBooks assigns one.", False),
    "6190": ("The QuickBooks company cannot accept changes (its subscription may have lapsed or been "
             "cancelled). Check the company's status in QuickBooks.", False),
    "6210": ("The accounting period for this date is closed in QuickBooks. Change the date, or reopen the "
             "period in QuickBooks.", False),
    "6240": ("A customer, vendor or employee in QuickBooks already has this name. Change the name here or "
             "in QuickBooks so that they differ, then try again.", False),
    "6540": ("This transaction has been deposited in QuickBooks and can no longer be changed there.", False),
    # errorCode=003200 AuthenticationFailed on a 401 [3P, providers.md §2.5].
    "3200": ("QuickBooks no longer accepts hubwire's authorization (it expired or was revoked). Reconnect "
             "QuickBooks to continue.", False),
    # errorCode=003001 ThrottleExceeded on a 429 [3P, providers.md §2.5].
    "3001": THROTTLED,
}

# Not an error code: what both the customers pass and the read of changes say of a linked customer
# made inactive in QuickBooks (whichever notices first).
CUSTOMER_INACTIVE = ("This customer was made inactive in QuickBooks. Reactivate it in QuickBooks, or choose "
                     "“Match again” on the account's page.")

_ERROR_CODE_IN_TEXT = re.compile(r"errorCode=(\d+)")


def _first_error(body: dict) -> dict:
    fault = body.get("Fault") or body.get("fault") or {}
    errors = (fault.get("Error") or fault.get("error") or []) if isinstance(fault, dict) else []
    return errors[0] if errors and isinstance(errors[0], dict) else {}


def explain(response: httpx.Response) -> ProviderProblem:
    body = json_object(response)
    error = _first_error(body) if body else {}
    message = str(error.get("Message") or error.get("message") or "")
    detail = str(error.get("Detail") or error.get("detail") or "")
    code = str(error.get("code") or "")
    if not code:
        found = _ERROR_CODE_IN_TEXT.search(message or response.text)
        code = found.group(1) if found else ""
    code = code.lstrip("0")
    if response.status_code == 429 and code not in KNOWN:
        return ProviderProblem(THROTTLED[0], code, True)
    return explained(KNOWN, code, detail or message, response)
