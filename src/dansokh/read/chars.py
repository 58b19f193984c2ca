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

INVISIBLE_CLASS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u3164\uffa0"
)
"""The characters, as the inside of a regular expression's class."""

INVISIBLE = re.compile("[" + INVISIBLE_CLASS + "]")
