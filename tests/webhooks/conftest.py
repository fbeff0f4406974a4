import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def local_targets(settings):
    """Webhooks to 127.0.0.1 allowed (the SSRF guard's explicit setting), with a short timeout."""
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True
    settings.HUBWIRE_WEBHOOKS_TIMEOUT = 1.0
