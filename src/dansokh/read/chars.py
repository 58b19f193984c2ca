"""Characters a reader cannot see: what Y012 reports in a plan and what every output shows as an
escape (``dansokh.report.safe``).

The format characters (Unicode's category Cf, as of Unicode 15): the directional overrides and
isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and U+061C, the zero-width
space, joiners and non-joiner U+200B–U+200D, the word joiner and invisible operators
U+2060–U+2064, the soft hyphen, U+FEFF, the tags U+E0001 and U+E0020–U+E007F …; and the
invisible letters (the Hangul fillers) and the combining grapheme joiner U+034F.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n import _

INVISIBLE_CLASS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u3164\uffa0"
)
"""The characters, as the inside of a regular expression's class."""

INVISIBLE = re.compile("[" + INVISIBLE_CLASS + "]")

_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + INVISIBLE_CLASS + "]")


def file_name_problem(name: str) -> str | None:
    """What a file's name holds that a reader cannot see (an invisible character, a control such
    as a line break or ESC, a byte that is not UTF-8), as Y012 says it; None for a plain name."""
    found = _IN_NAME.search(name)
    if found is None:
        return None
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return _("the file's name is not UTF-8 (the byte 0x{byte:02X}); rename the file").format(byte=code - 0xDC00)
    return _("the file's name holds {code} ({name}), a character a reader cannot see; rename the file").format(
        code=f"U+{code:04X}", name=unicodedata.name(found.group(), "") or _("a control character")
    )
