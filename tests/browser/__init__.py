"""Browser tests of `dansokh site`: Debian's Chromium, driven by Playwright, over the site built
from the repository's real plans and examples (tests/browser/conftest.py)."""
