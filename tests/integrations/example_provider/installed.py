"""Put Example CRM into a running hubwire and take it out again, the way a provider folder is
found at start-up: its provider in the registry (and so its routes under /integrations/example/),
its record panel, its templates, its emulator's routes and control hooks. Production registers
providers at import, before the URLconf is read; a test registering one later has Django rebuild
the URLconf."""

import importlib
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.urls import clear_url_caches

import hubwire.integrations.urls
from hubwire.crm.panels import record_panel, remove_panel
from hubwire.integrations.registry import register, unregister
from hubwire.sandbox.hooks import control_action, on_reset, remove_control_action, remove_reset_hook
from hubwire.sandbox.routes import ERROR_SHAPES, remove_host, route
from hubwire.sync.registry import SCHEDULE_HANDLERS, schedule_handler
from tests.integrations.example_provider import emulator, panels
from tests.integrations.example_provider.provider import KEY, ExampleProvider, pull_changes

TEMPLATES = Path(__file__).parent / "templates"
CONTROLS = {"example-issue-key": emulator.issue_key, "example-revoke-keys": emulator.revoke_keys,
            "example-change-contact": emulator.change_contact, "example-send-event": emulator.send_event}


def reload_urlconf() -> None:
    """Rebuild the URLconf from the registry as it is now (Django caches the resolvers)."""
    importlib.reload(hubwire.integrations.urls)
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
    clear_url_caches()


@contextmanager
def example_provider_installed(settings_fixture):
    """`settings_fixture`: pytest-django's `settings`, which puts TEMPLATES back afterwards."""
    engine = settings_fixture.TEMPLATES[0]
    settings_fixture.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES]}, *settings_fixture.TEMPLATES[1:]]
    register(ExampleProvider)
    panel = record_panel("contacts", template=panels.TEMPLATE, context=panels.contact_panel_context)
    route(emulator.HOST, "GET", r"/v1/account")(emulator.account)
    route(emulator.HOST, "GET", r"/v1/contacts/changes")(emulator.contact_changes)
    schedule_handler("example.pull")(pull_changes)
    ERROR_SHAPES[emulator.HOST] = emulator.error
    for name, action in CONTROLS.items():
        control_action(name)(action)
    reset_hook = on_reset(emulator.forget)
    reload_urlconf()
    try:
        yield
    finally:
        remove_reset_hook(reset_hook)
        for name in CONTROLS:
            remove_control_action(name)
        remove_host(emulator.HOST)
        SCHEDULE_HANDLERS.pop("example.pull", None)
        remove_panel(panel)
        unregister(KEY)
        emulator.forget()
        reload_urlconf()
