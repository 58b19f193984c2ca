"""Problems found while reading a file, before any plan exists.

These are raised by the loader and the schema step, not by a check function;
they live in the registry so that ``dansokh rules`` documents them with the rest.
"""

from __future__ import annotations

from ..diagnostics import Rule, Severity
from ..i18n import N_

NOT_UTF8 = Rule("Y001", "not-utf8", N_("The file is not valid UTF-8 text."), "load")
MALFORMED = Rule("Y002", "malformed-yaml", N_("The file is not well-formed YAML."), "load")
DUPLICATE_KEY = Rule("Y003", "duplicate-key", N_("A mapping has the same key twice."), "load")
ALIAS = Rule("Y004", "alias", N_("YAML anchors and aliases are not allowed in plans."), "load")
EMPTY = Rule("Y005", "empty-file", N_("The file holds no YAML document."), "load")
TOO_LARGE = Rule("Y006", "file-too-large", N_("The file is larger than the size limit."), "load")
NO_PLANS = Rule("Y007", "no-plans", N_("A path given to validate holds no plan files."), "load")
TAG = Rule("Y008", "yaml-tag", N_("Explicit YAML tags (!foo) are not allowed in plans."), "load")
NOT_NFC = Rule(
    "Y009", "not-nfc", N_("Text typed in decomposed Unicode (Unikey's \"Unicode tổ hợp\", not NFC); it is read as composed."), "load", Severity.WARNING
)
TOO_DEEP = Rule("Y010", "nesting-too-deep", N_("Lists and mappings are nested deeper than the limit."), "load")
SKIPPED_PATH = Rule(
    "Y011",
    "skipped-path",
    N_("A path under a plans folder that cannot be read as a plan file is skipped."),
    "load",
    Severity.WARNING,
)
INVISIBLE_CHARACTER = Rule(
    "Y012",
    "invisible-character",
    N_("Text or a file's name holds a character a reader cannot see (U+200D, a direction override such as U+202E)."),
    "load",
    Severity.WARNING,
)
UNKNOWN_KEY = Rule("S001", "unknown-key", N_("A key that the plan format does not have."), "load")
MISSING_KEY = Rule("S002", "missing-key", N_("A required key is missing."), "load")
WRONG_VALUE = Rule("S003", "wrong-type", N_("A value of the wrong type or form."), "load")
UNKNOWN_INDICATOR = Rule("S004", "unknown-indicator", N_("An indicator key not in the catalogue."), "load")
UNKNOWN_UNIT = Rule("S005", "unknown-unit", N_("A unit of measure dansokh does not know."), "load")
UNIT_NOT_FOR_INDICATOR = Rule(
    "S006", "unit-not-for-indicator", N_("A unit of measure that does not fit the indicator (a count for a rate)."), "load"
)
RETIRED_INDICATOR = Rule(
    "S007", "retired-indicator", N_("A plan uses an indicator retired before its year."), "load", Severity.WARNING
)
FORMER_KEY = Rule(
    "S008", "former-indicator-key", N_("A plan writes an indicator by a key it no longer has."), "load", Severity.INFO
)
CATALOGUE_CONFLICT = Rule(
    "S009", "catalogue-conflict", N_("A catalogue file contradicts itself or the catalogue it extends."), "load"
)
SUPPRESSION_WITHOUT_REASON = Rule(
    "X001", "suppression-without-reason", N_("An inline `# dansokh: ignore[CODE]` without codes or a reason."), "load"
)
SUPPRESSION_UNUSED = Rule(
    "X002", "unused-suppression", N_("An inline suppression that suppresses nothing."), "load", Severity.WARNING
)

LOAD_RULES = (
    NOT_UTF8,
    MALFORMED,
    DUPLICATE_KEY,
    ALIAS,
    EMPTY,
    TOO_LARGE,
    NO_PLANS,
    TAG,
    NOT_NFC,
    TOO_DEEP,
    SKIPPED_PATH,
    INVISIBLE_CHARACTER,
    UNKNOWN_KEY,
    MISSING_KEY,
    WRONG_VALUE,
    UNKNOWN_INDICATOR,
    UNKNOWN_UNIT,
    UNIT_NOT_FOR_INDICATOR,
    RETIRED_INDICATOR,
    FORMER_KEY,
    CATALOGUE_CONFLICT,
    SUPPRESSION_WITHOUT_REASON,
    SUPPRESSION_UNUSED,
)
