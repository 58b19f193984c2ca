"""The figures of examples/results-2025 as the test reads them itself, from the YAML, so that a page
is compared with the files and not with dansokh's reading of them."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from ruamel.yaml import YAML

from .chromium import RESULTS, ROOT


@cache
def figures(period: str, unit: str) -> dict[str, Decimal]:
    """Indicator -> value of one unit's result for one period."""
    path = RESULTS / period / f"{unit}.yaml"
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    # compared as numbers: 0.00 in a file and 0 on a page are the same figure
    return {str(row["indicator"]): Decimal(str(row["value"])) for row in data["figures"]}


def reporting(period: str) -> set[str]:
    """The units with a result for the period."""
    return {path.stem for path in (RESULTS / period).glob("*.yaml")}


def unit_id(slug: str) -> str:
    """The unit of a page's slug: a plan file's stem names its plan (city.yaml: ha-noi), any other
    slug is the unit's id."""
    plan = ROOT / "plans" / "2025" / f"{slug}.yaml"
    if plan.is_file():
        return str(YAML(typ="safe").load(plan.read_text(encoding="utf-8"))["unit"]["id"])
    return slug
