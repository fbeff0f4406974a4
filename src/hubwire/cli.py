"""The `hubwire` command: Django's manage.py under hubwire's settings (`hubwire run`, `hubwire migrate`, …)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubwire.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
