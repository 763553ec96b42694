"""The text alternative of a lägesbild chart."""

from __future__ import annotations

from django import template

from ..charts import Row
from ..charts import describe as describe_rows

register = template.Library()


@register.simple_tag
def describe(rows: list[Row], area: str) -> str:
    return describe_rows(rows, area)
