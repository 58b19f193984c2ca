"""The documents of each appendix: DOCX and XLSX as ``dansokh render`` writes them, PDF printed
by Chromium (``render.pdf``) where it is installed.  Built only when ``Site.document_formats``
names a format (``dansokh site`` builds them for a small repository, see ``cli/site.py``)."""

from __future__ import annotations

from ..render.docx import render_docx
from ..render.xlsx import render_xlsx
from .appendices import appendix_page, document_folder, document_name, views, whole
from .pages import Site


def build(site: Site) -> None:
    formats = site.document_formats
    if not formats:
        return
    from ..render.pdf import render_pdf

    for loaded in site.repo.plans:
        for view in views(loaded, whole(loaded, site.max_bytes)):
            base = f"{document_folder(loaded)}/{document_name(view.key)}"
            if "docx" in formats:
                site.write_bytes(f"{base}.docx", render_docx(view))
            if "xlsx" in formats:
                site.write_bytes(f"{base}.xlsx", render_xlsx(view))
            if "pdf" in formats:
                site.write_bytes(f"{base}.pdf", render_pdf(appendix_page(view).encode("utf-8")))
