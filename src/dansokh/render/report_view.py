"""The result report of a unit for a period (báo cáo kết quả thực hiện), as a view every format draws.

The table is an ``AppendixView`` (the official layout the appendices use, so the Markdown,
XLSX and DOCX writers draw it unchanged): for the unit, each indicator's target, result, % of
the target, the share expected by then and a verdict; for a parent, then, each indicator with
a row per child and the unit's own row as the total.  Beside it, the figures the pictures need
(``Bar`` per indicator, ``ChildBar`` per child), drawn by the HTML template as SVG and by the
XLSX writer as native charts.  Documents are in Vietnamese whatever the language of messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model.catalogue import CATALOGUE, Direction
from ..model.numbers import half_up, vn
from ..model.periods import PERIODS, period_label, vn_date
from ..read.files import illustrative
from ..results.book import Book, LoadedResult, officer_name
from ..results.progress import Line, Progress, UnitProgress
from .view import BLANK_DAY, BLANK_NUMBER, AppendixView, Cell, ColumnView, HeaderCell, Row, text_cell

VERDICTS_VI = {
    "achieved": "Đạt",
    "on track": "Đúng tiến độ",
    "behind": "Chậm",
    "not achieved": "Chưa đạt",
    "no result": "Chưa có số liệu",
    "information": "Thông tin",
    "not reported": "Chưa báo cáo",
}
ROMAN = ("I", "II", "III")


MAX_PLACES = 2  # a figure shows at most two decimals (a rate computed from counts has more)


@dataclass(frozen=True)
class Bar:
    """One indicator of the unit as a bar: its share of the target (capped for the drawing); a
    ceiling as its result against the ceiling (``result``, ``target``), never a % of a plan."""

    label: str
    unit: str
    share: float  # result / target in %, for the drawing (0–150)
    expected: float | None  # the expected pace, in % of the target
    verdict: str
    text: str  # "87,5 %"; a ceiling's "2,23 / 2,21"
    direction: str = "floor"
    result: Decimal | None = None  # rounded as the table's column shows it
    target: Decimal | None = None
    places: int = 1  # the decimals of result and target in the table (a ceiling's), of the % otherwise
    percent: Decimal | None = None  # a floor's % of the plan, rounded as the table shows it


@dataclass(frozen=True)
class ChildBar:
    name: str
    achieved: int
    on_track: int
    behind: int  # behind, or not achieved
    missing: int  # no result (or not reported at all)
    status: str


@dataclass
class ResultReport:
    view: AppendixView
    unit_name: str
    period_text: str
    bars: list[Bar] = field(default_factory=list)
    children: list[ChildBar] = field(default_factory=list)
    note: str | None = None
    completeness: str | None = None  # "Đã báo cáo: 12/13 đơn vị; … Chưa báo cáo: Cự Khối.": every format prints it
    sums: list[str] = field(default_factory=list)  # why a total differs from its reporting units' sum (in the table too)
    errors: int = 0  # errors in the results and plans it is made of (rendered only with --allow-errors)


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return min(MAX_PLACES, max(0, -exponent)) if isinstance(exponent, int) else 0


def column_places(values: list[Decimal | None]) -> int:
    """The decimals one indicator's figures show in a column: the most any of them is written
    with (at most two), so that a column reads 88,0 / 90,4 / 89,5, never 88 beside 88,0."""
    return max((_decimals(v) for v in values if v is not None), default=0)


def _number_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def _figure(value: Decimal | None, places: int) -> Cell:
    if value is None:
        return Cell("", None, "General", numeric=True)
    rounded = half_up(value, places)
    return Cell(vn(rounded), rounded, _number_format(places), numeric=True)


def _percent(value: Decimal | None) -> Cell:
    if value is None:
        return Cell("", None, "General", numeric=True)
    rounded = half_up(value, 1)  # 37/80 = 46,25 % is 46,3 %, as Excel and people round
    return Cell(vn(rounded), rounded, "#,##0.0", numeric=True)


Places = tuple[int, int]  # the decimals of an indicator's targets and of its results


def _cells(tt: str, name: str, line: Line, places: Places) -> list[Cell]:
    verdict = VERDICTS_VI[line.verdict]
    if line.source == "children":
        verdict += " (tổng các đơn vị)"
    return [
        text_cell(tt),
        text_cell(name),
        text_cell(line.unit),
        _figure(line.target, places[0]),
        _figure(line.result, places[1]),
        _percent(line.achieved),
        _percent(line.expected),
        text_cell(verdict),
    ]


def _attached(loaded: LoadedResult | None, unit_name: str, year: int) -> str:
    if loaded is None or loaded.result.document is None:
        return f"(Kèm theo Báo cáo số {BLANK_NUMBER} ngày {BLANK_DAY}/{BLANK_DAY}/{year} của {unit_name})"
    document = loaded.result.document
    day = vn_date(document.date) if document.date and len(document.date) == 10 else f"{BLANK_DAY}/{BLANK_DAY}/{year}"
    return f"(Kèm theo {document.kind} số {document.number or BLANK_NUMBER} ngày {day} của {document.issuer or unit_name})"


def bar_of(line: Line, places: Places) -> Bar | None:
    """The picture of one indicator, its labels rounded as the table's columns show them."""
    if line.result is None or line.verdict == "information" or not line.target:
        return None
    expected = float(line.expected) if line.expected is not None else None
    if line.direction is Direction.FLOOR and line.achieved is not None:
        achieved = half_up(line.achieved, 1)
        return Bar(line.name, line.unit, max(0.0, min(float(achieved), 150.0)), expected, line.verdict, f"{vn(achieved)} %",
                   percent=achieved)
    if line.direction is Direction.CEILING:
        result, target = half_up(line.result, places[1]), half_up(line.target, places[0])
        share = float(line.result / line.target * 100)
        return Bar(line.name, line.unit, max(0.0, min(share, 150.0)), None, line.verdict, f"{vn(result)} / {vn(target)}",
                   direction=line.direction.value, result=result, target=target, places=max(places))
    return None


