from __future__ import annotations

import pytest
from django.test import Client

from tests.clinic.factories import GrantFactory, MemberFactory, PracticeFactory, verified_client


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def admin(practice):
    return MemberFactory(practice=practice, role="admin")


@pytest.fixture
def member(practice):
    return MemberFactory(practice=practice)


@pytest.fixture
def member_client(member) -> Client:
    return verified_client(member.person)


@pytest.fixture
def admin_client(admin) -> Client:
    return verified_client(admin.person)


@pytest.fixture
def grant(practice, person):
    return GrantFactory(person=person, practice=practice)
