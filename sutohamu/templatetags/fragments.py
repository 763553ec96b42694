"""`{% fragment page "name" extra… [seconds=N] %}…{% endfragment %}`: a part of a page cached by
version.

`page` is the view's `sutohamu.fragments.Page` (without one, the part is rendered every time, as on
a form's error page); `extra` values join the key (an item's id); `seconds` keeps the part that
long instead of `FRAGMENT_SECONDS` (a part keyed by the minute is never asked for after it). The
part renders from the context only on a miss, so the rows it needs must be read lazily (a
queryset, a callable).
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from ..fragments import Page
from ..rendered import CSRF_PLACEHOLDER, with_token

register = template.Library()

CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">'


def _made(nodelist: NodeList, context: template.Context) -> str:
    with context.push(csrf_token=CSRF_PLACEHOLDER):
        return nodelist.render(context)


def _with_token(text: str, context: template.Context) -> str:
    if CSRF_PLACEHOLDER not in text:
        return text
    token = context.get("csrf_token")
    if token is None or str(token) == "NOTPROVIDED":
        return text.replace(CSRF_INPUT, "")
    return with_token(text, str(token))


class FragmentNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        page: FilterExpression,
        name: FilterExpression,
        extra: list[FilterExpression],
        seconds: FilterExpression | None = None,
    ) -> None:
        self.nodelist = nodelist
        self.page = page
        self.name = name
        self.extra = extra
        self.seconds = seconds

    def render(self, context: template.Context) -> SafeString:
        page = self.page.resolve(context)
        if not isinstance(page, Page):
            return self.nodelist.render(context)
        name = str(self.name.resolve(context))
        extra = [e.resolve(context) for e in self.extra]
        seconds = int(self.seconds.resolve(context)) if self.seconds else None
        text = page.render(name, lambda: _made(self.nodelist, context), extra, seconds=seconds)
        return mark_safe(_with_token(text, context))


@register.tag("fragment")
def fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("fragment needs the page's parts and a name")
    seconds = None
    if bits[-1].startswith("seconds="):
        seconds = parser.compile_filter(bits.pop().removeprefix("seconds="))
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(b) for b in bits[3:]],
        seconds,
    )
