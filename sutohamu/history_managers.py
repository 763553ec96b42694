"""django-simple-history's `Model.history` with its manager class made once per model (the change
log itself is sutohamu/history.py).

simple_history's descriptor makes a new manager class on every read of `Model.history`
(`Manager.from_queryset`, which inspects every method of the queryset class), and its post_save
handler reads it for every history row it writes: about 0.13 ms of CPU per save of a model with
history, and a class left for the cyclic collector. `SuToHaMuConfig.ready()` puts a descriptor
in each such model's place that makes the class once; every read still gets a manager of its own,
bound to the instance (or to none, read on the model), as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from simple_history.manager import HistoryDescriptor


class HistoryDescriptorOnce(HistoryDescriptor):
    """The same manager and queryset classes as `descriptor`, the combined class made once."""

    def __init__(self, descriptor: HistoryDescriptor) -> None:
        super().__init__(
            descriptor.model, manager=descriptor.manager_class, queryset=descriptor.queryset_class
        )
        self.manager = self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance: models.Model | None, owner: type[models.Model]) -> Any:
        return self.manager(self.model, instance)


def history_managers_once(model_classes: Iterable[type[models.Model]]) -> None:
    """Each model's history descriptor replaced by one that makes its manager class once."""
    for model in model_classes:
        for name, value in list(vars(model).items()):
            if type(value) is HistoryDescriptor:
                setattr(model, name, HistoryDescriptorOnce(value))
