"""An appendix as an editable Word document (python-docx).

A4 with the decree's margins (landscape for wide tables), Times New Roman, the heading,
title, subtitle and "Kèm theo …" line centred, one table whose header rows repeat on every
page and whose rows do not split across pages, and page numbers centred in the top margin
from the second page (a PAGE field in the header; the first page has its own, empty header).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .view import PROPERTY_LIMIT, AppendixView, xml_text

FONT = "Times New Roman"


def _font(style_or_run, size: float | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    element = style_or_run.element
    properties = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element.rPr
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(container, text: str, *, bold=False, italic=False, size=13.0, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    run = paragraph.add_run(xml_text(text))
    run.bold = bold
    run.italic = italic
    run.font.size = Pt(size)
    return paragraph


def _page_field(paragraph) -> None:
    """A PAGE field: Word and LibreOffice fill in the page number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _row_flag(row, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _cell_text(cell, text: str, *, bold=False, italic=False, size=12.0, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(xml_text(text))
    run.bold = bold
    run.italic = italic
    run.font.size = Pt(size)


LANGUAGE = "vi-VN"
CELL_MARGINS_MM = {"top": 0.6, "bottom": 0.6, "left": 1.5, "right": 1.5}
# the children of w:tblPr in the order the schema (ECMA-376, CT_TblPr) requires
TABLE_PROPERTIES = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
    "tblDescription",
)


def _language(document, language: str) -> None:
    """The document's language (Word checks spelling in it: en-US would underline every
    Vietnamese word), in the defaults of every run and in the Normal style."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    targets = [document.styles["Normal"].element.get_or_add_rPr()]
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None and run_defaults.find(qn("w:rPr")) is not None:
            targets.append(run_defaults.find(qn("w:rPr")))
    for properties in targets:
        element = properties.find(qn("w:lang"))
        if element is None:
            element = OxmlElement("w:lang")
            properties.append(element)
        element.set(qn("w:val"), language)
        element.set(qn("w:eastAsia"), language)
        element.set(qn("w:bidi"), language)


def _cell_margins(table) -> None:
    """Room between the text and the rules of every cell, in schema order within w:tblPr."""
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, mm in CELL_MARGINS_MM.items():
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(Mm(mm).twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)
    order = {qn(f"w:{name}"): index for index, name in enumerate(TABLE_PROPERTIES)}
    children = sorted(properties, key=lambda child: order.get(child.tag, len(order)))
    for child in children:
        properties.remove(child)
        properties.append(child)


MARK_COLOUR = RGBColor(0xC5, 0x30, 0x30)  # the illustrative mark, as the HTML draws it


def _mark(paragraph, text: str) -> None:
    run = paragraph.add_run(xml_text(text))
    run.bold = True
    run.font.color.rgb = MARK_COLOUR


def render_docx(view: AppendixView) -> bytes:
    buffer = io.BytesIO()
    build_docx(view).save(buffer)
    return buffer.getvalue()


def build_docx(view: AppendixView):
    """The document of one appendix (a result report adds its lines and pictures after the table)."""
    document = Document()
    normal = document.styles["Normal"]
    _font(normal, 13)
    section = document.sections[0]
    if view.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)
    document.core_properties.title = xml_text(view.title)[:PROPERTY_LIMIT]
    document.core_properties.author = xml_text(view.issuer)[:PROPERTY_LIMIT]  # the document is the issuer's, not the tool's
    document.core_properties.last_modified_by = xml_text(view.issuer)[:PROPERTY_LIMIT]
    document.core_properties.comments = ""
    _language(document, LANGUAGE)

    if view.mark:  # illustrative figures: said above the table and at the foot of every page
        _mark(_paragraph(document, ""), view.mark)
        for footer in (section.footer, section.first_page_footer):
            footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _mark(footer.paragraphs[0], view.mark)
    if view.heading:
        _paragraph(document, view.heading, bold=True)
    _paragraph(document, view.title, bold=True)
    if view.subtitle:
        _paragraph(document, view.subtitle, bold=True)
    attached = _paragraph(document, view.attached, italic=True)
    attached.paragraph_format.space_after = Pt(10)

    width = len(view.columns)
    levels = len(view.header)
    table = document.add_table(rows=levels + len(view.body), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    usable = (297 if view.landscape else 210) - 45
    total = sum(c.width for c in view.columns)
    widths = [Mm(usable * c.width / total) for c in view.columns]
    for index, column in enumerate(table._tbl.tblGrid.findall(qn("w:gridCol"))):
        column.set(qn("w:w"), str(widths[index].twips))  # LibreOffice sizes columns by the grid
    _cell_margins(table)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
    size = view.font_size
    for level, cells in enumerate(view.header):
        row = table.rows[level]
        _row_flag(row, "w:tblHeader")
        _row_flag(row, "w:cantSplit")
        units = bool(view.units_row) and level == levels - 1
        for cell in cells:
            target = table.cell(level, cell.column)
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(table.cell(level + cell.rowspan - 1, cell.column + cell.colspan - 1))
            _cell_text(target, cell.text, bold=not units, italic=units, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for offset, body_row in enumerate(view.body):
        index = levels + offset
        row = table.rows[index]
        _row_flag(row, "w:cantSplit")
        keep = body_row.kind == "section"  # a section row stays on the page of the row after it
        cells = row.cells  # once per row: table.cell() walks the whole table each time
        column = 0
        for position, cell in enumerate(body_row.cells):
            target = cells[column]
            if cell.colspan > 1:
                target = target.merge(cells[column + cell.colspan - 1])
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT if cell.numeric
                else WD_ALIGN_PARAGRAPH.CENTER if position == 0
                else WD_ALIGN_PARAGRAPH.LEFT
            )
            _cell_text(target, cell.text, bold=body_row.bold, italic=body_row.italic, size=size, align=align)
            if keep:
                for paragraph in target.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
            column += cell.colspan
    return document
