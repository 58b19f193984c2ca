"""A format-neutral view of one appendix: what every renderer draws.

The view holds the texts the official layout prints (heading, title in capitals, subtitle,
the "Kèm theo …" line built from the plan's identity), the header as rows of cells with
their spans, and the body as rows of cells that carry both the document text (numbers
written the Vietnamese way: 416.950, 0,15) and the raw value with a number format for XLSX.
Templates see only these plain objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypedDict

from ..i18n import _
from ..model.catalogue import CATALOGUE
from ..model.names import strip_marks
from ..model.numbers import vn
from ..model.plan import (
    AllocationTable,
    Document,
    Plan,
    Schedule,
    ScheduleRow,
    ScheduleSection,
)
from ..model.times import TimeSpec

# what XML 1.0 cannot hold (docx and xlsx are XML): C0 and C1 controls but tab and line breaks,
# noncharacters and lone surrogates; the loader refuses them in plans (S003), this is the safety net
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
PROPERTY_LIMIT = 255  # a document's properties (title, author) hold at most 255 characters, in Word and Excel


def xml_text(text: str) -> str:
    """Text as a docx or xlsx file can hold it."""
    return _NOT_XML.sub("", text)


ILLUSTRATIVE_MARK = "MINH HỌA — số liệu không chính thức"  # on the page of every appendix of illustrative figures
BLANK_NUMBER = "………"
BLANK_DAY = "…."
BLANK_YEAR = "……."
MONTHS = tuple(range(1, 13))


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    column: int = 0  # the first column this cell covers


@dataclass(frozen=True)
class Cell:
    text: str  # as printed in documents
    raw: str | Decimal | None = None  # for XLSX: a Decimal stays a number, anything else is text
    number_format: str = "@"
    colspan: int = 1
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    kind: str  # "section", "task", "unit", "total"
    depth: int
    cells: list[Cell]
    number: str = ""

    @property
    def bold(self) -> bool:
        return self.kind in ("section", "total")

    @property
    def italic(self) -> bool:
        return self.kind == "section" and self.depth > 0


@dataclass(frozen=True)
class ColumnView:
    label: str  # the full label, flattened (group / label), for formats without merged headers
    width: float  # share of the table's width, in per cent (the columns sum to 100)
    numeric: bool = False
    adds_up: bool = False  # a quota: the total row is the sum of the rows (a rate's is not)
    parts: tuple[int, ...] = ()  # the columns whose sum this one is in every row (methods of a total)


@dataclass(frozen=True)
class GanttRow:
    number: str
    content: str
    time: str
    depth: int
    marks: list[str]  # one per month: "" (not covered), "month" (named), "cadence" (monthly, continuous …)
    cadence: str | None
    understood: bool
    section: bool = False  # a section heading (A, I …): no months


@dataclass(frozen=True)
class AppendixView:
    plan_id: str
    key: str  # the appendix's number as the source gives it, or its position when unnumbered
    kind: str  # "schedule" or "allocation"
    year: int
    heading: str | None
    title: str
    subtitle: str | None
    attached: str
    caption: str | None  # a caption spanning all value columns (allocation tables)
    columns: list[ColumnView]
    header: list[list[HeaderCell]]
    body: list[Row]
    landscape: bool
    font_size: float  # table text, in points
    gantt: list[GanttRow] = field(default_factory=list)
    units_row: list[str] | None = None  # the row of units (Đơn vị tính), flattened, where the source has one
    issuer: str = ""  # the document's issuer: the author of the file
    illustrative: bool = False  # from a file of examples/ or labelled ILLUSTRATIVE: every format prints ``mark``

    @property
    def full_title(self) -> str:
        """What the appendix is called: its heading and title ("Phụ lục 1 – TIẾN ĐỘ THỰC HIỆN"),
        the page's title and the name of its month grid, which a page with several appendices
        (a unit's page on the site) tells apart by it."""
        return f"{self.heading} – {self.title}" if self.heading else self.title

    @property
    def mark(self) -> str | None:
        """The line every format prints above the appendix when its figures are illustrative."""
        return ILLUSTRATIVE_MARK if self.illustrative else None

    @property
    def body_groups(self) -> list[list[Row]]:
        """The body in runs that a page break must not split: a section row (A, I. Cấp quận)
        with the rows that follow it up to its first task, so that no section heading is
        stranded at the foot of a page; every other row alone."""
        groups: list[list[Row]] = []
        pending: list[Row] = []
        for row in self.body:
            pending.append(row)
            if row.kind != "section":
                groups.append(pending)
                pending = []
        if pending:
            groups.append(pending)
        return groups

    @property
    def name(self) -> str:
        """The name of its output file, without the suffix: ``long-bien-appendix2``, in Vietnamese
        ``long-bien-phu-luc-2``."""
        return _("{plan}-appendix{key}").format(plan=self.plan_id, key=self.key)

    @property
    def header_height(self) -> int:
        return len(self.header)


def appendix_keys(plan: Plan) -> list[tuple[str, AllocationTable | Schedule]]:
    """Each appendix with the key the command line uses: the source's own number, or its
    position in the plan when the source does not number it."""
    keys: list[tuple[str, AllocationTable | Schedule]] = []
    taken = {a.number for a in plan.appendices if a.number}
    for position, appendix in enumerate(plan.appendices, 1):
        key = appendix.number or str(position)
        if not appendix.number and key in taken:
            key = f"{position}-unnumbered"
        keys.append((key, appendix))
    return keys


def attached_line(document: Document) -> str:
    """"(Kèm theo Kế hoạch số …/KH-UBND ngày … của …)" from the plan's identity; blank parts are dotted."""
    number = document.number
    if number and (not document.symbol or "/" in number):
        ident = number
    elif document.symbol:
        ident = f"{number or BLANK_NUMBER}/{document.symbol}"
    else:
        ident = number or BLANK_NUMBER
    year = month = day = None
    if document.date:
        parts = document.date.split("-")
        year = parts[0]
        month = parts[1] if len(parts) > 1 else None
        day = parts[2] if len(parts) > 2 else None
    if day and month:  # a full date as documents write it: 03/01/2025
        date = f"{day}/{month}/{year}"
    elif month:  # the day left for the signature, the month as drafts write it: …./3/2025
        date = f"{BLANK_DAY}/{int(month)}/{year}"
    else:
        date = f"{BLANK_DAY}/{BLANK_DAY}/{year or BLANK_YEAR}"
    return f"(Kèm theo {document.kind} số {ident} ngày {date} của {document.issuer})"


def _upper(text: str) -> str:
    return text.upper()


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def number_format(value: Decimal) -> str:
    places = _places(value)
    return "#,##0" + ("." + "0" * places if places else "")


def number_cell(value: Decimal | None) -> Cell:
    if value is None:
        return Cell("", None, "General", numeric=True)
    return Cell(vn(value), value, number_format(value), numeric=True)


def text_cell(text: str | None, colspan: int = 1) -> Cell:
    text = text or ""
    return Cell(text, text, "@", colspan)


def _unit_label(code: str) -> str:
    return code[:1].upper() + code[1:] if code[:1].isalpha() else code


def _allocation(table: AllocationTable) -> tuple[list[ColumnView], list[list[HeaderCell]], list[Row]]:
    values = table.columns
    grouped = any(c.group for c in values)
    levels = (1 if table.header else 0) + (1 if grouped else 0) + 1
    header: list[list[HeaderCell]] = [[] for _ in range(levels)]
    header[0] += [
        HeaderCell(table.number_label, rowspan=levels, column=0),
        HeaderCell(table.name_label, rowspan=levels, column=1),
    ]
    level = 0
    if table.header:
        header[0].append(HeaderCell(table.header, colspan=len(values), column=2))
        level = 1
    if grouped:
        index = 0
        while index < len(values):
            group = values[index].group
            if group:
                end = index
                while end + 1 < len(values) and values[end + 1].group == group:
                    end += 1
                header[level].append(HeaderCell(group, colspan=end - index + 1, column=2 + index))
                for k in range(index, end + 1):
                    header[level + 1].append(HeaderCell(values[k].label, column=2 + k))
                index = end + 1
            else:
                header[level].append(HeaderCell(values[index].label, rowspan=2, column=2 + index))
                index += 1
    else:
        header[level] += [HeaderCell(c.label, column=2 + k) for k, c in enumerate(values)]
    if table.units_row:
        header.append(
            [HeaderCell(table.units_row, colspan=2, column=0)]
            + [HeaderCell(_unit_label(c.unit_code), column=2 + k) for k, c in enumerate(values)]
        )
    wide = len(values) > 8
    columns = [ColumnView(table.number_label, 4), ColumnView(table.name_label, 14 if wide else 18)]
    indexes = {c.indicator: 2 + k for k, c in enumerate(values)}
    columns += [
        ColumnView(
            " / ".join(p for p in (c.group, c.label) if p),
            6 if wide else 10,
            numeric=True,
            adds_up=CATALOGUE[c.indicator].quota,
            parts=tuple(indexes[part] for part in CATALOGUE[c.indicator].parts if part in indexes),
        )
        for c in values
    ]
    body: list[Row] = []
    width = len(values)
    for row in table.rows:
        # a row with more or fewer values than columns (T005) is still drawn in the table's grid
        cells = [text_cell(row.tt), text_cell(row.name)] + [
            number_cell(v) for v in [*row.values[:width], *[None] * (width - len(row.values))]
        ]
        body.append(Row("total" if row.total else "unit", 0, cells, row.tt or ""))
    return columns, header, body


def _schedule_rows(schedule: Schedule, year: int, grid: bool = True) -> tuple[list[Row], list[GanttRow]]:
    body: list[Row] = []
    gantt: list[GanttRow] = []

    def task(row: ScheduleRow, depth: int) -> None:
        body.append(
            Row(
                "task",
                depth,
                [text_cell(row.number), text_cell(row.content), text_cell(row.time), text_cell(row.lead),
                 text_cell(row.partners)],
                row.number,
            )
        )
        if grid:
            spec = row.timespec
            gantt.append(GanttRow(row.number, row.content, row.time, depth, _marks(spec, year), spec.cadence, spec.understood))
        for sub in row.rows:
            task(sub, depth + 1)

    def section(item: ScheduleSection, depth: int) -> None:
        body.append(Row("section", depth, [text_cell(item.number), text_cell(item.title, colspan=4)], item.number))
        if grid:
            gantt.append(GanttRow(item.number, item.title, "", depth, [""] * 12, None, True, section=True))
        for sub in item.sections:
            section(sub, depth + 1)
        for row in item.rows:
            task(row, 0)

    for item in schedule.sections:
        section(item, 0)
    return body, gantt


def _marks(spec: TimeSpec, year: int) -> list[str]:
    """A task's row of the month grid: ``month`` where it is done, ``cadence`` every month of a
    task done regularly without months named, else empty."""
    covered = {m for y, m in spec.resolved(year) if y == year}
    regular = not spec.months and bool(spec.cadence)
    return ["month" if month in covered else ("cadence" if regular else "") for month in MONTHS]


def _percent(columns: list[ColumnView]) -> list[ColumnView]:
    total = sum(c.width for c in columns)
    return [replace(c, width=round(100 * c.width / total, 2)) for c in columns]


# A4 less the decree's margins (left 30 mm, right 15 mm): the width a table may take
USABLE_MM = {False: 210 - 45, True: 297 - 45}
PT_MM = 25.4 / 72
CELL_PADDING_MM = 2 * 1.5 + 0.6  # both sides' padding and the rules


def _em(character: str, bold: bool) -> float:
    """About how wide a glyph of Times New Roman is, in ems (Vietnamese marks sit above and
    below their letter and add no width)."""
    if character.isspace():
        return 0.25
    if character.isupper():
        return 0.72 if bold else 0.68
    if character.isdigit():
        return 0.5
    if character in ".,;:()/-'|%‰":
        return 0.33 if character not in "%‰" else 0.85
    return 0.5 if bold else 0.46


def text_mm(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the width of ``text`` in Times New Roman at ``size`` points, a little
    generous: a column this wide holds the text without breaking it."""
    return 1.05 * sum(_em(ch, bold) for ch in text) * size * PT_MM


def _widest_word(text: str, size: float, bold: bool) -> float:
    return max((text_mm(word, size, bold) for word in text.split()), default=0.0)


def fit_columns(header: list[list[HeaderCell]], body: list[Row], count: int, size: float) -> tuple[list[float], list[float]]:
    """Each column's narrowest width in mm (its longest header word, bold, and its widest
    number or longest word, so that no word breaks mid-word: "Truyề / n"), and the width
    it would like (its longest text on one line)."""
    narrowest = [0.0] * count
    wanted = [0.0] * count
    for cells in header:
        for head in cells:
            if head.colspan == 1:
                word = _widest_word(head.text, size, bold=True)
                narrowest[head.column] = max(narrowest[head.column], word)
                wanted[head.column] = max(wanted[head.column], word)
    for row in body:
        column = 0
        for cell in row.cells:
            if cell.colspan == 1:
                bold = row.bold
                whole = text_mm(cell.text, size, bold)
                word = whole if cell.numeric else _widest_word(cell.text, size, bold)
                narrowest[column] = max(narrowest[column], word)
                wanted[column] = max(wanted[column], whole)
            column += cell.colspan
    return [w + CELL_PADDING_MM for w in narrowest], [w + CELL_PADDING_MM for w in wanted]


def _spread(narrowest: list[float], wanted: list[float], numeric: list[bool], usable: float) -> list[float]:
    """Widths that fill ``usable``: every column its narrowest width, then what is left to
    the columns that want more (in proportion to what they lack), then in equal parts to
    the value columns, whose headers then wrap onto fewer lines."""
    widths = list(narrowest)
    left = usable - sum(widths)
    lacking = [max(0.0, w - n) for n, w in zip(narrowest, wanted)]
    if left > 0 and sum(lacking) > 0:
        share = min(1.0, left / sum(lacking))
        widths = [w + share * lack for w, lack in zip(widths, lacking)]
        left = usable - sum(widths)
    if left > 0:
        takers = [i for i, n in enumerate(numeric) if n] or list(range(len(widths)))
        widths = [w + (left / len(takers) if i in takers else 0) for i, w in enumerate(widths)]
    return widths


class _Common(TypedDict):
    """What every kind of appendix's view is built with."""

    plan_id: str
    key: str
    year: int
    heading: str | None
    title: str
    subtitle: str | None
    attached: str
    issuer: str
    illustrative: bool


def build_view(plan: Plan, key: str, appendix: AllocationTable | Schedule, illustrative: bool = False,
               grid: bool = True) -> AppendixView:
    """The view of one appendix; ``illustrative`` (the plan's file is an example,
    ``read.files.illustrative``) marks every page of it as such; without ``grid``, a schedule's
    month grid is not laid out (a country's site leaves it out)."""
    heading = appendix.heading or (f"Phụ lục {appendix.number}" if appendix.number else None)
    common = _Common(
        plan_id=plan.id,
        key=key,
        year=plan.year,
        heading=heading,
        title=_upper(appendix.title),
        subtitle=appendix.subtitle,
        attached=attached_line(plan.document),
        issuer=plan.document.issuer,
        illustrative=illustrative,
    )
    if isinstance(appendix, Schedule):
        names = appendix.columns
        header = [[HeaderCell(text, column=k) for k, text in
                   enumerate((names.number, names.content, names.time, names.lead, names.partners))]]
        columns = [
            ColumnView(names.number, 5),
            ColumnView(names.content, 42),
            ColumnView(names.time, 13),
            ColumnView(names.lead, 15),
            ColumnView(names.partners, 25),
        ]
        body, gantt = _schedule_rows(appendix, plan.year, grid)
        return AppendixView(
            kind="schedule", caption=None, columns=_percent(columns), header=header, body=body, landscape=True,
            font_size=12, gantt=gantt, **common,
        )
    columns, header, body = _allocation(appendix)
    count = len(columns)
    units = None
    if appendix.units_row:
        units = ["", appendix.units_row] + [_unit_label(c.unit_code) for c in appendix.columns]
    # the orientation by fit: portrait (as the text of the plan) when the table's narrowest
    # widths fit a portrait page, landscape when they do not (Long Biên's 14 indicators)
    size = 12.0 if count <= 8 else 10.5
    narrowest, wanted = fit_columns(header, body, count, size)
    landscape = sum(narrowest) > USABLE_MM[False]
    if sum(narrowest) > USABLE_MM[True]:  # even landscape is too narrow: a smaller font
        size = max(8.0, size * USABLE_MM[True] / sum(narrowest))
        narrowest, wanted = fit_columns(header, body, count, size)
    widths = _spread(narrowest, wanted, [c.numeric for c in columns], USABLE_MM[landscape])
    columns = [replace(c, width=width) for c, width in zip(columns, widths)]
    return AppendixView(
        kind="allocation",
        caption=appendix.header,
        units_row=units,
        columns=_percent(columns),
        header=header,
        body=body,
        landscape=landscape,
        font_size=size,
        **common,
    )


_KEY = re.compile(r"^(?:appendix|phu[\s_-]?luc[\s_-]?|pl)?[\s_]*(.+)$", re.IGNORECASE)


def parse_which(text: str) -> str | None:
    """``appendix1``, ``phuluc1``, ``phụlục1``, ``phụ lục 1``, ``phu-luc-1`` (as the file is named), ``pl1``
    -> ``1``; ``all`` (``tất cả``)
    -> None.  A hyphen is not forgiven: ``appendix-1`` asks for an appendix "-1", which no plan
    has (the error lists the ones it has)."""
    text = strip_marks(text.strip())
    if text.lower() in ("tat ca", "tat-ca", "tatca"):
        return None
    if text.lower() == "all":
        return None
    match = _KEY.match(text)
    return match.group(1) if match else text


def appendix_word(key: str) -> str:
    """How the command line names an appendix: ``appendix2``, in Vietnamese ``phuluc2``."""
    return _("appendix{key}").format(key=key)


def describe_appendices(plan: Plan, listing: bool = False) -> str:
    """``it has: appendix1 (…), appendix2 (…)`` for a message; ``listing``: the list alone."""
    keys = appendix_keys(plan)
    if not keys:
        return _("it has no appendices")
    listed = ", ".join(f"{appendix_word(key)} ({appendix.title})" for key, appendix in keys)
    return listed if listing else _("it has: {appendices}").format(appendices=listed)

