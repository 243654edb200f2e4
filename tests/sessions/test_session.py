"""The session page: every step through the test client, as a full page and as an htmx partial."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import RELAX_SECONDS, ReleaseSession, Step
from tests.factories import ReleaseSessionFactory, step_form

pytestmark = pytest.mark.django_db

# What each step posts to move on, and a phrase only that step's partial shows.
STEP_POSTS = [
    (Step.PAIN_BEFORE, {"pain_before": "7"}, "How much does your back hurt right now?"),
    (Step.BREATHE, {}, "Breathe into your belly"),
    (Step.ARCH_BEFORE, {"arch_before": "3"}, "Lie down and feel the arch"),
    (Step.BALL, {"ball_setup": "one"}, "Ball under the sacrum"),
    (Step.RELAX, {}, "Relax into the ball"),
    (Step.ROLL_OFF, {"arch_after": "1", "pain_after": "4"}, "Roll off and lie flat"),
    (Step.EXTRAS, {"tension_before": "6", "tension_after": "2", "note": "Calm."}, "Anything else?"),
]


def url(session: ReleaseSession) -> str:
    return reverse("sessions:session", args=[session.pk])


def post_step(client: Client, session: ReleaseSession, step: str, data: dict, **headers):
    fields = {**step_form(session), "step": step, "action": "next", **data}
    return client.post(url(session), fields, **headers)


def test_it_walks_the_whole_session_with_htmx_partials(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person)
    for step, data, heading in STEP_POSTS:
        page = person_client.get(url(session))
        assert heading in page.text
        assert "<html" in page.text
        partial = person_client.get(url(session), **htmx_headers)
        assert heading in partial.text
        assert "<html" not in partial.text
        assert partial.text.lstrip().startswith('<section id="step"')
        response = post_step(person_client, session, step, data, **htmx_headers)
        assert response.status_code == 200
        assert "<html" not in response.text
    session.refresh_from_db()
    assert session.step == Step.DONE
    assert session.finished_at is not None
    assert (session.pain_before, session.pain_after) == (7, 4)
    assert (session.arch_before, session.arch_after) == (3, 1)
    assert (session.tension_before, session.tension_after) == (6, 2)
    assert session.note == "Calm."
    summary = person_client.get(url(session)).text
    assert "pain 7 → 4" in summary
    assert "arch 3 → 1" in summary


def test_it_redirects_after_a_plain_form_post(person, person_client):
    session = ReleaseSessionFactory(person=person)
    response = post_step(person_client, session, Step.PAIN_BEFORE, {"pain_before": "5"})
    assert response.status_code == 302
    assert response.url == url(session)
    follow = person_client.get(response.url)
    assert "Breathe into your belly" in follow.text
    assert "Step 1 of 5" in follow.text


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (Step.PAIN_BEFORE, {}, "Choose your pain right now: a whole number from 0 to 10."),
        (Step.PAIN_BEFORE, {"pain_before": "11"}, "must be a whole number from 0 to 10"),
        (Step.PAIN_BEFORE, {"pain_before": "seven"}, "must be a whole number from 0 to 10"),
        (Step.ARCH_BEFORE, {"arch_before": "5"}, "The arch rating is a whole number from 0 to 4."),
        (Step.BALL, {"ball_setup": "three"}, "Select a valid choice"),
        (Step.ROLL_OFF, {"arch_after": "1"}, "Choose your pain now"),
        (Step.EXTRAS, {"note": "x" * 2001}, "Keep the note under 2000 characters."),
    ],
)
def test_it_refuses_bad_input_on_the_same_step(
    person, person_client, htmx_headers, step, data, message
):
    session = ReleaseSessionFactory(person=person, step=step)
    before = ReleaseSession.objects.values().get(pk=session.pk)
    response = post_step(person_client, session, step, data, **htmx_headers)
    assert response.status_code == 422
    assert message in response.text
    assert f'data-step="{step}"' in response.text
    assert ReleaseSession.objects.values().get(pk=session.pk) == before


def test_it_shows_the_error_on_the_full_page_without_htmx(person, person_client):
    session = ReleaseSessionFactory(person=person)
    response = post_step(person_client, session, Step.PAIN_BEFORE, {"pain_before": "-1"})
    assert response.status_code == 422
    assert "<html" in response.text
    assert "must be a whole number from 0 to 10" in response.text
    session.refresh_from_db()
    assert session.pain_before is None


def test_a_refused_answer_keeps_the_choices_already_made(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person, step=Step.ROLL_OFF)
    response = post_step(person_client, session, Step.ROLL_OFF, {"arch_after": "1"}, **htmx_headers)
    assert response.status_code == 422
    page = response.text
    chosen = 'type="radio" name="arch_after" value="1" id="id_arch_after_1" checked required>'
    assert chosen in page
    assert 'name="arch_after" value="2" id="id_arch_after_2" required>' in page
    assert 'name="pain_after" value="0" id="id_pain_after_0" required aria-invalid="true">' in page
    assert "checked" not in page.split('name="pain_after"', 1)[1].split("</fieldset>", 1)[0]


def test_the_arch_scale_pairs_each_number_with_its_meaning(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE, pain_before=5)
    page = person_client.get(url(session), **htmx_headers).text
    assert '<span aria-hidden="true">0</span><span class="visually-hidden">0: No gap' in page
    assert (
        '<span data-value="4"><span>4: More than a flat hand fits.</span> Lower is looser.</span>'
        in page
    )


def questions(page: str) -> str:
    """The step's form without its per-response CSRF token."""
    form = page[page.index('<form method="post"') : page.index("</form>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", form)


@pytest.mark.parametrize("step", [Step.PAIN_BEFORE, Step.ARCH_BEFORE, Step.ROLL_OFF, Step.EXTRAS])
def test_a_step_from_the_fragment_cache_reads_as_one_rendered_afresh(
    person, person_client, htmx_headers, step
):
    session = ReleaseSessionFactory(person=person, step=step, pain_before=5, arch_before=2)
    caches["fragments"].clear()
    afresh = person_client.get(url(session), **htmx_headers).text
    cached = person_client.get(url(session), **htmx_headers).text
    assert caches["fragments"].get(make_template_fragment_key("session-questions", [step, "en-gb"]))
    assert questions(cached) == questions(afresh)


def test_a_refused_answer_is_shown_around_the_cached_blank_step(
    person, person_client, htmx_headers
):
    session = ReleaseSessionFactory(person=person, step=Step.PAIN_BEFORE)
    person_client.get(url(session), **htmx_headers)
    refused = post_step(
        person_client, session, Step.PAIN_BEFORE, {"pain_before": "11"}, **htmx_headers
    )
    assert refused.status_code == 422
    assert "must be a whole number from 0 to 10" in refused.text
    assert 'aria-invalid="true"' in refused.text
    blank = person_client.get(url(session), **htmx_headers).text
    assert "must be a whole number" not in blank
    assert "aria-invalid" not in blank


def test_a_refused_stop_keeps_the_step_and_shows_its_own_error(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=5)
    person_client.get(url(session), **htmx_headers)
    refused = person_client.post(
        url(session), {**step_form(session), "step": Step.BREATHE, "action": "stop"}, **htmx_headers
    )
    assert refused.status_code == 422
    assert "Breathe into your belly" in refused.text
    assert '<details class="stop-early" open>' in refused.text
    assert '<details class="stop-early">' in person_client.get(url(session), **htmx_headers).text


def test_the_ball_and_relax_steps_show_each_sessions_own_times(person, person_client):
    first = ReleaseSessionFactory(person=person, step=Step.BALL, pain_before=5, arch_before=2)
    assert "Start the 5 minutes" in person_client.get(url(first)).text
    first.delete()
    second = ReleaseSessionFactory(
        person=person, step=Step.BALL, pain_before=5, arch_before=2, relax_seconds=60
    )
    assert "Back to relaxing (4:00 left)" in person_client.get(url(second)).text


def test_it_saves_a_double_tap_once(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person)
    shown = {**step_form(session), "action": "next"}
    person_client.post(url(session), {**shown, "pain_before": "6"}, **htmx_headers)
    retry = person_client.post(url(session), {**shown, "pain_before": "2"}, **htmx_headers)
    assert retry.status_code == 200
    assert "Breathe into your belly" in retry.text
    session.refresh_from_db()
    assert session.pain_before == 6
    assert session.step == Step.BREATHE


def test_an_answer_from_a_page_shown_before_a_reposition_changes_nothing(
    person, person_client, htmx_headers
):
    start = timezone.now() - timedelta(seconds=60)
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, pain_before=5, started_at=start, step_started_at=start
    )
    first_relax = step_form(session)
    post_step(person_client, session, Step.RELAX, {"action": "reposition"}, **htmx_headers)
    post_step(person_client, session, Step.BALL, {"ball_setup": "one"}, **htmx_headers)
    stale = person_client.post(
        url(session),
        {**first_relax, "action": "stop", "stop-stopped_early_reason": "sharp_pain"},
        **htmx_headers,
    )
    assert stale.status_code == 200
    assert "Relax into the ball" in stale.text
    session.refresh_from_db()
    assert (session.step, session.repositions, session.finished_at) == (Step.RELAX, 1, None)


