"""One error type for bad input, raised by services and shown by both pages and the API."""


class FieldError(Exception):
    """Bad input, keyed by the field it concerns. Services raise it before writing anything."""

    def __init__(self, errors: dict[str, str] | None = None, **kwargs: str):
        self.errors = {**(errors or {}), **kwargs}
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))

    @classmethod
    def from_form(cls, form) -> "FieldError":
        """A page form's own errors (type coercion) as a FieldError, so one path shows them all."""
        return cls({name: " ".join(messages) for name, messages in form.errors.items()})

    def add_to(self, form) -> None:
        """Show the errors on a page form: each at its field, or above the form."""
        for field, message in self.errors.items():
            form.add_error(field if field in form.fields else None, message)
