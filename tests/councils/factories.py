import datetime

import factory

from accounts.choices import Level, OrganisationKind
from accounts.models import Organisation
from councils.choices import Area, BodyKind, MembershipKind, PriorityScope
from councils.models import (
    Agreement,
    Body,
    CitizenPromise,
    Medskick,
    Membership,
    Priority,
    PromiseActivity,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorganisation {n}")
    code = factory.Sequence(lambda n: f"ORG{n}")
    level = Level.COUNTY
    kind = OrganisationKind.CIVIL_SOCIETY


class MunicipalityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    code = factory.Sequence(lambda n: f"K{n}")
    level = Level.MUNICIPALITY
    kind = OrganisationKind.MUNICIPALITY
    # Four digits, clear of the real codes (17xx) and wrapping before it overflows.
    municipality_code = factory.Sequence(lambda n: f"{2000 + n % 7000:04d}")


class PoliceAreaFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testpolisområde {n}")
    level = Level.POLICE_AREA
    kind = OrganisationKind.POLICE_AREA


class LocalCouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    kind = BodyKind.LOCAL_COUNCIL
    name = factory.Sequence(lambda n: f"Trygghetsråd {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    min_meetings_per_year = 2
    max_meetings_per_year = 4


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    kind = BodyKind.WORKING_GROUP
    name = factory.Sequence(lambda n: f"Arbetsgrupp {n}")
    min_meetings_per_year = 10
    max_meetings_per_year = 12


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(LocalCouncilFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    organisation = factory.LazyAttribute(lambda o: o.body.municipality or MunicipalityFactory())
    kind = MembershipKind.MEMBER
    start_date = datetime.date(2025, 1, 1)


class MedskickFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Medskick

    sender = factory.SubFactory(LocalCouncilFactory)
    receiver = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Medskick {n}")
    text = "En fråga från rådet."
    area = Area.CRIME
    sent_by = factory.SubFactory("tests.accounts.factories.UserFactory")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = "Samverkansöverenskommelse"
    start_date = datetime.date(2024, 3, 1)

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        if create:
            obj.parties.set(extracted or [MunicipalityFactory(), MunicipalityFactory()])


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    year = 2026
    scope = PriorityScope.LOCAL
    municipality = factory.SubFactory(MunicipalityFactory)
    area = Area.ANDT
    title = factory.Sequence(lambda n: f"Prioritering {n}")


class CitizenPromiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CitizenPromise

    municipality = factory.SubFactory(MunicipalityFactory)
    police_area = factory.SubFactory(PoliceAreaFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"Löfte {n}")
    text = "Polisen och kommunen lovar."


class PromiseActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromiseActivity

    promise = factory.SubFactory(CitizenPromiseFactory)
    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    owner = factory.LazyAttribute(lambda o: o.promise.municipality)
    due_date = datetime.date(2026, 6, 30)
