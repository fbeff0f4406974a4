"""The documentation stays true: every setting the code reads is in docs/configuration.md and every
setting documented there is read; every relative link (and #anchor) in README.md and docs/ leads
somewhere; every page under docs/ is linked; the event list of docs/api.md is the catalog's; and the
commands the docs show that run offline in a moment do run."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "hubwire"
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]

# ------------------------------------------------------------------------------------------ settings

# Where the code reads a setting by its full name.
READS = [
    r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"',    # os.environ.get("NAME", …)
    r'os\.environ\[\s*"([A-Z][A-Z0-9_]+)"\s*\]',    # os.environ["NAME"]
    r'os\.getenv\(\s*"([A-Z][A-Z0-9_]+)"',
    r'\benv_[a-z]+\(\s*"([A-Z][A-Z0-9_]+)"',        # settings.py's env_bool / env_list / env_days
    r'\bnumber_setting\(\s*"([A-Z][A-Z0-9_]+)"',    # core/number_settings.py
]
# A folder's own helper, `def setting(name, …): return number_setting(f"HUBWIRE_<PREFIX>_{name}", …)`,
# called as setting("NAME", default) in that folder.
FOLDER_HELPER = re.compile(r'def setting\(name[^)]*\)[^\n]*\n(?:[^\n]*\n){0,3}?[^\n]*number_setting\(f"([A-Z0-9_]+)\{name\}"')
FOLDER_CALL = re.compile(r'(?<![\w.])setting\(\s*"([A-Z][A-Z0-9_]+)"')


def python_files():
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def settings_read_by_name() -> set[str]:
    names = set()
    for path in python_files():
        text = path.read_text()
        for pattern in READS:
            names.update(re.findall(pattern, text))
    for helper in SRC.rglob("*.py"):
        match = FOLDER_HELPER.search(helper.read_text())
        if match:
            for path in helper.parent.rglob("*.py"):
                names.update(match.group(1) + name for name in FOLDER_CALL.findall(path.read_text()))
    return names


def provider_settings() -> set[str]:
    """Provider.setting("name") reads HUBWIRE_<KEY>_<NAME> (integrations/registry.py): the calls in each
    provider's folder, per mode where the name is made from the mode, and the OAuth client id and
    secret the base class reads for an OAuth provider that does not bring its own."""
    from hubwire.integrations.registry import PROVIDERS, AuthKind, Provider

    names = set()
    for key, provider in PROVIDERS.items():
        prefix = f"HUBWIRE_{key.upper()}_"
        folder = SRC / "integrations" / key
        text = "".join(p.read_text() for p in folder.rglob("*.py")) if folder.is_dir() else ""
        names.update(prefix + n.upper() for n in re.findall(r'self\.setting\(\s*"([a-z_]+)"\s*\)', text))
        for suffix in re.findall(r'self\.setting\(\s*f"\{[\w.]+\}_([a-z_]+)"\s*\)', text):
            names.update(f"{prefix}{mode.upper()}_{suffix.upper()}" for mode in getattr(provider, "modes", ()))
        if provider.auth_kind == AuthKind.OAUTH2 and type(provider).client_credentials is Provider.client_credentials:
            names.update({prefix + "CLIENT_ID", prefix + "CLIENT_SECRET"})
    return names


def documented_settings() -> set[str]:
    """The names in the first column of docs/configuration.md's table. A cell may name several, and
    "`…_SUFFIX`" stands for the cell's first name with its end replaced by SUFFIX; the shorthand is
    expanded to the name the code reads (the caller reports one that matches nothing)."""
    known = settings_read_by_name() | provider_settings()
    names = set()
    for line in (DOCS / "configuration.md").read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split("|")[1]
        full = None
        for name in re.findall(r"`([^`]+)`", cell):
            if name.startswith(("…_", "_")):
                suffix = name.lstrip("…_")
                parts = full.split("_")
                candidates = ["_".join(parts[:cut] + [suffix]) for cut in range(len(parts) - 1, 0, -1)]
                names.add(next((c for c in candidates if c in known), f"{full} …_{suffix}"))
            else:
                full = name
                names.add(name)
    return names


def is_pattern(name: str) -> bool:
    return "<" in name  # e.g. HUBWIRE_<PROVIDER>_URL_<HOST>, described in words


def test_every_setting_read_in_the_code_is_in_docs_configuration():
    missing = (settings_read_by_name() | provider_settings()) - documented_settings()
    assert not missing, f"settings read in the code but not in docs/configuration.md: {sorted(missing)}"


def test_every_setting_in_docs_configuration_is_read_by_the_code():
    read = settings_read_by_name() | provider_settings()
    stale = {name for name in documented_settings() - read if not is_pattern(name)}
    assert not stale, f"docs/configuration.md documents settings nothing reads: {sorted(stale)}"


def test_the_settings_check_finds_each_way_of_reading_a_setting():
    # One of each kind, so that a pattern that stops matching fails here rather than passing vacuously.
    read = settings_read_by_name() | provider_settings()
    assert {"DATABASE_URL", "HUBWIRE_SANDBOX", "HUBWIRE_TWILIO_SEGMENTS_PER_SECOND", "PORT",
            "HUBWIRE_GOOGLE_CALENDAR_WINDOW_DAYS", "HUBWIRE_GOOGLE_WORKSPACE_REFRESH_MINUTES",
            "HUBWIRE_ZOOM_CLIENT_ID", "HUBWIRE_ZOOM_WEBHOOK_SECRET", "HUBWIRE_STRIPE_LIVE_WEBHOOK_SECRET",
            "HUBWIRE_STRIPE_APPLICATION_FEE_PERCENT"} <= read


# ------------------------------------------------------------------------------------------ links

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


def links(page: Path):
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    for target in LINK.findall(text):
        if not re.match(r"[a-z]+:", target):
            yield target


def test_every_relative_link_leads_to_a_file_and_heading():
    broken = []
    for page in PAGES:
        for target in links(page):
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_every_page_under_docs_is_linked():
    linked = {(page.parent / t.partition("#")[0]).resolve() for page in PAGES for t in links(page) if t.partition("#")[0]}
    orphans = [str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md") if p.resolve() not in linked]
    assert not orphans, f"pages under docs/ that nothing links to: {orphans}"


# ------------------------------------------------------------------------------------------ events


def docs_events():
    spec = importlib.util.spec_from_file_location("docs_events", ROOT / "scripts" / "docs_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_event_list_in_docs_api_is_the_catalogs():
    module = docs_events()
    assert module.current() == module.render(), "docs/api.md's event list is out of date: run python scripts/docs_events.py"


def test_each_event_example_matches_its_schema():
    from hubwire.events.catalog import CATALOG

    module = docs_events()
    for event_type in CATALOG.values():
        example = module.envelope(event_type)
        assert list(example) == ["type", "timestamp", "data"]
        event_type.validator.validate(example["data"])


# ------------------------------------------------------------------------------------------ commands


def shown_commands() -> str:
    return "\n".join(page.read_text() for page in PAGES)


def run(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBWIRE_")}
    env.update(HUBWIRE_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="hubwire.settings",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_every_hubwire_command_the_docs_show_exists(tmp_path):
    named = set(re.findall(r"`hubwire ([a-z][a-z_-]+)", shown_commands()))
    assert {"run", "migrate", "rotate_keys", "prune"} <= named
    out = run([sys.executable, "-m", "hubwire.cli", "help", "--commands"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert not named - set(out.stdout.split()), f"commands the docs show that `hubwire` lacks: {named - set(out.stdout.split())}"


def test_the_key_generating_command_in_docs_deployment_prints_a_key(tmp_path):
    command = re.search(r'`python -c\s+"(.+?)"`', (DOCS / "deployment.md").read_text(), flags=re.S).group(1)
    out = run([sys.executable, "-c", command.replace("\n", " ")], tmp_path)
    assert out.returncode == 0, out.stderr
    from cryptography.fernet import Fernet

    Fernet(out.stdout.strip().encode())  # a valid key


@pytest.mark.parametrize("option", ["--check"])
def test_the_events_script_runs_as_the_docs_show(tmp_path, option):
    assert "scripts/docs_events.py" in (DOCS / "api.md").read_text()
    out = run([sys.executable, "scripts/docs_events.py", option], tmp_path)
    assert out.returncode == 0, out.stderr
