"""What each provider folder, app and emulator declares is found by the shared code: routes resolve
under /integrations/<key>/, record panels render on their records, periodic work is in beat's
schedule, emulators' routes and test hooks are served, and folders with an apps.py are apps."""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, resolve, reverse

from hubwire.core.app_folders import app_folders
from hubwire.crm.panels import PANELS, record_panel
from hubwire.integrations.registry import PROVIDERS
from hubwire.jobs.periodic import DeclaredScheduler, beat_schedule, periodic
from hubwire.sandbox.apps import emulator_packages
from hubwire.sandbox.hooks import ACTIONS
from hubwire.sandbox.router import SandboxRouter
from hubwire.sandbox.routes import ROUTES
from tests.factories import crm_objects

SAMPLE = {"slug": "test", "int": "1", "string": "x", "path": "x/y"}  # a value each converter accepts


def provider_routes():
    return [(key, pattern) for key, provider in PROVIDERS.items() for pattern in provider.urlpatterns()]


def test_stripe_declares_its_routes_in_its_folder_under_their_old_names():
    assert {p.name for key, p in provider_routes() if key == "stripe"} == {
        "stripe_onboard", "stripe_refresh", "stripe_return", "stripe_sync"}


@pytest.mark.parametrize("key, pattern", provider_routes(), ids=lambda v: getattr(v, "name", v))
def test_every_provider_route_resolves_under_its_key(key, pattern: URLPattern):
    kwargs = {name: SAMPLE[type(conv).__name__.removesuffix("Converter").lower()]
              for name, conv in pattern.pattern.converters.items()}
    url = reverse(f"integrations:{pattern.name}", kwargs=kwargs)
    assert url.startswith(f"/integrations/{key}/")
    assert resolve(url).func == pattern.callback


@pytest.mark.django_db
def test_every_record_panel_renders_on_its_records_page(owner_client, workspace):
    objects = crm_objects(workspace)
    assert {p.key for p in PANELS} >= {"invoices", "appointments"}
    for panel in PANELS:
        response = owner_client.get(f"/{panel.key}/{objects[panel.key].pk}/")
        assert response.status_code == 200
        # A panel may leave itself off a page (its context says None: QuickBooks not connected here).
        shown = panel.context is None or panel.context(response.wsgi_request, objects[panel.key]) is not None
        assert (panel.template in [t.name for t in response.templates]) == shown, panel


def test_a_panel_for_a_page_that_does_not_exist_is_refused_by_name():
    with pytest.raises(ValueError, match="'invoice'.*invoices"):
        record_panel("invoice", template="x.html")


def test_beat_runs_the_framework_ticks_and_the_declared_periodic_work(tmp_path):
    from hubwire.celery import app

    schedule = beat_schedule()
    assert schedule["integrations-keep-alive"] == {"task": "hubwire.integrations.keep_alive", "schedule": 3600.0}
    assert set(settings.CELERY_BEAT_SCHEDULE) < set(schedule)
    assert settings.CELERY_BEAT_SCHEDULER == "hubwire.jobs.periodic:DeclaredScheduler"
    scheduler = DeclaredScheduler(app=app, schedule_filename=str(tmp_path / "beat"), lazy=False)
    try:
        entry = scheduler.schedule["integrations-keep-alive"]
        assert (entry.task, entry.schedule.run_every.total_seconds()) == ("hubwire.integrations.keep_alive", 3600)
    finally:
        scheduler.close()


def test_periodic_work_is_declared_once_with_a_positive_interval():
    with pytest.raises(ValueError, match="already declared"):
        periodic("integrations-keep-alive", task="hubwire.something_else", every=60)
    with pytest.raises(ValueError, match="already declared"):
        periodic("jobs-tick", task="hubwire.jobs.tick", every=60)  # a framework tick in the settings
    with pytest.raises(ValueError, match="positive"):
        periodic("never", task="hubwire.jobs.tick", every=0)


def test_every_emulator_package_is_imported_and_serves_its_routes_and_hooks():
    packages = emulator_packages()
    assert {"hubwire.sandbox.zoom", "hubwire.sandbox.twilio", "hubwire.sandbox.stripe"} <= set(packages)
    assert all(package in sys.modules for package in packages)
    hosts = {r.host for r in ROUTES}
    assert {"api.zoom.us", "api.twilio.com", "api.stripe.com"} <= hosts
    assert {"zoom-delete-meeting", "zoom-validate", "zoom-uninstall", "stripe-settle", "reset"} <= set(ACTIONS)


def test_folders_with_an_apps_module_are_apps(tmp_path):
    for name, files in {"alpha": ("__init__.py", "apps.py", "models.py"), "beta": ("__init__.py",),
                        "gamma": ("apps.py",), "delta": ("__init__.py", "apps.py")}.items():
        (tmp_path / name).mkdir()
        for file in files:
            (tmp_path / name / file).write_text("")
    (tmp_path / "notes.txt").write_text("")

    assert app_folders("hubwire.integrations", tmp_path) == ["hubwire.integrations.alpha", "hubwire.integrations.delta"]


def test_an_emulator_app_not_labelled_sandbox_is_refused_by_the_system_check():
    from types import SimpleNamespace

    from hubwire.sandbox.apps import emulator_app_labels

    good = SimpleNamespace(name="hubwire.sandbox.quickbooks", label="sandbox_quickbooks")
    bad = SimpleNamespace(name="hubwire.sandbox.google", label="google")

    assert emulator_app_labels([good]) == []
    [error] = emulator_app_labels([good, bad])
    assert error.id == "hubwire.sandbox.E001" and 'label = "sandbox_google"' in error.hint


class Meta:
    def __init__(self, label):
        self.app_label = label


class Model:
    def __init__(self, label):
        self._meta = Meta(label)


@pytest.mark.parametrize("label, database", [("sandbox", "sandbox"), ("sandbox_quickbooks", "sandbox"),
                                             ("integrations", "default"), ("integrations_twilio", "default"),
                                             ("sandboxes", "default")])
def test_every_emulator_app_label_is_routed_to_the_sandbox_database(label, database):
    router = SandboxRouter()
    assert router.db_for_write(Model(label)) == database
    assert router.allow_migrate(database, label) and not router.allow_migrate(
        {"sandbox": "default", "default": "sandbox"}[database], label)


def test_every_provider_folder_is_found_and_the_tabs_follow_tab_order():
    import pkgutil

    import hubwire.integrations as package
    from hubwire.integrations.providers import discover_providers
    from hubwire.integrations.registry import PROVIDERS

    folders = {type(p).__module__.split(".")[2] for p in PROVIDERS.values()}
    with_provider = {m.name for m in pkgutil.iter_modules(package.__path__)
                     if m.ispkg and (Path(package.__path__[0]) / m.name / "provider.py").exists()}
    assert with_provider <= folders
    discover_providers()  # finding them again changes nothing
    orders = [p.tab_order for p in PROVIDERS.values()]
    assert orders == sorted(orders)
    assert list(PROVIDERS)[:3] == ["stripe", "portal", "quickbooks"] and list(PROVIDERS)[-1] == "webhooks"
