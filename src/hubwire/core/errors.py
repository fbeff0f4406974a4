"""One error type for bad input, raised by services and shown by both pages and the API."""


class FieldError(Exception):
    """Bad input, keyed by the field it concerns. Services raise it before writing anything."""

    def __init__(self, errors: dict[str, str] | None = None, **kwargs: str):
        self.errors = {**(errors or {}), **kwargs}
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))