@pytest.mark.parametrize("setup", ["one", "two"])
def test_after_a_reposition_the_ball_step_keeps_the_set_up_chosen(
    person, person_client, htmx_headers, setup
):
    start = timezone.now() - timedelta(seconds=60)
    session = ReleaseSessionFactory(
        person=person,
        step=Step.RELAX,
        pain_before=5,
        ball_setup=setup,
        started_at=start,
        step_started_at=start,
    )
    post_step(person_client, session, Step.RELAX, {"action": "reposition"}, **htmx_headers)
    for page in (person_client.get(url(session)), person_client.get(url(session), **htmx_headers)):
        checked = re.findall(
            r'<input type="radio" name="ball_setup" value="(\w+)"[^>]* checked', page.text
        )
        assert checked == [setup]
    assert "Back to relaxing" in page.text


def test_a_first_ball_step_has_no_set_up_chosen(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.BALL, pain_before=5)
    page = person_client.get(url(session)).text
    assert 'name="ball_setup"' in page
    assert not re.search(r'name="ball_setup"[^>]* checked', page)


@pytest.mark.parametrize("started", [None, "", "not a time", "2026-11-28T10:00:00"])
def test_an_answer_without_the_steps_start_changes_nothing(
    person, person_client, htmx_headers, started
):
    session = ReleaseSessionFactory(person=person)
    fields = {"step": Step.PAIN_BEFORE, "action": "next", "pain_before": "6"}
    if started is not None:
        fields["step_started_at"] = started
    response = person_client.post(url(session), fields, **htmx_headers)
    assert response.status_code == 200
    assert "How much does your back hurt right now?" in response.text
    session.refresh_from_db()
    assert (session.step, session.pain_before) == (Step.PAIN_BEFORE, None)


