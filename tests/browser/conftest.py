from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page

from backrelease.devtools.localserver import CHROMIUM_ARGS
from sessions.models import Step
from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# What a session holds on reaching each step, to open it there.
ANSWERS_BEFORE = {
    Step.PAIN_BEFORE: {},
    Step.BREATHE: {"pain_before": 6},
    Step.ARCH_BEFORE: {"pain_before": 6},
    Step.BALL: {"pain_before": 6, "arch_before": 3},
    Step.RELAX: {"pain_before": 6, "arch_before": 3, "ball_setup": "one"},
    Step.ROLL_OFF: {"pain_before": 6, "arch_before": 3, "ball_setup": "one", "relax_seconds": 300},
    Step.EXTRAS: {
        "pain_before": 6,
        "arch_before": 3,
        "ball_setup": "one",
        "relax_seconds": 300,
        "arch_after": 1,
        "pain_after": 3,
    },
}
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: nothing is downloaded at run time.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
