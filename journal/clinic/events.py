"""Every look a practice member takes at a patient's data, kept for the patient to see."""

from __future__ import annotations

from django.http import HttpRequest

from backrelease.common import clients
from backrelease.common.hashing import keyed
from journal import sharing
from journal.clinic.models import AccessEvent, Grant, What


def record(request: HttpRequest, grant: Grant, what: What, detail: str = "") -> None:
    AccessEvent.objects.create(
        person_id=grant.person_id,
        practice_id=grant.practice_id,
        member=request.user,
        member_name=request.user.name,
        what=what,
        detail=detail,
        client=sharing.describe_client(request.headers.get("User-Agent", "")),
        client_key=keyed("client", clients.address(request)),
    )


def of(person, limit: int = 200) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(person=person).select_related("practice")[:limit])
