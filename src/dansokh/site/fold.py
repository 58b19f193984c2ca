"""Names folded for search: what an officer types without diacritics finds what a plan writes
with them ("ngoc thuy" finds "phường Ngọc Thụy"; "Thuỵ" and "Thụy" are the same name).

The same folding runs in the browser (``assets/site.js``, ``fold``): decomposed (NFD), the
combining marks dropped (so the tone mark's placement cannot matter), đ as d, lower case, spaces
collapsed.  Keep the two in step (tests/test_site.py compares them on the same names).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.replace("đ", "d").replace("Đ", "D").lower()).strip()
