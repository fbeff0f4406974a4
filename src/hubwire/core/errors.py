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


class Unreadable:
    """A page form's field that could not be read as its type ("abc" for a number). The page hands
    it to the service with the fields that could be read; the service reports it beside its own
    findings and writes nothing, so the user sees every error in one round."""

    def __init__(self, message: str):
        self.message = message

    def __repr__(self) -> str:
        return f"Unreadable({self.message!r})"

    @classmethod
    def form_data(cls, form) -> dict:
        """A bound form's values: cleaned where they could be, Unreadable where not."""
        unreadable = {name: cls(" ".join(messages)) for name, messages in form.errors.items() if name in form.fields}
        return {**form.cleaned_data, **unreadable}
