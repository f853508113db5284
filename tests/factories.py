import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from tracker import services
from tracker.models import (
    Agreement,
    Commitment,
    Evidence,
    Milestone,
    MilestoneKind,
    Party,
    Role,
    Team,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("pass-for-tests")

    @factory.post_generation
    def role(user, create, role: Role | None, **kwargs):
        if create and role:
            user.groups.add(Group.objects.get(name=Role(role).label))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.LazyAttribute(lambda party: f"Party {party.code}")


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement between two parties, with its signing milestone."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Agreement {n}")
    slug = factory.Sequence(lambda n: f"agreement-{n}")
    signed_on = datetime.date(2026, 1, 31)

    @factory.post_generation
    def parties(agreement, create, parties, **kwargs):
        if not create:
            return
        agreement.parties.set(parties if parties is not None else PartyFactory.create_batch(2))
        services.agreement_sync_signing(agreement=agreement)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    agreement = factory.SubFactory(AgreementFactory)
    kind = MilestoneKind.MEETING
    name = factory.Sequence(lambda n: f"Meeting {n}")
    date = datetime.date(2026, 3, 15)


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment saved through the service, so that its due date is computed."""

    class Meta:
        model = Commitment

    agreement = factory.SubFactory(AgreementFactory)
    reference = factory.Sequence(lambda n: f"1.{n}")
    title = factory.Sequence(lambda n: f"Commitment {n}")
    timeline_wording = "within 3 months"

    @classmethod
    def _create(cls, model_class, *args, responsible=None, **kwargs):
        commitment = model_class(*args, **kwargs)
        if responsible is None:
            responsible = list(commitment.agreement.parties.all())
        return services.commitment_save(commitment=commitment, responsible=responsible)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    commitment = factory.SubFactory(CommitmentFactory)
    summary = factory.Sequence(lambda n: f"Observation {n}")
    logged_by = factory.SubFactory(UserFactory, role=Role.ANALYST)
    logged_at = factory.LazyFunction(timezone.now)