def test_it_ignores_a_retried_finish(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.EXTRAS, pain_before=5)
    post_step(person_client, session, Step.EXTRAS, {"note": "first"})
    session.refresh_from_db()
    finished_at = session.finished_at
    post_step(person_client, session, Step.EXTRAS, {"note": "second"})
    session.refresh_from_db()
    assert (session.note, session.finished_at) == ("first", finished_at)


def test_it_shows_the_current_step_on_a_full_reload(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.BALL, pain_before=5, arch_before=2)
    page = person_client.get(url(session))
    assert "Ball under the sacrum" in page.text
    assert "Step 3 of 5" in page.text


def test_it_answers_405_to_other_methods_on_the_persons_own_session(person, person_client):
    session = ReleaseSessionFactory(person=person)
    for send in (person_client.put, person_client.delete, person_client.patch):
        response = send(url(session))
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, POST"


def test_it_hides_another_persons_session(person_client, other_person):
    session = ReleaseSessionFactory(person=other_person)
    assert person_client.get(url(session)).status_code == 404
    response = post_step(person_client, session, Step.PAIN_BEFORE, {"pain_before": "3"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.pain_before is None


def test_it_sends_anonymous_visitors_to_log_in(db):
    session = ReleaseSessionFactory()
    response = Client().get(url(session))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_enforces_csrf_on_htmx_posts(person, htmx_headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    session = ReleaseSessionFactory(person=person)
    response = post_step(client, session, Step.PAIN_BEFORE, {"pain_before": "3"}, **htmx_headers)
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.pain_before is None


def test_it_accepts_the_csrf_header_the_page_gives_htmx(person, htmx_headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    session = ReleaseSessionFactory(person=person)
    page = client.get(url(session))
    token = page.text.split('"X-CSRFToken": "')[1].split('"')[0]
    response = post_step(
        client,
        session,
        Step.PAIN_BEFORE,
        {"pain_before": "3"},
        HTTP_X_CSRFTOKEN=token,
        **htmx_headers,
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.pain_before == 3


def test_it_escapes_the_note(person, person_client):
    session = ReleaseSessionFactory(person=person, finished=True, note="<script>alert(1)</script>")
    page = person_client.get(url(session))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_it_counts_down_from_the_step_start(person, person_client):
    started = timezone.now() - timedelta(seconds=100)
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=started, step_started_at=started
    )
    with time_machine.travel(started + timedelta(seconds=100), tick=False):
        page = person_client.get(url(session))
    assert '<p class="countdown-time" data-countdown-time>3:20</p>' in page.text
    ends_at = timezone.localtime(started + timedelta(seconds=RELAX_SECONDS), person.zone)
    assert f'data-ends-at="{ends_at.isoformat()}"' in page.text


def test_it_toggles_knees_lifted_without_leaving_relax(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person, step=Step.RELAX)
    response = person_client.post(
        url(session),
        {**step_form(session), "step": Step.RELAX, "action": "knees", "knees_lifted": "on"},
        **htmx_headers,
    )
    assert 'aria-pressed="true"' in response.text
    session.refresh_from_db()
    assert session.knees_lifted is True
    assert session.step == Step.RELAX


def test_it_repositions_and_keeps_the_time_already_relaxed(person, person_client, htmx_headers):
    start = timezone.now()
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    with time_machine.travel(start + timedelta(seconds=120), tick=False):
        response = person_client.post(
            url(session),
            {**step_form(session), "step": Step.RELAX, "action": "reposition"},
            **htmx_headers,
        )
    assert "Ball under the sacrum" in response.text
    assert "Back to relaxing (3:00 left)" in response.text
    with time_machine.travel(start + timedelta(seconds=150), tick=False):
        response = post_step(
            person_client, session, Step.BALL, {"ball_setup": "two"}, **htmx_headers
        )
    assert "3:00" in response.text
    session.refresh_from_db()
    assert (session.step, session.repositions, session.relax_seconds) == (Step.RELAX, 1, 120)


def test_it_records_why_a_session_stopped_early(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=6)
    response = person_client.post(
        url(session),
        {
            **step_form(session),
            "step": Step.RELAX,
            "action": "stop",
            "stop-stopped_early_reason": "dizziness",
            "stop-pain_after": "5",
        },
        **htmx_headers,
    )
    assert "Session stopped" in response.text
    assert "Stopped early: dizziness" in response.text
    session.refresh_from_db()
    assert (session.step, session.stopped_early_reason, session.pain_after) == (
        Step.DONE,
        "dizziness",
        5,
    )
    assert session.finished_at is not None


def test_it_asks_for_a_reason_before_stopping(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=6)
    response = person_client.post(
        url(session), {**step_form(session), "step": Step.BREATHE, "action": "stop"}, **htmx_headers
    )
    assert response.status_code == 422
    assert "Choose why you are stopping" in response.text
    assert '<details class="stop-early" open>' in response.text
    session.refresh_from_db()
    assert session.step == Step.BREATHE


def test_it_switches_voice_guidance_on_and_off(person, person_client, htmx_headers):
    voice_url = reverse("sessions:voice")
    response = person_client.post(voice_url, {"voice_guidance": "on"}, **htmx_headers)
    assert response.text.lstrip().startswith('<form id="voice"')
    assert 'data-voice="on"' in response.text
    person.refresh_from_db()
    assert person.voice_guidance is True
    session = ReleaseSessionFactory(person=person)
    assert 'data-voice="on"' in person_client.get(url(session)).text
    response = person_client.post(voice_url, {"next": url(session)})
    assert response.url == url(session)
    person.refresh_from_db()
    assert person.voice_guidance is False


def test_it_marks_what_to_read_aloud_on_every_guided_step(person, person_client):
    for step in (Step.BREATHE, Step.ARCH_BEFORE, Step.BALL, Step.RELAX, Step.ROLL_OFF):
        session = ReleaseSessionFactory(person=person, step=step)
        assert "<p data-say>" in person_client.get(url(session)).text
        session.delete()


def test_it_keeps_voice_settings_to_signed_in_people(db):
    response = Client().post(reverse("sessions:voice"), {"voice_guidance": "on"})
    assert response.url.startswith(reverse("login"))


def element_ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


@pytest.mark.parametrize("step", [s for s, _, _ in STEP_POSTS] + [Step.DONE])
def test_it_never_repeats_an_element_id(person, person_client, step):
    if step == Step.DONE:
        session = ReleaseSessionFactory(person=person, finished=True)
    else:
        session = ReleaseSessionFactory(person=person, step=step, pain_before=6, arch_before=2)
    ids = element_ids(person_client.get(url(session)).text)
    assert ids
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_it_saves_the_roll_off_rating_shown_not_the_stop_early_one(
    person, person_client, htmx_headers
):
    session = ReleaseSessionFactory(person=person, step=Step.ROLL_OFF, pain_before=4)
    page = person_client.get(url(session)).text
    assert 'name="pain_after"' in page
    assert 'name="stop-pain_after"' in page
    # Tap 3 on the step's scale, then 8 on the stop-early scale, close it and save.
    response = post_step(
        person_client,
        session,
        Step.ROLL_OFF,
        {"arch_after": "1", "pain_after": "3", "stop-pain_after": "8"},
        **htmx_headers,
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.pain_after, session.stopped_early_reason) == (3, "")


@pytest.mark.parametrize(
    ("reason", "repeat"), [("sharp_pain", False), ("dizziness", False), ("could_not_relax", True)]
)
def test_the_summary_after_stopping_early_fits_the_reason(person, person_client, reason, repeat):
    session = ReleaseSessionFactory(
        person=person, finished=True, stopped_early_reason=reason, step=Step.DONE
    )
    page = person_client.get(session.get_absolute_url()).text
    assert ("Repeat as often as you like" in page) is repeat
    assert ("Do not try again until it has settled" in page) is not repeat
