"""Choosing rules: ``--select``/``--ignore`` by code or prefix, and severities adjusted.

Most rules run unless ignored.  An opt-in rule (the O rules: the official list of units) runs
only where it is named: by ``--select``/``select``, or by ``--extend-select``/``extend_select``,
which adds rules to the default set without narrowing it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..diagnostics import Diagnostic, Rule, Severity, shorten
from ..i18n import _
from .rules import ALL_RULES

OPT_IN = frozenset(rule.code for rule in ALL_RULES if rule.opt_in)


class SelectionError(ValueError):
    """A code or prefix that names no rule, or an unknown severity."""


def _check_codes(codes: list[str], option: str) -> list[str]:
    upper = [code.strip().upper() for code in codes if code.strip()]
    for code in upper:
        if not any(rule.code.startswith(code) for rule in ALL_RULES):
            raise SelectionError(_("{option}: {code!r} names no rule (see `dansokh rules`)").format(option=option, code=shorten(code)))
    return upper


@dataclass(frozen=True)
class Selection:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severities: dict[str, Severity] = field(default_factory=dict)
    extend: list[str] = field(default_factory=list)

    @classmethod
    def make(
        cls,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        severities: dict[str, str] | None = None,
        extend: list[str] | None = None,
    ) -> Selection:
        levels = {}
        for code, level in (severities or {}).items():
            named = _check_codes([code], "severity")  # a code that names no rule says so, not that its level is wrong
            try:
                levels[named[0]] = Severity(level)
            except (ValueError, IndexError):
                raise SelectionError(
                    _("severity of {code}: {level!r} is not error, warning or info").format(code=code, level=shorten(level))
                ) from None
        return cls(
            _check_codes(select or [], "--select"),
            _check_codes(ignore or [], "--ignore"),
            levels,
            _check_codes(extend or [], "--extend-select"),
        )

    def runs(self, rule: Rule) -> bool:
        """Whether a rule is to be run at all: an opt-in rule only where it is named."""
        return not rule.opt_in or self._named(rule.code)

    def _named(self, code: str) -> bool:
        named = max((len(p) for p in [*self.select, *self.extend] if code.startswith(p)), default=-1)
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return named > ignored

    def keeps(self, code: str) -> bool:
        """The longest matching prefix wins (a tie goes to ignore): `--select C --ignore C002`
        keeps C001 and drops C002.  An opt-in rule's code is kept only where it is named."""
        if code in OPT_IN:
            return self._named(code)
        selected = max((len(p) for p in self.select if code.startswith(p)), default=-1) if self.select else 0
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return selected >= 0 and ignored < selected or (selected == 0 and ignored == -1)

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        kept = []
        for diagnostic in diagnostics:
            if not self.keeps(diagnostic.code):
                continue
            level = max(
                ((len(code), severity) for code, severity in self.severities.items() if diagnostic.code.startswith(code)),
                default=None,
                key=lambda pair: pair[0],
            )
            kept.append(replace(diagnostic, severity=level[1]) if level else diagnostic)
        return kept
