"""The provider's page of its own, at /integrations/example/status/ (urls.py)."""

from django.shortcuts import render

from hubwire.core.decorators import workspace_required
from hubwire.integrations.models import Connection
from tests.integrations.example_provider.provider import KEY


def connection_of(workspace) -> Connection | None:
    return Connection.objects.filter(workspace=workspace, provider=KEY).first()


@workspace_required
def status(request):
    return render(request, "example_provider/status.html", {"connection": connection_of(request.workspace)})
