"""`{% fragment page "name" extra… %}…{% endfragment %}`: a part of a page cached by version.

`page` is the view's `sutohamu.fragments.Page` (without one, the part is rendered every time, as on
a form's error page); `extra` values join the key (an item's id). The part renders from the
context only on a miss, so the rows it needs must be read lazily (a queryset, a callable).
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from ..fragments import Page

register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        page: FilterExpression,
        name: FilterExpression,
        extra: list[FilterExpression],
    ) -> None:
        self.nodelist = nodelist
        self.page = page
        self.name = name
        self.extra = extra

    def render(self, context: template.Context) -> SafeString:
        page = self.page.resolve(context)
        if not isinstance(page, Page):
            return self.nodelist.render(context)
        name = str(self.name.resolve(context))
        extra = [e.resolve(context) for e in self.extra]
        return mark_safe(page.render(name, lambda: self.nodelist.render(context), extra))


@register.tag("fragment")
def fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("fragment needs the page's parts and a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(b) for b in bits[3:]],
    )
