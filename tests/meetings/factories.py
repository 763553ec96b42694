"""A working group with a rotation of municipalities, without the demo."""

from __future__ import annotations

from accounts.models import Organisation
from councils.models import Body
from meetings.models import AgendaRotation
from tests.councils.factories import MunicipalityFactory, WorkingGroupFactory


def working_group(municipalities: int = 4) -> tuple[Body, list[Organisation]]:
    body = WorkingGroupFactory()
    towns = [MunicipalityFactory() for _ in range(municipalities)]
    for position, town in enumerate(towns, start=1):
        AgendaRotation.objects.create(body=body, municipality=town, position=position)
    return body, towns
