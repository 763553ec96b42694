import datetime

import factory
from django.db import transaction
from django.utils import timezone

from cases.choices import MeasureKind, Setting
from cases.desk_rows import desk_deferred, desk_sync
from cases.models import Case, Consent, Measure, Subject
from tests.accounts.factories import UserFactory
from tests.councils.factories import MunicipalityFactory


class DeskSynced(factory.django.DjangoModelFactory):
    """Rows written past the services still get their desk rows, as the services give them."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        made = super()._create(model_class, *args, **kwargs)
        desk_sync([made.pk if isinstance(made, Case) else made.case_id])
        return made

    @classmethod
    def create_batch(cls, size, **kwargs):
        """Each case's desk rows once, after the whole batch (the same rows, in fewer writes)."""
        with transaction.atomic(), desk_deferred():
            return super().create_batch(size, **kwargs)


class CaseFactory(DeskSynced):
    class Meta:
        model = Case

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2000  # clear of the demo's real references when both are in one test
    number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: f"{o.municipality.code}-{o.year}-{o.number:04d}")
    areas = ",vbe,"
    setting = Setting.SCHOOL
    title = factory.Sequence(lambda n: f"Problembild {n}")
    description = "Klistermärken i korridoren."
    reported_by = factory.SubFactory(UserFactory)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    case = factory.SubFactory(CaseFactory)
    pseudonym = factory.Sequence(lambda n: f"Elev {n % 900 + 1}")


class MeasureFactory(DeskSynced):
    class Meta:
        model = Measure

    case = factory.SubFactory(CaseFactory)
    kind = MeasureKind.STAFF_TRAINING
    responsible = factory.LazyAttribute(lambda o: o.case.municipality)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    case = factory.SubFactory(CaseFactory)
    subject = factory.LazyAttribute(lambda o: SubjectFactory(case=o.case))
    scope = "Problembilden får delas."
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
