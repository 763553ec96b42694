"""The template tag that gives the follow-up slot on the case page its data."""

from __future__ import annotations

from typing import Any

from django import template

from ..followup import section_for
from ..models import Case

register = template.Library()


@register.inclusion_tag("cases/followup/section_body.html", takes_context=True)
def followup_section(context: template.Context, case: Case) -> dict[str, Any]:
    """`case` is the one the view fetched through the door (cases.access.case_for)."""
    return {**section_for(case), "can_work": context.get("can_work", False)}
