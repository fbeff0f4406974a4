from hubwire.integrations.selectors import alerts


def integration_alerts(request):
    """Connections that need attention, for the banner every team page shows."""
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return {"integration_alerts": []}
    return {"integration_alerts": alerts(workspace)}
