"""Template tags that give the follow-up slots on the case page and the desk their data."""

from __future__ import annotations

from typing import Any

from django import template

from ..followup import desk_followup, section_for
from ..models import Case

register = template.Library()


@register.inclusion_tag("cases/followup/section_body.html", takes_context=True)
def followup_section(context: template.Context, case: Case) -> dict[str, Any]:
    """`case` is the one the view fetched through the door (cases.access.case_for)."""
    return {**section_for(case), "can_work": context.get("can_work", False)}


@register.inclusion_tag("cases/followup/desk_panels_body.html", takes_context=True)
def followup_desk(context: template.Context) -> dict[str, Any]:
    """The signed-in person's cases in follow-up: only their own municipalities' (the door)."""
    return desk_followup(context["request"].user)
