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
    # By the fields' names: the page may be in any language.
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


# The phone sizes every floor test holds to.
PHONE_SIZES = [(360, 740), (320, 640)]
# How far in from each corner a point is taken: inside a rounded corner, still the box's edge.
CORNER_INSET = 4


def wholly_on_screen(locator) -> None:
    """The whole box in the viewport and on top at its four corners: no bar, note or message lies
    over any part of it."""
    box = locator.bounding_box()
    assert box is not None, locator
    height = locator.page.viewport_size["height"]
    width = locator.page.viewport_size["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (locator, box, height)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (locator, box, width)
    inset = CORNER_INSET
    left, right = box["x"] + inset, box["x"] + box["width"] - inset
    top, bottom = box["y"] + inset, box["y"] + box["height"] - inset
    covered = locator.evaluate(
        """(el, points) => points.filter(([x, y]) => !el.contains(document.elementFromPoint(x, y)))
            .map(([x, y]) => [x, y, document.elementFromPoint(x, y)?.outerHTML.slice(0, 80)])""",
        [[left, top], [right, top], [left, bottom], [right, bottom]],
    )
    assert covered == [], (locator, "is covered at", covered)


def brought_on_screen(locator) -> None:
    """Scrolled to as the browser brings a control into view (a tap on a label, a Tab), then wholly
    on screen."""
    locator.evaluate("el => el.scrollIntoView({block: 'nearest'})")
    wholly_on_screen(locator)


def wait_until(page: Page, expression: str, what: str) -> None:
    """Until `expression` is true in the page, polled with evaluate: `wait_for_function` compiles
    its predicate in the page, which the app's CSP (no unsafe-eval) refuses once it has to poll."""
    for _ in range(100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {what}")
