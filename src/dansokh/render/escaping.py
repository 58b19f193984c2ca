"""An autoescaping Jinja environment for dansokh's own HTML templates whose ``{{ … }}`` costs
less: the same text out, a tenth less CPU for a country's site (benchmarks/README.md, issue 23).

Jinja writes every ``{{ value }}`` of an autoescaped template as ``markupsafe.escape(value)``,
which builds a ``Markup`` object only for the page to join it into one string; at a site's ten
thousand pages of a few hundred values each that is a tenth of the whole build.  Here the
compiled templates call ``output_escape`` instead: the same five characters replaced as
markupsafe replaces them, a plain ``str`` back (the value is only joined into the page, or into
a macro's or block's output, which Jinja wraps in ``Markup`` itself), and markupsafe's own
``escape`` for anything that is not a plain text, a number or ``Markup`` (an object with
``__html__``, an undefined name).  A repository's own templates keep Jinja's sandbox and its
code generator (``templates.environment``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jinja2 import Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from markupsafe import Markup, escape

_VERBATIM = frozenset({int, float, Decimal})  # their text never holds & < > " '


def output_escape(value: object) -> str:
    """``str(markupsafe.escape(value))``, without the ``Markup`` in between for the common kinds."""
    kind = type(value)
    if kind is str:
        return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # type: ignore[attr-defined]
                .replace('"', "&#34;").replace("'", "&#39;"))
    if kind is Markup:
        return value  # type: ignore[return-value]
    if kind in _VERBATIM:
        return str(value)
    return escape(value)


class _OutputEscaping(CodeGenerator):
    """Jinja's code generator, writing ``environment.output_escape(`` where it writes ``escape(``
    for an autoescaped output (a template whose autoescaping can change while it runs keeps
    Jinja's code)."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:  # jinja2.compiler._FinalizeInfo
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.output_escape(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


class OwnTemplatesEnvironment(Environment):
    """A plain Jinja environment for dansokh's packaged templates, with ``output_escape``."""

    code_generator_class = _OutputEscaping
    output_escape = staticmethod(output_escape)
