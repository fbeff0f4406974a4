"""The sandbox's tables live in the "sandbox" database, everything else in "default": the sandbox
app's own (label "sandbox") and every emulator app's (label "sandbox_<emulator>", see
core/app_folders.py)."""

SANDBOX_APP = "sandbox"


def is_sandbox_label(app_label: str) -> bool:
    return app_label == SANDBOX_APP or app_label.startswith(SANDBOX_APP + "_")


class SandboxRouter:
    def db_for_read(self, model, **hints):
        return "sandbox" if is_sandbox_label(model._meta.app_label) else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return is_sandbox_label(obj1._meta.app_label) == is_sandbox_label(obj2._meta.app_label)

    def allow_migrate(self, db, app_label, **hints):
        return is_sandbox_label(app_label) == (db == "sandbox")
