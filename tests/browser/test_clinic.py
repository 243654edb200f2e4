"""The clinician's side in Chromium: a clinician enrols a second factor and creates a practice, a
patient grants it access with the keyboard only, the clinician opens and prints the record (the
print is posted from a no-referrer page), and the patient sees every look; axe-core finds nothing
on any clinic page, laptop and phone, light and dark."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from journal.clinic.models import AccessEvent, Clinician, Grant, Practice
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.clinic.factories import GrantFactory, MemberFactory, code_now
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def tab_to(page: Page, locator, presses: int = 60) -> None:
    """Moves the focus with Tab alone until it reaches `locator`."""
    for _ in range(presses):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_a_practice_is_set_up_granted_read_and_seen_by_the_patient(live_server, browser: Browser):
    base = live_server.url
    clinician, patient = UserFactory(display_name="Dr Lee"), UserFactory(display_name="Ann")
    for _ in range(4):
        JournalEntryFactory(person=patient, pain=6, note="stiff morning")
    Clinician.objects.create(person=clinician)

    doctor = browser.new_context(**LAPTOP).new_page()
    log_in(doctor, base, clinician.username)
    doctor.goto(base + "/clinic/")
    expect(doctor.get_by_role("heading", name="Set up the second factor")).to_be_visible()
    device = TOTPDevice.objects.get(user=clinician)
    doctor.get_by_label("Code from your authenticator app, or a recovery code").fill(
        code_now(device)
    )
    doctor.get_by_role("button", name="Confirm").click()
    expect(doctor.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    doctor.get_by_role("link", name="I have kept them: go on").click()
    doctor.get_by_label("Name of the practice").fill("Riverside Physio")
    doctor.get_by_role("button", name="Create the practice").click()
    code = Practice.objects.get().share_code
    expect(doctor.locator(".share-code")).to_contain_text(code[:4])

    # The patient, keyboard only, on a phone.
    phone = browser.new_context(**PHONE).new_page()
    log_in(phone, base, patient.username)
    phone.goto(base + "/sharing/practices/")
    field = phone.get_by_label("The practice's code")
    tab_to(phone, field)
    phone.keyboard.type(f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Share with Riverside Physio?")).to_be_visible()
    expect(phone.locator(".members")).to_contain_text("Dr Lee")
    button = phone.get_by_role("button", name="Share my record with this practice")
    tab_to(phone, button)
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("button", name="Stop sharing with Riverside Physio")).to_be_visible()
    grant = Grant.objects.get()

    doctor.goto(base + "/clinic/")
    doctor.get_by_role("link", name="Ann").click()
    expect(doctor.get_by_role("heading", name="Ann: pain and release sessions")).to_be_visible()
    # The browser's own print dialog cannot be driven; the event it fires first can, once the
    # page's modules (which listen for it) have run.
    doctor.wait_for_load_state()
    with doctor.expect_response(lambda r: r.url.endswith("/printed/")) as printed:
        doctor.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert printed.value.status == 204
    assert [e.what for e in AccessEvent.objects.order_by("pk")] == ["view", "print"]

    phone.goto(base + "/sharing/practices/")
    events = phone.get_by_role("region", name="Every look, newest first")
    expect(events).to_contain_text("Printed the report")
    expect(events).to_contain_text("Dr Lee, Riverside Physio")
    phone.get_by_role("button", name="Stop sharing with Riverside Physio").click()
    doctor.reload()
    expect(doctor.get_by_role("heading", name="Ann: pain and release sessions")).to_have_count(0)
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def check(page: Page, url: str, found: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    if violations := page.evaluate(RUN_AXE):
        found[url] = violations


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_clinic_page_has_an_accessibility_violation(live_server, browser: Browser, size, scheme):
    base = live_server.url
    member = MemberFactory(role="admin")
    grant = GrantFactory(practice=member.practice, shown_name="Ann B.")
    for pain in (4, 6, 9):
        JournalEntryFactory(person=grant.person, pain=pain)
        ReleaseSessionFactory(person=grant.person, finished=True)
    newcomer = UserFactory()
    found: dict = {}

    page = browser.new_context(**size, color_scheme=scheme).new_page()
    log_in(page, base, newcomer.username)
    check(page, base + reverse("clinic:join"), found)
    Clinician.objects.create(person=newcomer)
    check(page, base + reverse("clinic:two-factor"), found)  # enrolment
    check(page, base + "/sharing/practices/", found)

    page = browser.new_context(**size, color_scheme=scheme).new_page()
    log_in(page, base, member.person.username)
    check(page, base + reverse("clinic:two-factor"), found)  # the second step of a sign-in
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        code_now(TOTPDevice.objects.get(user=member.person))
    )
    page.get_by_role("button", name="Confirm").click()
    for path in (
        reverse("clinic:patients"),
        reverse("clinic:patients") + "?flag=severe",
        reverse("clinic:practice"),
        reverse("clinic:patient", args=[grant.pk]),
    ):
        check(page, base + path, found)
    assert found == {}, found
