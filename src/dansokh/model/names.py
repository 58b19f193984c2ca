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


@lru_cache(maxsize=65536)  # a language of a few thousand syllables: a country's names repeat them
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


# The kinds of administrative unit an officer writes before a name ("phường Ngọc Thụy"), longest
# first, with the level a unit of that kind is declared at (``level: cấp xã``); a city
# (thành phố) is a province or a district.
KINDS = (
    ("thành phố", None), ("thị trấn", "xã"), ("thị xã", "huyện"), ("đặc khu", "xã"), ("phường", "xã"),
    ("huyện", "huyện"), ("quận", "huyện"), ("tỉnh", "tỉnh"), ("xã", "xã"),
)


@lru_cache(maxsize=65536)
def _kind_keys() -> tuple[tuple[str, str | None, str | None], ...]:
    """Each kind as a key and as a slug, with its level word."""
    return tuple((name_key(kind), slug(kind), level) for kind, level in KINDS)


def kind_and_name(text: str) -> tuple[str | None, str]:
    """``phường Ngọc Thụy`` -> (``xã``, ``Ngọc Thụy``): the level word of the kind written before a
    unit's name (with or without diacritics, in any case), and the name; (None, text) when the
    text does not start with a kind followed by a name.  ``thành phố`` gives the level "" (any)."""
    words = text.split()
    for key, bare, level in _kind_keys():
        size = key.count(" ") + 1
        if len(words) > size:
            head = " ".join(words[:size])
            if name_key(head) == key or slug(head) == bare and head.isascii():
                return level or "", " ".join(words[size:])
    return None, text


def kind_fits(level_word: str | None, level: str) -> bool:
    """Whether a unit declared at ``level`` (``cấp xã``) can be of a kind of ``level_word`` (``xã``):
    a ward is of the commune level, not a district's; a level that names no tier fits any kind."""
    if not level_word:
        return True
    words = name_key(level).split()
    tiers = [tier for tier in ("tỉnh", "huyện", "xã") if name_key(tier) in words]
    return not tiers or level_word in tiers
