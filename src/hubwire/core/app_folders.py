"""Which folders are Django apps of their own: a provider folder under integrations/ or an emulator
folder under sandbox/ that holds an apps.py (because it keeps tables of its own) is installed by
the settings without anyone naming it. Plain Python, no Django: the settings import it.

Labels: a provider's app is labelled `integrations_<folder>` and an emulator's `sandbox_<folder>`
(set `label` in its AppConfig), so that the two never clash and sandbox/router.py sends every
emulator's tables to the sandbox database."""

from pathlib import Path


def app_folders(package: str, folder: Path) -> list[str]:
    """Dotted names of `folder`'s sub-packages that have an apps.py, sorted by name."""
    return [f"{package}.{child.name}" for child in sorted(folder.iterdir())
            if (child / "__init__.py").is_file() and (child / "apps.py").is_file()]
