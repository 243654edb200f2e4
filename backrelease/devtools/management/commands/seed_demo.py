import os

from django.core.management.base import BaseCommand

from backrelease.devtools import demo


class Command(BaseCommand):
    help = "Creates the demo person with six weeks of history; running it again changes nothing."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD", "release-demo")
        person, created = demo.seed(password)
        what = "Created" if created else "Kept"
        self.stdout.write(
            f"{what} the demo history: {person.release_sessions.count()} sessions, "
            f"{person.journal_entries.count()} journal entries, "
            f"{person.weekly_check_ins.count()} weekly check-ins."
        )
        self.stdout.write(f"Demo login: {demo.DEMO_USERNAME} / {password}")
