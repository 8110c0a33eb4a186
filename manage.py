#!/usr/bin/env python
"""Django's command-line utility for Smartrix Grid."""

import os
import sys
import time

# Commands that need no Django run before it starts (its start-up costs seconds).
PURE_COMMANDS = {"grid_plan": "grid.planning.cli"}


def main() -> None:
    started = time.perf_counter()
    if len(sys.argv) > 1 and sys.argv[1] in PURE_COMMANDS:
        from importlib import import_module

        command = import_module(PURE_COMMANDS[sys.argv[1]])
        sys.exit(command.main(sys.argv[2:], started=started))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
