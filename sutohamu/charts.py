"""The one way charts are drawn: pygal on the server, as SVG with no script.

Every chart (a report's figures, a body's lägesbild history) is made by `chart` and drawn by
`render`: the same accessible style (colours 3:1 against white, WCAG 1.4.11), no JavaScript
(`js=[]`; pygal's script tag is also stripped), no XML declaration, and a fixed id instead of
pygal's random one, so the same figures draw the same bytes. Pages show the SVG as an image
beside its text alternative and data table.

pygal (about 0.1 s of CPU to import) is imported when a process draws its first chart, not when it
loads the app: a worker, a command or a web process that serves no chart never pays for it.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygal.graph.graph import Graph
    from pygal.style import Style

# The common style's settings (pygal's Style is made from them on the first chart).
STYLE_OPTIONS: dict[str, Any] = dict(
    background="white",
    plot_background="white",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#555555",
    # Dark enough against white for the 3:1 of WCAG 1.4.11, and apart from each other.
    colors=("#1d4e89", "#b5400b", "#2f6b2f", "#6a2c70", "#7a5c00"),
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
)
_SCRIPT = re.compile(r"<script.*?</script>", re.S)


@functools.cache
def style() -> Style:
    """The one accessible style, made once per process."""
    from pygal.style import Style

    return Style(**STYLE_OPTIONS)


def kinds() -> dict[str, type[Graph]]:
    import pygal

    return {"bar": pygal.Bar, "line": pygal.Line}


def chart(kind: str, *, key: str, title: str, **options: Any) -> Graph:
    """A chart of `kind` ("bar", "line") with the common settings; `options` add or override."""
    config: dict[str, Any] = {
        "title": title,
        "style": style(),
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "explicit_size": True,
        **options,
    }
    drawn = kinds()[kind](**config)
    drawn.uuid = key
    return drawn


def render(drawn: Graph) -> str:
    """The chart as SVG text, without any script."""
    return _SCRIPT.sub("", drawn.render(is_unicode=True))
