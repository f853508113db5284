#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A setting that is missing or cannot be read: the message names the variable, and
        # a traceback through Django's start-up would only bury it.
        sys.exit(f"manage.py: {exc}")


if __name__ == "__main__":
    main()
