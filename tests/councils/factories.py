import factory

from councils.choices import BodyKind, Level, OrganisationKind
from councils.models import Body, Organisation


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
    municipality_code = factory.Sequence(lambda n: f"{9000 + n:04d}")


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
