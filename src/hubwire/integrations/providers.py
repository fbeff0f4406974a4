"""Importing this registers every provider, in the order of the Integrations page's tabs."""

from hubwire.integrations.stripe import provider as _stripe  # noqa: F401
from hubwire.integrations.portal import provider as _portal  # noqa: F401
from hubwire.integrations.quickbooks import provider as _quickbooks  # noqa: F401
from hubwire.integrations.google_calendar import provider as _google_calendar  # noqa: F401
from hubwire.integrations.zoom import provider as _zoom  # noqa: F401
from hubwire.integrations.google_workspace import provider as _google_workspace  # noqa: F401
from hubwire.integrations.twilio import provider as _twilio  # noqa: F401
from hubwire.integrations.webhooks import provider as _webhooks  # noqa: F401
