"""The trial outside the app: the JSON export and its import, the clinician's report and FHIR."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from journal.trial import analysis
from journal.trial.models import TrialPlan
from tests.factories import ShareLinkFactory, TrialPlanFactory, TrialRatingFactory, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "trial-share-token"


@pytest.fixture
def plan(person):
    plan = TrialPlanFactory(
        person=person,
        orders=["BA", "AB"],
        starts_on=timezone.localdate() - timedelta(days=20),
    )
    for n in range(21):
        TrialRatingFactory(
            plan=plan,
            day=plan.starts_on + timedelta(days=n),
            usual_pain=3 + n % 3,
            unusual="a long drive" if n == 4 else "",
        )
    return plan


def test_the_json_export_holds_the_plan_its_schedule_ratings_and_result(plan, person_client):
    data = json.loads(person_client.get(reverse("export-json")).getvalue())
    (exported,) = data["trial_plans"]
    assert exported["orders"] == ["BA", "AB"]
    assert exported["starts_on"] == plan.starts_on.isoformat()
    assert exported["status"] == "running"
    assert [block["arm"] for block in exported["schedule"]] == ["B", "A", "A", "B"]
    assert (
        exported["schedule"][1]["rated_from"]
        == (plan.starts_on + timedelta(days=14 + 7)).isoformat()
    )
    assert len(exported["ratings"]) == 21
    assert exported["ratings"][4]["unusual"] == "a long drive"
    assert exported["result"]["method_version"] == analysis.METHOD_VERSION
    assert exported["result"]["verdict"] == "not enough"
    assert exported["result"]["blocks"][0]["rated_days"] == 7
    assert set(exported["result"]["adherence"]) >= {"days_rated", "a_deviation_days"}


def test_the_import_takes_the_rest_and_says_it_skips_the_plan(plan, person_client):
    export = person_client.get(reverse("export-json")).getvalue()
    newcomer = UserFactory()
    client = Client()
    client.force_login(newcomer)
    upload = SimpleUploadedFile("export.json", export)
    response = client.post(reverse("import"), {"file": upload})
    assert response.status_code == 200
    assert "The file&#x27;s trial plan was not imported" in response.text or (
        "The file's trial plan was not imported" in response.text
    )
    assert not TrialPlan.objects.filter(person=newcomer).exists()


def shared(include_notes=True, **dates):
    ShareLinkFactory(
        person=TrialPlan.objects.get().person, token=TOKEN, include_notes=include_notes, **dates
    )
    return Client()


def test_the_clinicians_report_shows_a_plan_within_its_dates(plan):
    text = shared(shows_from=plan.starts_on).get(f"/shared/{TOKEN}/").text
    assert "Personal trial plan (N-of-1)" in text
    assert "Not enough to tell" in text
    assert "Adherence" in text and "Method" in text
    assert '<th scope="row">1, ball</th>' in text


def test_the_clinicians_report_leaves_out_a_plan_outside_its_dates(plan):
    after = plan.starts_on + timedelta(days=1)
    text = shared(shows_from=after).get(f"/shared/{TOKEN}/").text
    assert "Personal trial plan" not in text


def fhir_of(client) -> dict:
    response = client.get(f"/shared/{TOKEN}/fhir.json")
    return json.loads(b"".join(response.streaming_content))


def test_the_fhir_export_holds_a_care_plan_and_the_daily_ratings_and_validates(plan):
    bundle = fhir_of(shared())
    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    (care_plan,) = [r for r in resources if r["resourceType"] == "CarePlan"]
    assert care_plan["status"] == "active"
    assert [a["detail"]["doNotPerform"] for a in care_plan["activity"]] == [
        False,
        True,
        True,
        False,
    ]
    assert [a["detail"]["status"] for a in care_plan["activity"]][:2] == [
        "completed",
        "in-progress",
    ]
    assert f"Method version {analysis.METHOD_VERSION}." in care_plan["note"][2]["text"]
    plan_url = next(
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"] is not None and (e["resource"]["resourceType"] == "CarePlan")
    )
    daily = [r for r in resources if r.get("basedOn") == [{"reference": plan_url}]]
    assert len(daily) == 21
    assert daily[0]["effectiveDateTime"] == plan.starts_on.isoformat()
    assert daily[4]["note"] == [{"text": "a long drive"}]


def test_the_fhir_export_keeps_the_notes_out_when_the_link_does(plan):
    bundle = fhir_of(shared(include_notes=False))
    assert b"a long drive" not in json.dumps(bundle).encode()


def test_the_fhir_export_of_a_plan_outside_the_dates_has_none_of_it(plan):
    bundle = fhir_of(shared(shows_until=plan.starts_on + timedelta(days=3)))
    Bundle.model_validate(bundle)
    assert not [e for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"]
