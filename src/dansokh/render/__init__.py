"""Rendering appendices in the official format (Nghị định 30/2020/NĐ-CP).

``view`` turns an appendix into a format-neutral view; ``templates`` renders Markdown and
HTML through Jinja; ``xlsx`` and ``docx`` write Office files; ``command`` is the CLI.
"""

from .view import AppendixView, appendix_keys, build_view

__all__ = ["AppendixView", "appendix_keys", "build_view"]
