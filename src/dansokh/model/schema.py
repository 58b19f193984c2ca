"""The JSON Schema of a plan file, from the Pydantic models, for editors and other checkers.

An editor with a YAML language server completes keys and flags unknown ones as a
plan is typed (``# yaml-language-server: $schema=plan.schema.json``).  The schema
says what the models check in a form other tools can read:

- numbers (``Decimal`` in the models, so 0,15 stays 0,15) are JSON numbers;
- ids carry their pattern, dates theirs, indicators and units their catalogue as an ``enum``
  (with the Vietnamese names as ``enumDescriptions`` for editors that show them);
- keys carry a description where the name alone does not say enough.

It is a subset of ``dansokh validate``: the arithmetic, the months of a schedule
and the cascade between plans are checked by dansokh only.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from . import plan as models
from .catalogue import ALIASES, CATALOGUE, UNITS, canonical
from .periods import PERIODS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SLUG_PATTERN = models._SLUG.pattern
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
FULL_DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"

# (model, key) -> description; the models' docstrings describe the models themselves.
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("Plan", "id"): "The plan's id: lowercase letters, digits and hyphens (long-bien); unique in the repository;"
    " the file is named after it.",
    ("Plan", "year"): "The year the plan is for.",
    ("Plan", "scope"): "annual: the yearly population-and-development plan; thematic: a plan on one subject"
    " (SRB, a directive).",
    ("Plan", "continues"): "The id of the plan this one continues: last year's (dansokh new --next writes it).",
    ("Plan", "document"): "The document's identity as printed: issuer, number, date, title, signer.",
    ("Plan", "unit"): "The issuing unit.",
    ("Plan", "units"): "The units this plan assigns targets to (its children); their parent defaults to this"
    " plan's unit.",
    ("Plan", "goals"): "Mục tiêu: one paragraph per item.",
    ("Plan", "targets"): "Chỉ tiêu: every numeric target stated in the text.",
    ("Plan", "appendices"): "Phụ lục, in the source's order: schedules (kind: schedule) and allocation tables"
    " (kind: allocation).",
    ("Plan", "duties"): "Tổ chức thực hiện: each unit's duties.",
    ("UnitDecl", "id"): "The unit's id: lowercase letters, digits and hyphens (ngoc-thuy).",
    ("UnitDecl", "name"): "The name without the level word (Ngọc Thụy, not phường Ngọc Thụy).",
    ("UnitDecl", "level"): "The level, as data: cấp tỉnh, cấp huyện, cấp xã, or whatever the hierarchy has.",
    ("UnitDecl", "parent"): "The parent unit's id; a parent with no plan in the repository is reported, not"
    " invented.",
    ("UnitDecl", "aliases"): "Other spellings an allocation table uses for this unit (Th. Thanh).",
    ("Document", "number"): "The document number; null in a draft that leaves it blank (Số: /KH-UBND).",
    ("Document", "date"): "YYYY-MM-DD, YYYY-MM or YYYY: only what the source gives (quoted).",
    ("DocumentRef", "date"): "YYYY-MM-DD, YYYY-MM or YYYY: only what the source gives (quoted).",
    ("Target", "indicator"): "A key of the indicator catalogue (`dansokh indicators`).",
    ("Target", "value"): "The target as the source writes it, with a dot as the decimal mark and no thousands"
    " separator (416950, 0.15).",
    ("Target", "unit"): "The unit of measure; defaults to the indicator's.",
    ("Target", "count"): "The absolute figure a rate corresponds to, where the source gives it.",
    ("Target", "base"): "The size of the rate's denominator, where the source states it.",
    ("Target", "text"): "The source's sentence.",
    ("Column", "indicator"): "The indicator this column assigns (`dansokh indicators`).",
    ("Column", "label"): "The column's heading as printed.",
    ("Column", "unit"): "The unit of measure; defaults to the indicator's.",
    ("Column", "group"): "A heading spanning several columns, as printed.",
    ("AllocationRow", "tt"): 'The row number as printed, quoted ("1").',
    ("AllocationRow", "name"): "The unit's name as printed; resolved to a unit across tone-mark placement and"
    " aliases.",
    ("AllocationRow", "total"): "true for the issuing unit's own (total) row.",
    ("AllocationRow", "values"): "One value per column, in the columns' order; null for an empty cell.",
    ("AllocationTable", "kind"): "An allocation table (biểu giao chỉ tiêu).",
    ("AllocationTable", "number"): 'The appendix number as printed, quoted ("2"); null when unnumbered.',
    ("Schedule", "kind"): "A schedule of tasks (tiến độ thực hiện).",
    ("Schedule", "number"): 'The appendix number as printed, quoted ("1"); null when unnumbered.',
    ("ScheduleRow", "number"): 'The row number as printed, quoted ("1", "1.1").',
    ("ScheduleRow", "time"): "Exactly as written (Tháng 1/2025, Quý II, Thường xuyên); the months are read from it.",
    ("ScheduleRow", "rows"): "Sub-rows (1.1, 1.2 …) with the same keys.",
    ("ScheduleSection", "number"): "The section's number as printed (A, I).",
}


class _PlanSchema(GenerateJsonSchema):
    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {"type": "number"}

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        inner = super().function_after_schema(schema)
        function = schema["function"].get("function")
        if function is models._slug:
            return {**inner, "pattern": SLUG_PATTERN}
        if function is models._partial_date:
            return {**inner, "pattern": DATE_PATTERN}
        if function is models._full_date:
            return {**inner, "pattern": FULL_DATE_PATTERN}
        if function is models._period:
            return {**inner, "enum": list(PERIODS)}
        if function is models._indicator:
            keys = list(CATALOGUE) + list(ALIASES)
            return {**inner, "enum": keys, "enumDescriptions": [_indicator_description(k) for k in keys]}
        if function is models._unit:
            codes = list(UNITS)
            return {**inner, "enum": codes, "enumDescriptions": [UNITS[c].name for c in codes]}
        return inner


def _indicator_description(key: str) -> str:
    """What an editor shows beside a key: the indicator's name, and whether it is a former key or
    retired (both still valid: old plans keep them)."""
    spec = CATALOGUE[canonical(key)]  # type: ignore[index]
    text = spec.name
    if key != spec.key:
        text += f" (former key of {spec.key})"
    if spec.retired is not None:
        text += f" (retired from {spec.retired})"
    return text


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one plan file."""
    schema = models.Plan.model_json_schema(schema_generator=_PlanSchema)
    definitions = schema.get("$defs", {})
    for (name, key), description in DESCRIPTIONS.items():
        target = schema if name == "Plan" else definitions.get(name)
        if target is None or key not in target.get("properties", {}):
            raise KeyError(f"schema description for unknown key {name}.{key}")
        target["properties"][key]["description"] = description
    schema["title"] = "dansokh plan"
    schema["description"] = (
        "A Vietnamese population-and-development plan (Kế hoạch Dân số và Phát triển) as dansokh keeps it."
        " The schema checks keys and types; `dansokh validate` also checks the arithmetic and the cascade."
    )
    return {"$schema": DIALECT, **schema}


def result_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one result file (``kind: result``)."""
    from .result import ResultFile

    schema = ResultFile.model_json_schema(schema_generator=_PlanSchema)
    schema["title"] = "dansokh result"
    schema["description"] = (
        "One unit's results (kết quả thực hiện) for one period, cumulative from 1 January, as dansokh keeps them."
        " The schema checks keys and types; `dansokh validate` also checks the figures, the sums and the dates."
    )
    return {"$schema": DIALECT, **schema}
