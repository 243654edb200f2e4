"""PostgreSQL itself refuses what the forms refuse, whatever code writes the row."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sessions.models import ReleaseSession, Step
from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db


def raw_insert(person_id: int, **columns) -> None:
    values = {
        "person_id": person_id,
        "started_at": timezone.now(),
        "step_started_at": timezone.now(),
        "step": Step.PAIN_BEFORE,
        "ball_setup": "",
        "knees_lifted": False,
        "repositions": 0,
        "relax_seconds": 0,
        "note": "",
        "stopped_early_reason": "",
        **columns,
    }
    names = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    table = ReleaseSession._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(values.values())
        )


@pytest.mark.parametrize(
    "columns",
    [
        {"pain_before": 11},
        {"pain_after": 11},
        {"arch_before": 5},
        {"arch_after": 5},
        {"tension_before": 11},
        {"tension_after": 11},
        {"step": "somewhere"},
        {"ball_setup": "three"},
        {"stopped_early_reason": "bored"},
        {"step": Step.DONE},
        {"stopped_early_reason": "dizziness"},
    ],
)
def test_it_refuses_a_raw_insert_out_of_range(person, columns):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_insert(person.pk, **columns)
    assert not ReleaseSession.objects.exists()


def test_it_accepts_a_raw_insert_in_range(person):
    raw_insert(person.pk, pain_before=10, arch_before=0, tension_before=0)
    assert ReleaseSession.objects.get().pain_before == 10


def test_it_allows_one_open_session_a_person(person, other_person):
    ReleaseSessionFactory(person=person)
    ReleaseSessionFactory(person=other_person)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseSessionFactory(person=person)
    ReleaseSessionFactory(person=person, finished=True)
    assert ReleaseSession.objects.filter(person=person).count() == 2
