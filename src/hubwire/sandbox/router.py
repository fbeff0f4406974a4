"""The sandbox's tables live in the "sandbox" database, everything else in "default"."""

SANDBOX_APP = "sandbox"


class SandboxRouter:
    def db_for_read(self, model, **hints):
        return "sandbox" if model._meta.app_label == SANDBOX_APP else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return (obj1._meta.app_label == SANDBOX_APP) == (obj2._meta.app_label == SANDBOX_APP)

    def allow_migrate(self, db, app_label, **hints):
        return (app_label == SANDBOX_APP) == (db == "sandbox")
