"""Every number of the sources' tables is in the plans, digit for digit.

The five official documents live in ../shared/seeds/ beside the repository (CI has them;
a plans repository elsewhere may not, and then these tests are skipped).
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from conftest import PLANS, ROOT
from dansokh.model.parse import parse_plan
from dansokh.read.loader import load_file

SEEDS = ROOT.parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the repository")


def plan(plan_id: str):
    loaded = load_file(PLANS / "2025" / f"{plan_id}.yaml")
    parsed, problems = parse_plan(loaded)
    assert parsed is not None, problems
    return parsed


def vn_number(text: str) -> str:
    """The source's Vietnamese number as plain digits: 416.950 -> 416950, 0,15 -> 0.15."""
    return text.replace(".", "").replace(",", ".")


def as_text(value) -> str:
    return "" if value is None else str(value)


def table_rows(table) -> list[tuple[str, str, list[str]]]:
    return [(row.tt or "", row.name, [as_text(v) for v in row.values]) for row in table.rows]


def hanoi_tables() -> list[list[tuple[str, str, list[str]]]]:
    text = (SEEDS / "hanoi-2025-plan.txt").read_text(encoding="utf-8")
    first = text.split("GIAO CHỈ TIÊU DÂN SỐ NĂM 2025", 1)[1].split("Phụ lục 2", 1)[0]
    second = text.split("GIAO CHỈ TIÊU BIỆN PHÁP TRÁNH THAI NĂM 2025", 1)[1]
    tables = []
    for part in (first, second):
        rows = []
        for line in part.splitlines():
            cells = line.split("\t")
            if len(cells) < 6 or not re.fullmatch(r"[\d.,]+", cells[-1].strip()):
                continue
            tt, name, *values = (c.strip() for c in cells)
            if not tt.isdigit() and not name:  # "Toàn Thành phố" sits in the TT cell
                tt, name = "", tt
            rows.append((tt, name, [vn_number(v) for v in values if v]))
        tables.append(rows)
    return tables


def test_hanoi_tables_equal_the_source():
    city = plan("city")
    (_, rates), (_, methods) = city.allocation_tables
    source_rates, source_methods = hanoi_tables()
    assert len(source_rates) == 31 and len(source_methods) == 31
    assert table_rows(rates) == source_rates
    assert table_rows(methods) == source_methods


def long_bien_table() -> list[tuple[str, str, list[str]]]:
    text = (SEEDS / "long-bien-2025-plan.txt").read_text(encoding="utf-8")
    part = text.split("Đơn vị tính", 1)[1]
    rows = []
    for line in part.splitlines():
        tokens = line.split()
        if len(tokens) < 15:
            continue
        numbers = tokens[-14:]
        head = tokens[:-14]
        tt = head[0] if head[0].isdigit() else ""
        name = " ".join(head[1:] if tt else head)
        rows.append((tt, name, numbers))
    return rows


def test_long_bien_table_equals_the_source():
    (_, table), = plan("long-bien").allocation_tables
    source = long_bien_table()
    assert len(source) == 14
    assert table_rows(table) == source


def test_long_bien_units_row_matches_the_columns():
    (_, table), = plan("long-bien").allocation_tables
    printed = "%o % Buổi % % % % % Người Người Người Người Người %".split()
    units = {"‰": "%o", "%": "%", "buổi": "Buổi", "người": "Người"}
    assert [units[c.unit_code] for c in table.columns] == printed


def test_bac_cuong_targets_equal_the_source():
    targets = {t.indicator: (str(t.value), t.count) for t in plan("bac-cuong").targets}
    assert targets == {
        "average_population": ("15306", None),
        "elderly_checkup": ("70", 1199),
        "elderly_health_records": ("90", 1542),
        "prenatal_screening_counselling": ("61", 105),
        "newborn_screening_counselling": ("69", 128),
        "premarital_checkup": ("30", 23),
        "communication_sessions": ("5", None),
        "conference_communication_sessions": ("1", None),
        "mass_media_broadcasts": ("4", None),
        "cpr": ("75", None),
        "cpr_modern": ("75", None),
        "new_users_total": ("857", None),
        "new_users_iud": ("82", None),
        "new_users_sterilisation": ("0", None),
        "new_users_pill": ("240", None),
        "new_users_injectable": ("46", None),
        "new_users_implant": ("4", None),
        "new_users_condom": ("485", None),
    }


