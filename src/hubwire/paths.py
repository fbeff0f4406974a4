"""Where hubwire keeps its local state (SQLite files, the generated secret key, the broker), readable
by its owner only: var/ is 0700 and every file a hubwire process creates is 0600."""

import functools
import os
from pathlib import Path

# Every hubwire process (the CLI, gunicorn, Celery, the tests) imports this module through the
# settings: from here on it creates files 0600, SQLite's -wal and -shm files included.
os.umask(0o077)


def _default_var_dir() -> Path:
    # Running from a source checkout (src layout): keep var/ beside pyproject.toml, so that
    # `make run` and `make test` find the same files whatever the working directory.
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


VAR_DIR = Path(os.environ.get("HUBWIRE_VAR_DIR") or _default_var_dir())


def var_path(name: str) -> Path:
    _private_var_dir()
    return VAR_DIR / name


@functools.cache
def _private_var_dir() -> None:
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A var/ made before hubwire kept it private (or by hand) is tightened, if it is ours to change.
    info = VAR_DIR.stat()
    if info.st_uid == os.geteuid() and info.st_mode & 0o077:
        VAR_DIR.chmod(0o700)


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
