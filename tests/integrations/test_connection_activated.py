"""The framework says a connection became active through a signal (integrations.signals), which a
feature subscribes to in its own module: the base Provider no longer calls into meetings. (That
reconnecting Zoom still resumes waiting meeting links is test_zoom_meetings' to show.)"""

from hubwire.integrations.models import ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.signals import connection_activated
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow

pytestmark = SANDBOX_DB


def test_connecting_sends_connection_activated_with_the_provider_and_the_active_connection(
        sandbox, owner_client, workspace):
    heard = []

    def listener(sender, provider, connection, **kwargs):
        heard.append((sender, provider, connection.pk, connection.status, connection.account_name))

    connection_activated.connect(listener)
    try:
        connection = oauth_flow.connect(owner_client, workspace, email="fox.mulder@zoom.example")
    finally:
        connection_activated.disconnect(listener)

    zoom = PROVIDERS["zoom"]
    # Sent once, after the account was read, with the connection already active.
    assert heard == [(type(zoom), zoom, connection.pk, ConnectionStatus.ACTIVE, "Fox Mulder <fox.mulder@zoom.example>")]

