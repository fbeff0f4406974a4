"""hubwire's state under var/ is its owner's only: the directory 0700 (an existing, looser one is
tightened) and every file in it 0600: databases, their WAL files, the generated keys."""

import os
import stat
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def modes(var: Path) -> dict[str, str]:
    return {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in [var, *var.rglob("*")]}


def private(var: Path) -> dict[str, str]:
    return {path.name: "0o700" if path.is_dir() else "0o600" for path in [var, *var.rglob("*")]}


def migrate(var: Path) -> None:
    # A fresh var/ with the default databases: nothing of the test run's own (scripts/test.sh gives the
    # PostgreSQL pass a sandbox file of its own through HUBWIRE_SANDBOX_DATABASE_URL).
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "HUBWIRE_SANDBOX_DATABASE_URL", "SECRET_KEY", "HUBWIRE_ENCRYPTION_KEYS")}
    env.update(HUBWIRE_VAR_DIR=str(var))
    for database in ("default", "sandbox"):
        done = subprocess.run([str(BIN / "hubwire"), "migrate", "--database", database, "-v", "0"], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr


def test_var_and_every_file_hubwire_creates_in_it_are_private(tmp_path):
    var = tmp_path / "var"
    migrate(var)
    shown = modes(var)
    assert {"hubwire.sqlite3", "sandbox.sqlite3", "secret_key", "encryption_key"} <= shown.keys(), shown
    assert shown == private(var)


def test_an_existing_var_readable_by_others_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    migrate(var)
    assert modes(var)["var"] == "0o700"
