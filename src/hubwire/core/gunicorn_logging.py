"""gunicorn's logger with hubwire's redaction: gunicorn writes its error (and, if ever turned on,
access) log through handlers of its own that do not propagate to Django's, so they get the filter here."""

from gunicorn.glogging import Logger

from hubwire.core.redaction import redact_handlers


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        redact_handlers(self.error_log)
        redact_handlers(self.access_log)
