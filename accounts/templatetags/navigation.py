"""The main menu, rendered once per process for each set of capabilities, language and section.

The menu was a fifth of the layout's cost on every page (a `{% url %}` and a translation per
item, the capability checks), yet it depends on nothing but what the person may do, the
language and which section the page belongs to: those make the key, and the rendered text is
kept by the process (the URLs and the translation catalogues do not change while it runs). The
person's name, the bell and the forms (with their CSRF token) stay outside, rendered per request.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.capabilities import capabilities_of
from sutohamu.kept import Kept

register = template.Library()

# What of the page's place the menu looks at (includes/main_navigation.html and the apps' nav
# includes): the sections it marks as current. Anything else would only multiply the entries.
MENU_URL_NAMES = frozenset({"home", "reads"})
MENU_APPS = frozenset({"meetings", "reminders", "reports"})

_MENUS: Kept[str] = Kept(1024)


@register.simple_tag(takes_context=True)
def main_navigation(context: template.Context) -> SafeString:
    request = context["request"]
    match = request.resolver_match
    url_name, app_name = (match.url_name, match.app_name) if match else ("", "")
    here = {
        "url_name": url_name if url_name in MENU_URL_NAMES else "",
        "app_name": app_name if app_name in MENU_APPS else "",
        "reminders": request.GET.get("visa") == "paminnelser",
    }
    caps = frozenset(str(c) for c in capabilities_of(request.user))
    key = (caps, get_language(), get_script_prefix(), *here.values())
    menu = _MENUS.get(
        key, lambda: render_to_string("includes/main_navigation.html", {"caps": caps, "here": here})
    )
    return mark_safe(menu)  # rendered by the template engine, which escaped it
