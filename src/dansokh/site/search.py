"""The search index: every unit page and indicator page the builders added, in JSON
(``search-index.json``, for whoever fetches it) and as a script (``search-index.js``, which a
page loads from ``file://`` where fetching a local JSON file is refused).  Written last."""

from __future__ import annotations

from .pages import Site, script_json

FIELDS = ["name", "folded", "kind", "url", "detail"]


def write(site: Site) -> None:
    data = {"fields": FIELDS, "entries": [entry.row() for entry in site.search]}
    site.write_bytes("search-index.json", script_json(data).encode("utf-8"))  # the same escapes: harmless in JSON
    site.write_bytes("search-index.js", f"window.DANSOKH_SEARCH = {script_json(data)};\n".encode())
