"""One appendix view to the bytes of one format."""

from __future__ import annotations

from enum import Enum

from jinja2.sandbox import SandboxedEnvironment

from .templates import render_text
from .view import AppendixView


class Format(str, Enum):
    md = "md"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"
    pdf = "pdf"


def render_bytes(view: AppendixView, fmt: Format | str, env: SandboxedEnvironment) -> bytes:
    fmt = Format(fmt)
    if fmt in (Format.md, Format.html):
        return render_text(env, fmt.value, view).encode("utf-8")
    if fmt is Format.pdf:
        from .pdf import render_pdf

        return render_pdf(render_text(env, "html", view).encode("utf-8"))
    if fmt is Format.xlsx:
        from .xlsx import render_xlsx

        return render_xlsx(view)
    from .docx import render_docx

    return render_docx(view)
