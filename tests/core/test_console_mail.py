"""Without SMTP (`make run`), mail is printed to the terminal; a link in it must copy whole (issue 16,
item 6). Sent in a fresh process configured as `make run` is, so the backend is the one settings pick."""

import os
import subprocess
import sys

LINK = "http://127.0.0.1:8000/team/join/" + "Ab3=_-" * 20 + "/"

SEND = f"""
import django
django.setup()
from django.core.mail import EmailMultiAlternatives
message = EmailMultiAlternatives(subject="Northwind invited you to hubwire — join", to=["dana@example.test"],
                                 body="Hello Dana,\\n\\nJoin here:\\n{LINK}\\n")
message.attach_alternative("<p><a href='{LINK}'>Join</a></p>", "text/html")
message.send()
"""


def printed_mail(tmp_path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBWIRE_", "EMAIL_"))}
    env.update(DJANGO_SETTINGS_MODULE="hubwire.settings", HUBWIRE_VAR_DIR=str(tmp_path / "var"))
    out = subprocess.run([sys.executable, "-c", SEND], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_long_link_in_a_printed_mail_is_whole_on_one_line(tmp_path):
    printed = printed_mail(tmp_path)
    lines = printed.splitlines()
    assert LINK in lines  # the plain-text part, not quoted-printable (no "=" line breaks, no "=3D")
    assert "Subject: Northwind invited you to hubwire — join" in lines  # headers decoded too
    assert "To: dana@example.test" in lines
    assert f"<p><a href='{LINK}'>Join</a></p>" in lines
