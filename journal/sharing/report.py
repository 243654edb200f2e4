"""The read-only report and its downloads, for whatever shares a period of a person's record with
the same choices: a share link, or a practice's grant (`journal.clinic`). One home, so a practice
sees exactly what a link with the same choices shows.

`shared` is anything with `person`, `include_notes`, `shows_from` and `shows_until`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from backrelease.common.htmx import page_or_partial
from backrelease.common.local_time import week_start
from backrelease.common.middleware import supported_language
from backrelease.common.period import Period
from journal import charts, exports, insights, trends
from journal.trial import plans, records
from journal.trial.models import TrialRating
from sessions import wording
from sessions.models import Instrument

REPORT_PAGE_SIZE = 50


def period(shared) -> Period:
    """The part of the person's record that is shown."""
    return Period.of(shared.person, since=shared.shows_from, until=shared.shows_until)


def scope(shared) -> exports.Scope:
    return exports.Scope(period(shared), include_notes=shared.include_notes)


def language_links(request: HttpRequest) -> dict[str, str]:
    """What the report's own links add to carry on the language its link asked for: a clinician's
    page sets no cookie, so a range, a page of rows, the insights or a download would otherwise
    come in the browser's language instead. `language_query` starts a query, `and_language` adds
    to one; both empty when no language was asked for."""
    language = supported_language(request.GET.get("language"))
    query = urlencode({"language": language}) if language else ""
    return {
        "language_query": f"?{query}" if query else "",
        "and_language": f"&{query}" if query else "",
    }


def wordings(shown: exports.Scope, trial_outcomes: list) -> list[wording.Used]:
    """The wordings the shown ratings were given in, each with its count: a query a table."""
    trial = TrialRating.objects.filter(plan__in=[outcome.plan for outcome in trial_outcomes])
    return wording.used(
        [
            (
                shown.sessions(),
                [
                    ("pain_before", Instrument.PAIN),
                    ("arch_before", Instrument.ARCH),
                    ("arch_after", Instrument.ARCH),
                    ("pain_after", Instrument.PAIN),
                ],
            ),
            (shown.journal_entries(), [("pain", Instrument.PAIN)]),
            (
                shown.check_ins(),
                [
                    ("pain_average", Instrument.PEG_PAIN),
                    ("enjoyment_interference", Instrument.PEG_ENJOYMENT),
                    ("activity_interference", Instrument.PEG_ACTIVITY),
                ],
            ),
            (trial, [("usual_pain", Instrument.TRIAL_DAILY)]),
        ]
    )


def page(request: HttpRequest, shared, more: dict | None = None) -> HttpResponse:
    person = shared.person
    shown = scope(shared)
    # A trial plan, whole, when its days so far lie within the shown dates.
    trial_outcomes = plans.shown_between(person, shared.shows_from, shared.shows_until)
    used = wordings(shown, trial_outcomes)
    range_key = trends.chosen_range(request.GET.get("range"))
    whole = period(shared)
    links = language_links(request)
    with timezone.override(person.zone):
        this_week = week_start(whole.today)
        weeks = trends.weekly(whole.last_weeks(trends.RANGES[range_key]))
        # The sentence always compares against the first rated week of the whole range.
        summary = trends.summary_of(whole, weeks)
        return render(
            request,
            # The whole table, when asked for by htmx, is the trend page's own partial.
            "journal/trends.html#trend-table"
            if request.htmx and request.GET.get("table") == trends.WHOLE_TABLE
            else page_or_partial(request, "shared/report.html", "trend-body"),
            {
                "link": shared,
                "person_name": person.name,
                "time_zone": person.time_zone,
                "weeks": weeks,
                **trends.table(weeks, request.GET.get("table")),
                "range_key": range_key,
                "ranges": trends.RANGES,
                "figures_url": f"figures.json?range={range_key}{links['and_language']}",
                "summary": summary,
                "sentence": trends.sentence(summary, this_week, whose="their"),
                # A range that ended before this week compares its own last week.
                "compare_label": _("The last week shown against the week before")
                if weeks and weeks[-1].week < this_week
                else None,
                "figures": charts.figures(weeks),
                # The most recent rows; older ones a page at a time, all of them in the downloads.
                "sessions": Paginator(
                    shown.sessions().order_by("-started_at"), REPORT_PAGE_SIZE
                ).get_page(request.GET.get("sessions_page")),
                "journal_entries": Paginator(
                    shown.journal_entries().order_by("-recorded_at"), REPORT_PAGE_SIZE
                ).get_page(request.GET.get("journal_page")),
                "trial_outcomes": trial_outcomes,
                # The wording each rating was given in, and how many were not validated.
                "wordings": used,
                "not_validated": wording.not_validated(used),
                **links,
                **(more or {}),
            },
        )


def figures(request: HttpRequest, shared) -> HttpResponse:
    range_key = trends.chosen_range(request.GET.get("range"))
    with timezone.override(shared.person.zone):
        weeks = trends.weekly(period(shared).last_weeks(trends.RANGES[range_key]))
    return charts.figures_response(weeks)


def insights_page(request: HttpRequest, shared) -> HttpResponse:
    """Is it helping, over the whole shown range: read from all of it, so loaded after the page."""
    found = insights.kept(period(shared))
    return render(
        request,
        page_or_partial(request, "shared/insights.html", "insights"),
        {
            "insights": insights.statements(found),
            "person_name": shared.person.name,
            **language_links(request),
        },
    )


def csv(shared) -> HttpResponse:
    return exports.csv_response(scope(shared), "back-release.csv")


def fhir(shared) -> HttpResponse:
    person = shared.person
    trial = records.fhir_entries(
        plans.shown_between(person, shared.shows_from, shared.shows_until),
        person,
        shared.include_notes,
    )
    return exports.fhir_response(scope(shared), "back-release-fhir.json", more=trial)


def weekly_csv(shared) -> HttpResponse:
    return exports.weekly_csv_response(trends.weekly(period(shared)), "back-release-weekly.csv")