@pytest.mark.parametrize(
    ("plan_id", "source"),
    [
        ("city", "hanoi-2025-plan.txt"),
        ("long-bien", "long-bien-2025-plan.txt"),
        ("long-bien-srb", "long-bien-2025-srb-plan.txt"),
        ("long-bien-directive-11", "long-bien-2025-directive-11-plan.txt"),
        ("bac-cuong", "bac-cuong-2025-plan.txt"),
    ],
)
def test_schedule_and_duty_text_comes_from_the_source(plan_id, source):
    """Every schedule cell and duty item, with whitespace removed, is found in the source."""
    text = unicodedata.normalize("NFC", (SEEDS / source).read_text(encoding="utf-8"))
    squeezed = re.sub(r"\s+", "", text).replace("*", "")
    parsed = plan(plan_id)

    def rows(items):
        for row in items:
            yield row
            yield from rows(row.rows)

    def sections(items):
        for section in items:
            yield from rows(section.rows)
            yield from sections(section.sections)

    texts = [item for duty in parsed.duties for item in duty.items] + list(parsed.goals)
    for _, schedule in parsed.schedules:
        for row in sections(schedule.sections):
            texts += [row.content, row.time, row.lead] + ([row.partners] if row.partners else [])
    missing = [t for t in texts if not in_order(re.sub(r"\s+", "", t), squeezed)]
    assert missing == []


def in_order(cell: str, source: str, shortest: int = 4) -> bool:
    """The cell is in the source whole, or in pieces in order: extraction lost the table grid,
    so a cell may be cut by its neighbours' text or by a page header repeated mid-row."""
    position = 0
    while cell:
        found = source.find(cell, position)
        if found >= 0:
            return True
        low, high = 0, len(cell)  # the longest prefix found after position
        while low < high:
            middle = (low + high + 1) // 2
            if source.find(cell[:middle], position) >= 0:
                low = middle
            else:
                high = middle - 1
        if low < shortest:
            return False
        position = source.find(cell[:low], position) + low
        cell = cell[low:]
    return True


def test_every_schedule_row_of_long_bien_is_there():
    (_, schedule), = plan("long-bien").schedules
    numbers = []

    def walk(rows, prefix):
        for row in rows:
            numbers.append(prefix + row.number)
            walk(row.rows, prefix)

    for section in schedule.sections:
        for level in section.sections:
            walk(level.rows, f"{section.number}.{level.number}.")
    assert len(numbers) == len(set(numbers))
    assert [n for n in numbers if n.startswith("E.I.")] == [
        "E.I.1", "E.I.1.1", "E.I.1.2", "E.I.1.3", "E.I.1.4", "E.I.1.5", "E.I.2", "E.I.2.1", "E.I.2.2",
        "E.I.3", "E.I.3.1", "E.I.3.2", "E.I.3.3", "E.I.3.4", "E.I.4", "E.I.4.1", "E.I.4.2", "E.I.4.3",
        "E.I.5", "E.I.6", "E.I.7",
    ]
    assert len(numbers) == 60


@pytest.mark.parametrize(
    ("plan_id", "source"),
    [
        ("city", "hanoi-2025-plan.txt"),
        ("long-bien", "long-bien-2025-plan.txt"),
        ("long-bien-srb", "long-bien-2025-srb-plan.txt"),
        ("bac-cuong", "bac-cuong-2025-plan.txt"),
    ],
)
def test_every_headline_target_is_its_source_sentence_and_number(plan_id, source):
    """Each target quotes its sentence of the source, and that sentence holds the target's number
    (as printed: 416.950, 0,15, 2.21)."""
    squeezed = re.sub(r"\s+", "", unicodedata.normalize("NFC", (SEEDS / source).read_text(encoding="utf-8")))
    wrong = []
    for target in plan(plan_id).targets:
        digits = format(target.value, "f")
        printed = {digits, digits.replace(".", ","), f"{target.value:,}".replace(",", ".")}
        if not target.text or not in_order(re.sub(r"\s+", "", target.text), squeezed.replace("*", "")):
            wrong.append((target.indicator, "text not in the source"))
        elif not any(form in target.text for form in printed):
            wrong.append((target.indicator, f"{digits} not in {target.text!r}"))
    assert wrong == []


