"""PNG screenshots of the main screens at phone and laptop sizes, into docs/screenshots/, and of the
session steps at phone size in every other language the app speaks (`phone-ball-de.png`)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from playwright.sync_api import sync_playwright

from backrelease.accounts.models import User
from backrelease.devtools import localserver
from sessions.models import Step

OUT = settings.BASE_DIR / "docs" / "screenshots"
SIZES = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1280, "height": 800}}
# The session's steps, each named by its picture (`phone-ball.png`).
STEPS = {"session-step": Step.PAIN_BEFORE, "ball": Step.BALL, "relax": Step.RELAX}
# Besides English: the session steps on a phone, as a person who chose the language sees them.
OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class Command(BaseCommand):
    help = "Writes screenshots of session steps, the relax countdown, home, trends and reminders."

    def handle(self, *args, **options) -> None:
        # The sync Playwright API runs an event loop in this thread; the database calls made while
        # it runs are ordinary blocking ones, which Django would otherwise refuse.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        OUT.mkdir(parents=True, exist_ok=True)
        person = localserver.demo_person()
        name, value = localserver.session_cookie(person)
        cookie = {"name": name, "value": value, "url": localserver.BASE_URL}
        with localserver.running_server() as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
                args=localserver.CHROMIUM_ARGS,
            )
            for size, viewport in SIZES.items():
                context = browser.new_context(
                    viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone"
                )
                context.add_cookies([cookie])
                page = context.new_page()
                self._steps(page, base_url, person, size)
                if size == "phone":
                    for language in OTHER_LANGUAGES:
                        self._steps(page, base_url, person, size, language)
                self._shoot(page, f"{base_url}{reverse('home')}", f"{size}-home")
                self._shoot(page, f"{base_url}{reverse('trends')}", f"{size}-trends")
                self._shoot(page, f"{base_url}{reverse('reminders:page')}", f"{size}-reminders")
                context.close()
            browser.close()

    def _steps(
        self, page, base_url: str, person: User, size: str, language: str | None = None
    ) -> None:
        """Every step of `STEPS`, in `language` saved with the demo person's account (the choice
        that decides a signed-in person's pages) and put back afterwards."""
        before = person.language
        if language:
            User.objects.filter(pk=person.pk).update(language=language)
        try:
            for name, step in STEPS.items():
                with localserver.open_session(person, up_to=step) as session:
                    url = f"{base_url}{session.get_absolute_url()}"
                    suffix = f"-{language}" if language else ""
                    self._shoot(page, url, f"{size}-{name}{suffix}")
        finally:
            User.objects.filter(pk=person.pk).update(language=before)

    def _shoot(self, page, url: str, name: str) -> None:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        path = OUT / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}")
