from __future__ import annotations

from datetime import timedelta

import django_otp
import factory
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.clinic import codes
from journal.clinic.models import Clinician, Grant, Membership, Practice, Role
from tests.factories import UserFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Riverside Physio {n}")
    share_code = factory.LazyFunction(codes.new_code)


class MemberFactory(factory.django.DjangoModelFactory):
    """A clinician account of a practice, with a confirmed authenticator."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    person = factory.SubFactory(UserFactory)
    role = Role.CLINICIAN

    @factory.post_generation
    def clinician(self, create, extracted, **kwargs):
        if create:
            Clinician.objects.get_or_create(person=self.person)
            TOTPDevice.objects.create(user=self.person, name="Authenticator", confirmed=True)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    person = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    shown_name = factory.LazyAttribute(lambda o: o.person.name)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


def code_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verified_client(person) -> Client:
    """Signed in with password and second factor, as after the two-factor page."""
    client = Client()
    client.force_login(person)
    session = client.session
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
