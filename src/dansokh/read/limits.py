"""The limits of what dansokh reads and reports, in one place (the README's "What dansokh promises").

A plan is a small document: these bounds are far above any real plan and keep a hostile or
broken file from costing more than its size.  The numbers a plan may hold are bounded in
``dansokh.model.numbers``.
"""

from __future__ import annotations

from ..diagnostics import MAX_TEXT_IN_MESSAGE, shorten  # noqa: F401  (the one quoting helper, defined below every stage)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""The largest plan file read (``--max-file-size``, ``max_file_size``)."""

MAX_WORKBOOK_BYTES = DEFAULT_MAX_BYTES
"""The largest results form ``dansokh import`` reads (a filled form is some 20 KB)."""

MAX_WORKBOOK_UNPACKED = 10 * DEFAULT_MAX_BYTES
"""What a results form may take once unpacked: a zip bomb is refused before it is opened."""

MAX_WORKBOOK_PARTS = 1000
"""Parts (files) a results form may hold in its zip: Excel writes some 15."""

MAX_WORKBOOK_ELEMENTS = 200_000
"""XML elements (cells, styles, strings) one part of a results form may hold, whatever its sheets
declare (their ``dimension``): a filled form has a few thousand; reading never costs more."""

REREAD_LIMIT = 1 << 30
"""How much of a file already read (within its limit) is read again, to write over it or to find
its positions: any file dansokh took is far smaller; it only keeps a replaced file from being endless."""

MAX_DEPTH = 100
"""Lists and mappings nested deeper than this are refused (Y010); real plans nest about 12 deep."""

MAX_PER_RULE = 100
"""Diagnostics of one code shown for one file; the rest are counted in one "and N more" line."""

MAX_PER_FILE = 1000
"""Diagnostics shown for one file, all codes together."""

MAX_CATALOGUE_KEY = MAX_TEXT_IN_MESSAGE
"""Characters of a unit's code or an indicator's key or alias in a catalogue file (the shipped
ones have at most 33): what messages quote of them whole."""

MAX_NAME = 200
"""Characters of a name in a catalogue file (a unit's or an indicator's; the longest official
indicator name has 71) or of a unit's name or alias in a plan: the label messages, tables and
appendices write whole."""
