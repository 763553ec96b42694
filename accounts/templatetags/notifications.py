"""The notification bell: the unread count of what the person can still reach (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts import notifications

register = template.Library()


@register.inclusion_tag("includes/notification_bell_link.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    return {"unread": notifications.unread_count(user) if user.is_authenticated else 0}