# --- when results are due: the plans' reporting, as the sources state it ---------------------


def squeezed_source(source: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", (SEEDS / source).read_text(encoding="utf-8")))


def quarter_due(year: int, quarter: int, sentence: str) -> str:
    """Hà Nội's "trước ngày 10 tháng đầu tiên của quý tiếp theo": the day and the month the
    sentence names, for the quarter's report."""
    found = re.search(r"trước ngày (\d+) tháng đầu tiên của quý tiếp theo", sentence)
    assert found is not None
    day = int(found.group(1))
    month = 3 * quarter + 1
    return f"{year + (month > 12)}-{(month - 1) % 12 + 1:02d}-{day:02d}"


def test_hanoi_reporting_is_its_source_sentence_and_its_dates():
    city = plan("city")
    reporting = city.reporting
    assert in_order(re.sub(r"\s+", "", reporting.text), squeezed_source("hanoi-2025-plan.txt"))
    assert "gửi về Sở Y tế" in reporting.text and reporting.to == "Sở Y tế"
    year_end = re.search(r"báo cáo tổng kết năm gửi trước ngày (\d+)/(\d+)", reporting.text)
    assert year_end is not None
    expected = {f"Q{q}": quarter_due(city.year, q, reporting.text) for q in (1, 2, 3, 4)}
    expected["Y"] = f"{city.year}-{int(year_end.group(2)):02d}-{int(year_end.group(1)):02d}"
    assert {report.period: report.before for report in reporting.reports} == expected
    assert expected == {"Q1": "2025-04-10", "Q2": "2025-07-10", "Q3": "2025-10-10", "Q4": "2026-01-10", "Y": "2025-12-15"}


def test_long_bien_reporting_names_no_dates_because_its_source_names_none():
    reporting = plan("long-bien").reporting
    squeezed = squeezed_source("long-bien-2025-plan.txt")
    assert in_order(re.sub(r"\s+", "", reporting.text), squeezed)
    assert "định kỳ báo cáo UBND quận" in reporting.text and reporting.reports == []
    assert re.sub(r"\s+", "", reporting.regime) in squeezed  # the reporting regime the plan cites
    assert reporting.regime.startswith("Thông tư số 01/2022/TT-BYT")
    assert re.sub(r"\s+", "", reporting.to) in squeezed


def test_only_the_plans_whose_sources_say_how_to_report_have_reporting():
    assert {p: plan(p).reporting is not None for p in ("city", "long-bien", "long-bien-srb", "long-bien-directive-11", "bac-cuong")} == {
        "city": True, "long-bien": True, "long-bien-srb": False, "long-bien-directive-11": False, "bac-cuong": False,
    }


@pytest.mark.parametrize(
    ("plan_id", "source"),
    [
        ("city", "hanoi-2025-plan.txt"),
        ("long-bien", "long-bien-2025-plan.txt"),
        ("long-bien-srb", "long-bien-2025-srb-plan.txt"),
        ("long-bien-directive-11", "long-bien-2025-directive-11-plan.txt"),
        ("bac-cuong", "bac-cuong-2025-plan.txt"),
    ],
)
def test_every_document_a_plan_implements_is_cited_as_its_source_cites_it(plan_id, source):
    """A document the plan implements is the source's full citation: its number followed by its
    date (``27-NQ/TU ngày 01/7/2022``), then its title as the source writes it.  A shorter mention
    elsewhere in the source (Bắc Cường's goal names 27-NQ/TU without a date, and with "tầm nhìn
    đến năm 2025" where the full citation says 2050) is not the citation."""
    text = unicodedata.normalize("NFC", (SEEDS / source).read_text(encoding="utf-8"))
    squeezed = re.sub(r"\s+", "", text).lower()
    wrong = []
    for ref in plan(plan_id).document.implements:
        year, month, day = (int(part) for part in ref.date.split("-"))
        cited = re.escape(re.sub(r"\s+", "", ref.number).lower()) + rf"[^/]{{0,12}}?0?{day}/0?{month}/{year}"
        title = re.sub(r"\s+", "", ref.title).lower()
        if not any(title in squeezed[m.end() : m.end() + 300] for m in re.finditer(cited, squeezed)):
            wrong.append((ref.number, ref.title))
    assert wrong == []
