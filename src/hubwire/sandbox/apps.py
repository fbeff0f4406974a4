import pkgutil
from importlib import import_module

from django.apps import AppConfig
from django.core import checks


def emulator_packages() -> list[str]:
    """Every emulator: each sub-package of hubwire.sandbox (zoom/, stripe/, twilio/…), whose
    __init__ imports the modules that register its routes and test hooks."""
    import hubwire.sandbox

    return [f"hubwire.sandbox.{m.name}" for m in pkgutil.iter_modules(hubwire.sandbox.__path__)
            if m.ispkg and m.name != "migrations"]


class SandboxConfig(AppConfig):
    name = "hubwire.sandbox"
    label = "sandbox"
    verbose_name = "Provider sandbox"

    def ready(self):
        # The sandbox's own pieces: test hooks, the webhook receiver, the OAuth servers and Google's
        # userinfo; then every emulator.
        from hubwire.sandbox import control, receiver, servers, userinfo  # noqa: F401
        for package in emulator_packages():
            import_module(package)
        checks.register(emulator_app_labels)


def emulator_app_labels(app_configs, **kwargs):
    """An emulator with tables must be labelled sandbox_<name>, or its tables would land in hubwire's database."""
    from django.apps import apps

    from hubwire.sandbox.router import is_sandbox_label

    return [checks.Error(f"The emulator app {config.name} is labelled {config.label!r}.",
                         hint=f"Set label = \"sandbox_{config.name.rpartition('.')[2]}\" in its AppConfig.",
                         obj=config, id="hubwire.sandbox.E001")
            for config in app_configs or apps.get_app_configs()
            if config.name.startswith("hubwire.sandbox.") and not is_sandbox_label(config.label)]
