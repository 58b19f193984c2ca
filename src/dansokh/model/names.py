"""Matching Vietnamese names the way a reader does.

The same ward is written ``Ngọc Thụy`` and ``Ngọc Thuỵ``: the tone mark sits on a
different vowel, so the strings differ even after NFC normalisation.  A name's
*key* keeps every letter and every tone but forgets where in the syllable the
tone was placed; a *slug* forgets all diacritics (``long-bien``) and is what
people type on a keyboard without Vietnamese input.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# combining marks that carry a tone (huyền, sắc, hỏi, ngã, nặng)
_TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def strip_marks(text: str) -> str:
    """Remove every diacritic, đ included: ``Thượng Thanh`` -> ``Thuong Thanh``."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def _syllable_key(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.casefold())
    tones = [_TONES[ch] for ch in decomposed if ch in _TONES]
    letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return letters + ("~" + "".join(tones) if tones else "")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A key equal for names that differ only in tone-mark placement, case or spacing."""
    words = re.split(r"[\s.]+", name.strip())
    return " ".join(_syllable_key(word) for word in words if word)


@lru_cache(maxsize=65536)
def slug(name: str) -> str:
    """``Long Biên`` -> ``long-bien``."""
    return _NON_WORD.sub("-", strip_marks(name).lower()).strip("-")
