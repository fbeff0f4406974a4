import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def local_targets(settings):
    """Webhooks to 127.0.0.1 allowed (the SSRF guard's explicit setting). The timeout is the
    default's: a local receiver answers at once, unless a busy machine keeps it waiting."""
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = True
