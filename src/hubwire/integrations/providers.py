"""Finding the providers: every folder of this package with a provider.py is imported, which
registers its Provider (registry.register). Nothing lists them, so a new provider is a folder.
The Integrations page shows them in the order of each class's `tab_order`."""

import pkgutil
from importlib import import_module
from importlib.util import find_spec

import hubwire.integrations as package
from hubwire.integrations.registry import PROVIDERS


def discover_providers() -> None:
    for folder in pkgutil.iter_modules(package.__path__):
        name = f"{package.__name__}.{folder.name}.provider"
        if folder.ispkg and find_spec(name) is not None:
            import_module(name)
    ordered = sorted(PROVIDERS.values(), key=lambda provider: (provider.tab_order, provider.key))
    PROVIDERS.clear()
    PROVIDERS.update((provider.key, provider) for provider in ordered)