def _child_bar(child: UnitProgress) -> ChildBar:
    counts = {"achieved": 0, "on track": 0, "behind": 0, "no result": 0}
    for line in child.lines:
        verdict = "behind" if line.behind else line.verdict  # short of the target: behind, or not achieved
        if verdict in counts:
            counts[verdict] += 1
    return ChildBar(child.unit.name, counts["achieved"], counts["on track"], counts["behind"], counts["no result"], child.status)


def errors_line(errors: int) -> str:
    """What the page says when the report is made from figures with errors (--allow-errors)."""
    return (
        f"CẢNH BÁO: báo cáo này có số liệu sai: kiểm tra (dansokh validate) thấy {vn(errors)} lỗi trong số liệu và kế hoạch"
        " dùng để lập báo cáo; sửa các lỗi rồi lập lại báo cáo trước khi gửi."
    )


def _places(own: Line, children: list[UnitProgress]) -> Places:
    lines = [own] + [line for child in children for line in child.lines if line.indicator == own.indicator]
    return column_places([line.target for line in lines]), column_places([line.result for line in lines])


def sum_note(total_name: str, unit_name: str, line: Line, children: list[UnitProgress], places: Places) -> str | None:
    """Why a total reported for a count differs from the sum of the units that reported it: the
    units that have not reported it, or else a disagreement to look into (``validate``: K004)."""
    if CATALOGUE[line.indicator].kind != "count" or line.source != "reported" or line.result is None:
        return None
    lines = [(child, next((own for own in child.lines if own.indicator == line.indicator), None)) for child in children]
    figures = [(child, own) for child, own in lines if own is not None]
    reported = [own.result for _child, own in figures if own.result is not None]
    missing = [child.unit.name for child, own in figures if own.result is None]
    if not figures or not reported:
        return None
    total = sum(reported, Decimal(0))
    if total == line.result:
        return None
    place = places[1]
    text = (f"{total_name}: {vn(half_up(line.result, place))} {line.unit} theo báo cáo của {unit_name}; "
            f"tổng {len(reported)} đơn vị đã báo cáo là {vn(half_up(total, place))} {line.unit} "
            f"(chênh lệch {vn(half_up(line.result - total, place))})")
    if missing:
        return text + f", vì chưa có số liệu của: {', '.join(missing)}."
    return text + ": số liệu của đơn vị và của các đơn vị trực thuộc không khớp, cần kiểm tra lại."


def _illustrative(book: Book, progress: Progress) -> bool:
    """Whether the report shows illustrative figures: a result file it reads is an example."""
    units = [progress.unit] + progress.children
    files = [found.file for unit in units if (found := book.result(unit.unit.id, unit.year, unit.period)) is not None]
    return any(illustrative(file) for file in files)


