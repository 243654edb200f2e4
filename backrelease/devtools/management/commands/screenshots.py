"""PNG screenshots of the main screens at phone and laptop sizes, into docs/screenshots/."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from playwright.sync_api import sync_playwright

from backrelease.devtools import localserver
from sessions.models import Step

OUT = settings.BASE_DIR / "docs" / "screenshots"
SIZES = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1280, "height": 800}}


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
                with localserver.open_session(person, up_to=Step.PAIN_BEFORE) as session:
                    self._shoot(
                        page, f"{base_url}{session.get_absolute_url()}", f"{size}-session-step"
                    )
                with localserver.open_session(person, up_to=Step.BALL) as session:
                    self._shoot(page, f"{base_url}{session.get_absolute_url()}", f"{size}-ball")
                with localserver.open_session(person, up_to=Step.RELAX) as session:
                    self._shoot(page, f"{base_url}{session.get_absolute_url()}", f"{size}-relax")
                self._shoot(page, f"{base_url}{reverse('home')}", f"{size}-home")
                self._shoot(page, f"{base_url}{reverse('trends')}", f"{size}-trends")
                self._shoot(page, f"{base_url}{reverse('reminders:page')}", f"{size}-reminders")
                context.close()
            browser.close()

    def _shoot(self, page, url: str, name: str) -> None:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        path = OUT / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}")
