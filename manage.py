#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # Development settings unless told: a deployment sets backrelease.settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backrelease.devtools.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