def build_report(book: Book, progress: Progress, errors: int = 0) -> ResultReport:
    own = progress.unit
    unit, year, period = own.unit, own.year, own.period
    name = officer_name(book, unit, year)
    loaded = book.result(unit.id, year, period)
    label = period_label(period, year)
    months = PERIODS[period].months
    columns = [
        ColumnView("TT", 5), ColumnView("Chỉ tiêu / Đơn vị", 33), ColumnView("Đơn vị tính", 9),
        ColumnView(f"Kế hoạch năm {year}", 10, True), ColumnView("Kết quả thực hiện", 10, True),
        ColumnView("% kế hoạch", 8, True), ColumnView("Tiến độ dự kiến (%)", 9, True), ColumnView("Đánh giá", 13),
    ]
    total = sum(c.width for c in columns)
    columns = [ColumnView(c.label, round(100 * c.width / total, 2), c.numeric) for c in columns]
    header = [[HeaderCell(c.label, column=k) for k, c in enumerate(columns)],
              [HeaderCell(f"({k + 1})", column=k) for k in range(len(columns))]]
    body: list[Row] = []
    width = len(columns)
    places = {line.indicator: _places(line, progress.children) for line in own.lines}
    notes: list[str] = []
    if errors:
        body.append(Row("section", 0, [text_cell(errors_line(errors), colspan=width)], ""))
    if progress.children:
        body.append(Row("section", 0, [text_cell(ROMAN[0]), text_cell(f"Kết quả của {name}", colspan=width - 1)], ROMAN[0]))
    for index, line in enumerate(own.lines, 1):
        body.append(Row("unit", 0, _cells(str(index), line.name, line, places[line.indicator]), str(index)))
    if progress.children:
        body.append(Row("section", 0, [text_cell(ROMAN[1]), text_cell("Kết quả theo đơn vị", colspan=width - 1)], ROMAN[1]))
        children = _declared_order(book, unit.id, progress.children, progress.unit.year)
        level = name[: -len(unit.name)].strip() if name != unit.name and name.endswith(unit.name) else ""
        total_name = f"Toàn {level}" if level else f"Tổng {unit.name}"
        for index, line in enumerate(own.lines, 1):
            body.append(Row("section", 1, [text_cell(str(index)), text_cell(f"{line.name} ({line.unit})", colspan=width - 1)], str(index)))
            for number, child in enumerate(children, 1):
                child_line = next((own for own in child.lines if own.indicator == line.indicator), None)
                if child_line is None:
                    continue
                cells = _cells(str(number), child.unit.name, child_line, places[line.indicator])
                if child.status == "not reported":
                    cells[-1] = text_cell(VERDICTS_VI["not reported"])
                body.append(Row("unit", 0, cells, str(number)))
            body.append(Row("total", 0, _cells("", total_name, line, places[line.indicator]), ""))
            why = sum_note(total_name, name, line, children, places[line.indicator])
            if why:
                notes.append(why)
                body.append(Row("note", 0, [text_cell(f"Ghi chú: {why}", colspan=width)], ""))
    note = loaded.result.note if loaded is not None else None
    if loaded is None:
        note = "Đơn vị chưa gửi báo cáo kỳ này; kết quả tính từ báo cáo của các đơn vị trực thuộc (nếu đủ)."
    if note:
        body.append(Row("note", 0, [text_cell(f"Ghi chú: {note}", colspan=width)], ""))
    view = AppendixView(
        plan_id=unit.id,
        key=f"{year}-{period}",
        kind="results",
        year=year,
        heading=None,
        title=f"KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ VÀ PHÁT TRIỂN {label.upper()}",
        subtitle=f"{name[:1].upper()}{name[1:]}, số liệu lũy kế từ 01/01/{year} đến hết tháng {months}/{year}",
        attached=_attached(loaded, name, year),
        caption=None,
        columns=columns,
        header=header,
        body=body,
        landscape=True,
        font_size=11,
        illustrative=_illustrative(book, progress),
    )
    completeness = None
    if progress.children:
        count = len(progress.children)
        reported = count - len(progress.missing)
        completeness = f"Đã báo cáo: {reported}/{count} đơn vị; đúng hạn: {progress.on_time}."
        if progress.missing:
            completeness += " Chưa báo cáo: " + ", ".join(c.unit.name for c in progress.missing) + "."
        if progress.late:
            completeness += " Báo cáo muộn: " + ", ".join(c.unit.name for c in progress.late) + "."
    return ResultReport(
        view=view,
        unit_name=name,
        period_text=label,
        bars=[bar for bar in (bar_of(line, places[line.indicator]) for line in own.lines) if bar is not None],
        children=[_child_bar(child) for child in progress.children],
        note=note,
        completeness=completeness,
        sums=notes,
        errors=errors,
    )


def _declared_order(book: Book, unit: str, children: list[UnitProgress], year: int) -> list[UnitProgress]:
    """The children in the order the plan lists them (its table's row order), not ranked."""
    order = {child.id: index for index, child in enumerate(book.children(unit, year))}
    return sorted(children, key=lambda c: order.get(c.unit.id, len(order)))
