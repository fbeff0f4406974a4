"""Where hubwire keeps its local state (SQLite files, the generated secret key, the broker)."""

import os
from pathlib import Path


def _default_var_dir() -> Path:
    # Running from a source checkout (src layout): keep var/ beside pyproject.toml, so that
    # `make run` and `make test` find the same files whatever the working directory.
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


VAR_DIR = Path(os.environ.get("HUBWIRE_VAR_DIR") or _default_var_dir())


def var_path(name: str) -> Path:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return VAR_DIR / name


def read_or_create_secret(name: str, make) -> str:
    """A value generated once and kept under var/ (mode 0600), e.g. the SECRET_KEY."""
    path = var_path(name)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = make()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        return value
