"""Each model's history manager class is made once; every read still gets its own manager, bound
to the instance it was read on, and saves still write their history rows."""

import pytest
from django.apps import apps
from simple_history.manager import HistoryDescriptor

from accounts.models import Organisation
from sutohamu.history_managers import HistoryDescriptorOnce
from tests.councils.factories import OrganisationFactory


def test_every_model_with_history_makes_its_manager_class_once():
    with_history = [
        (model, name)
        for model in apps.get_models()
        if (name := getattr(model._meta, "simple_history_manager_attribute", None))
    ]
    assert len(with_history) > 20
    for model, name in with_history:
        assert isinstance(vars(model)[name], HistoryDescriptorOnce), model
        assert type(getattr(model, name)) is type(getattr(model, name))  # the one class
    assert not any(
        type(v) is HistoryDescriptor for m in apps.get_models() for v in vars(m).values()
    )


@pytest.mark.django_db
def test_a_save_writes_its_history_row_and_the_manager_is_bound_to_the_instance():
    organisation = OrganisationFactory()
    first = organisation.history.count()
    organisation.name = "Ändrad kommun"
    organisation.save()
    assert organisation.history.count() == first + 1
    assert organisation.history.first().name == "Ändrad kommun"
    assert organisation.history.instance == organisation
    assert Organisation.history.instance is None
    assert Organisation.history.filter(id=organisation.pk).count() == first + 1
