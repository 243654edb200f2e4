from django.core.management.base import BaseCommand

from backrelease.devtools import catalogs


class Command(BaseCommand):
    help = "Gathers every marked string into the German and Spanish catalogs (make messages)."

    def handle(self, *args, **options) -> None:
        catalogs.update()
