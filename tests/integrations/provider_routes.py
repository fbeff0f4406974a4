"""Every route of a provider folder's urls.py, with the objects its parameters name, for the
tenancy tests that walk them all (a new route is covered the day it is added)."""

from django.urls import reverse


def routes(urls_module, parameters: dict, things) -> list[tuple[str, str, bool]]:
    """(name, url, names an object) for every route in `urls_module`; `parameters` maps each URL
    parameter to how the test's `things` give its value."""
    found = []
    for pattern in urls_module.urlpatterns:
        names = list(pattern.pattern.converters)
        kwargs = {name: parameters[name](things) for name in names}
        found.append((pattern.name, reverse(f"integrations:{pattern.name}", kwargs=kwargs), bool(names)))
    return found
