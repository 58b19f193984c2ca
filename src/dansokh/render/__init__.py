"""Rendering appendices in the official format (Nghị định 30/2020/NĐ-CP).

``view`` turns an appendix into a format-neutral view; ``templates`` renders Markdown and
HTML through Jinja; ``xlsx`` and ``docx`` write Office files; ``formats`` picks the writer;
``pdf`` prints HTML with Chromium.  The command is ``dansokh.cli.render``.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load, check, vcs, report, write.
"""

from .view import AppendixView, appendix_keys, build_view

__all__ = ["AppendixView", "appendix_keys", "build_view"]
