"""How sandbox QuickBooks writes its answers (providers.md §2.2, §2.5): Intuit's timestamps, the
`Fault` envelope of validation errors, and the lower-case `fault` body of authentication,
authorization and throttling failures."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import JsonResponse

from hubwire.sandbox import clock

# Intuit's sandbox companies keep US Pacific time, and MetaData times carry its offset
# ("2015-07-24T10:33:39-07:00" in the API reference's examples).
COMPANY_ZONE = ZoneInfo("America/Los_Angeles")


def timestamp(moment: datetime) -> str:
    """2015-07-24T10:33:39-07:00"""
    return moment.astimezone(COMPANY_ZONE).isoformat(timespec="seconds")


def response_time() -> str:
    """The `time` every answer carries: 2017-09-29T09:17:31.892-07:00"""
    return clock.now().astimezone(COMPANY_ZONE).isoformat(timespec="milliseconds")


def today() -> str:
    return clock.now().astimezone(COMPANY_ZONE).date().isoformat()


def answer(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse({**payload, "time": response_time()}, status=status)


class QboFault(ValueError):
    """A request QuickBooks refuses with a Fault; `element` names the field at fault. A ValueError, so
    that a test hook refused for the same reason answers 400 (sandbox/hooks.py)."""

    def __init__(self, code: str, message: str, detail: str, element: str = "", kind: str = "ValidationFault",
                 status: int = 400):
        super().__init__(f"{code} {message}: {detail}")
        self.code, self.message, self.detail, self.element = code, message, detail, element
        self.kind, self.status = kind, status

    def body(self) -> dict:
        return {"Fault": {"Error": [{"Message": self.message, "Detail": self.detail, "code": self.code,
                                     "element": self.element}], "type": self.kind}}

    def response(self) -> JsonResponse:
        return answer(self.body(), self.status)


# The codes providers.md §2.5 lists, with the words Intuit's "handling common errors" page gives them.
def invalid_property(element: str, why: str) -> QboFault:
    return QboFault("2010", "Request has invalid or unsupported property",
                    f"Property Name:{element} specified is unsupported or invalid: {why}", element)


def required_missing(element: str, detail: str = "") -> QboFault:
    return QboFault("2020", "Required param missing, need to supply the required value for the API",
                    detail or f"Required parameter {element} is missing in the request", element)


def object_not_found(kind: str, entity_id: str) -> QboFault:
    return QboFault("610", "Object Not Found",
                    f"Object Not Found : Something you're trying to use has been made inactive. Check the fields "
                    f"with accounts, customers, items, vendors or employees. ({kind} {entity_id})", "Id")


def invalid_enumeration(element: str, value) -> QboFault:
    return QboFault("2170", "Invalid Enumeration", f"Invalid Enumeration : {value}", element)


def invalid_reference(element: str, value: str) -> QboFault:
    return QboFault("2500", "Invalid Reference Id",
                    f"Invalid Reference Id : Something you're trying to use has been made inactive. Check the "
                    f"fields with accounts, customers, items, vendors or employees. ({element} {value})", element)


def stale_object() -> QboFault:
    return QboFault("5010", "Stale Object Error",
                    "Stale Object Error : You and root were working on this at the same time. root finished "
                    "before you did, so your work was not saved.", "SyncToken")


def duplicate_name(name: str) -> QboFault:
    return QboFault("6240", "Duplicate Name Exists Error",
                    "The name supplied already exists. : Another customer, vendor or employee is already using "
                    f"this name. Please use a different name. ({name})", "DisplayName")


def duplicate_doc_number(number: str) -> QboFault:
    return QboFault("6140", "Duplicate Document Number Error",
                    f"Duplicate Document Number Error : You must specify a different number. This number has "
                    f"already been used. DocNumber={number}", "DocNumber")


def unsupported_operation(what: str) -> QboFault:
    return QboFault("500", "Unsupported Operation", f"Operation {what} is not supported.")


def business_validation(detail: str, element: str = "") -> QboFault:
    return QboFault("6000", "A business validation error has occurred while processing your request",
                    f"Business Validation Error: {detail}", element)


def query_parse_error(detail: str) -> QboFault:
    return QboFault("4000", "Error parsing query", f"QueryParserError: {detail}")


def query_invalid(detail: str) -> QboFault:
    return QboFault("4001", "Invalid query", f"QueryValidationError: {detail}")


def platform_fault(status: int, name: str, error_code: str, detail: str, kind: str) -> JsonResponse:
    return answer(platform_fault_body(status, name, error_code, detail, kind), status)


def platform_fault_body(status: int, name: str, error_code: str, detail: str, kind: str) -> dict:
    """The lower-case body Intuit's gateway answers 401, 403 and 429 with (providers.md §2.5 [3P]):
    message=AuthenticationFailed; errorCode=003200; statusCode=401"""
    return {"fault": {"error": [{
        "message": f"message={name}; errorCode={error_code}; statusCode={status}", "detail": detail,
        "code": error_code.lstrip("0")}], "type": kind}}
