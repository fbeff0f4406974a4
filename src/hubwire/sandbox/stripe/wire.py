"""What every Stripe answer shares: ids, the error envelope, and v1's bracketed form bodies."""

import re
import secrets
import string

from django.http import JsonResponse

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


class StripeError(Exception):
    """An error answer in Stripe's envelope (docs.stripe.com/api/errors):
    {"error": {"type", "code", "message", "param", "doc_url", …}}."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error", code: str = "",
                 param: str = "", **extra):
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param, self.extra = status, message, type, code, param, extra

    def body(self) -> dict:
        error = {"type": self.type, "message": self.message, **self.extra}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        return {"error": error}

    def response(self) -> JsonResponse:
        return JsonResponse(self.body(), status=self.status)


def missing(param: str) -> StripeError:
    return StripeError(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def invalid(param: str, message: str) -> StripeError:
    return StripeError(400, message, code="parameter_invalid_string", param=param)


_KEY = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")


def parse_form(pairs) -> dict:
    """v1's bracket notation into nested values: `a[b][0][c]=x` → {"a": {"b": [{"c": "x"}]}}.
    Numeric keys make lists (in index order); `a[]=x` appends."""
    root: dict = {}
    for name, value in pairs:
        parts = [m.group(1) if m.group(1) is not None else m.group(2) for m in _KEY.finditer(name)]
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "" or part.isdigit():  # a list slot, kept as a dict until the end
                part = f"#{len(node) if part == '' else int(part)}"
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.startswith("#") for k in node):
        return [_lists(node[k]) for k in sorted(node, key=lambda k: int(k[1:]))]
    return {k: _lists(v) for k, v in node.items()}


def as_int(params: dict, name: str, *, required: bool = False, minimum: int = 0) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        if required:
            raise missing(name)
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {raw}", code="parameter_invalid_integer", param=name) from None
    if value < minimum:
        raise StripeError(400, f"This value must be greater than or equal to {minimum}.",
                          code="parameter_invalid_integer", param=name)
    return value
