"""The README's picture of the site: the city page of this repository's plans and examples, as
headless Debian Chromium shows it.  Run from the repository's root after a change to the pages:

    python -m tests.browser.screenshot

It builds the site in a temporary folder with `dansokh site` and writes docs/img/site-city.png
(kept under 200 KB: a window of the page, not the whole page)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from .chromium import ROOT, build_site, launch

PICTURE = ROOT / "docs" / "img" / "site-city.png"
LIMIT = 200 * 1024
WINDOW: ViewportSize = {"width": 1024, "height": 720}


def take(picture: Path = PICTURE) -> int:
    """Write the picture; its size in bytes."""
    with tempfile.TemporaryDirectory() as folder:
        site = build_site(ROOT, Path(folder) / "public", "plans", "examples/results-2025", "--no-documents")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page(viewport=WINDOW, locale="vi-VN")
                page.goto((site / "2025" / "city.html").as_uri())
                picture.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(picture), full_page=False, animations="disabled", caret="hide")
            finally:
                browser.close()
    return picture.stat().st_size


def main() -> int:
    size = take()
    print(f"{PICTURE.relative_to(ROOT)}: {size} bytes")
    if size > LIMIT:
        print(f"over {LIMIT} bytes: make the window smaller", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
