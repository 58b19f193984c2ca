"""The cheaper escaping of dansokh's own HTML templates (``render.escaping``) writes exactly what
Jinja's autoescaping writes: the same characters replaced, whatever the value's kind, in every
place a template outputs (a loop, a macro, a block assigned, a filter block, an included template,
a value already marked safe)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from dansokh.render.escaping import OwnTemplatesEnvironment, output_escape


class Html:
    def __html__(self) -> str:
        return "<b>kept</b>"


class Named:
    def __str__(self) -> str:
        return 'phường "Ngọc Thụy" <&>'


VALUES = [
    "", "phường Ngọc Thụy", "<script>alert('x')</script>", 'a "b" & c', "&amp;", "Thuỵ ' \" < > &",
    0, -3, 10**20, 3.04, float("inf"), Decimal("416950"), Decimal("-0.15"), Decimal("1E+3"),
    Markup("<em>safe</em>"), Html(), Named(), None, True, ["<a>"], {"k": "<v>"},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_output_escape_writes_what_markupsafe_writes(value):
    assert output_escape(value) == str(escape(value))


TEMPLATES = {
    "page.html": (
        "{% import 'macros.html' as m %}<p title=\"{{ value }}\">{{ value }}</p>"
        "{% for item in items %}<li>{{ item }}{{ loop.index }}</li>{% endfor %}"
        "{% set block %}<i>{{ value }}</i>{% endset %}{{ block }}{{ block|length }}"
        "{% filter upper %}{{ value }}{% endfilter %}{{ m.cell(value) }}{{ value|safe }}{{ value|e }}"
        "{% include 'part.html' %}{% autoescape false %}{{ value }}{% endautoescape %}"
    ),
    "macros.html": "{% macro cell(text) %}<td>{{ text }}</td>{% endmacro %}",
    "part.html": "<span>{{ value ~ '&' }}</span>",
}


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_page_is_the_same_as_jinja_renders_it(value):
    context = dict(value=value, items=VALUES)
    jinja, own = (kind(loader=DictLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
                  for kind in (Environment, OwnTemplatesEnvironment))
    assert own.get_template("page.html").render(context) == jinja.get_template("page.html").render(context)


def test_an_undefined_name_is_still_an_error():
    env = OwnTemplatesEnvironment(loader=DictLoader({"t.html": "{{ missing }}"}), autoescape=True, undefined=StrictUndefined)
    with pytest.raises(UndefinedError):
        env.get_template("t.html").render()
