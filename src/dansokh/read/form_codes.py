"""The F codes: problems `dansokh import` finds in a workbook, reported at their cells.

Apart from the reading of a form (``read.form``, which needs openpyxl) so that the rule registry
(``check.rules``) lists them without loading it.
"""

from __future__ import annotations

from ..diagnostics import Rule
from ..i18n import N_

BAD_WORKBOOK = Rule("F001", "unreadable-workbook", N_("The file is not an .xlsx workbook dansokh can read (a macro-enabled .xlsm is refused)."), "import", source_doc=N_(
    "`dansokh import` reads only the .xlsx workbooks `dansokh form` writes, saved again by Excel or LibreOffice: an old .xls, a macro-enabled .xlsm, a damaged or oversized file is refused before anything is read. Save the workbook as .xlsx (Excel Workbook), or write a new form with `dansokh form`."
))
NOT_A_FORM = Rule("F002", "not-a-results-form", N_("The workbook is not a results form written by `dansokh form`."), "import", source_doc=N_(
    "A results form carries in a hidden sheet which unit, year and period it is for and which indicator each row holds; a workbook made by hand, or a form whose hidden sheet was edited, cannot be read safely. Write the form with `dansokh form UNIT --period P` and fill that one."
))
FORM_MISMATCH = Rule("F003", "form-mismatch", N_("The form's unit, year or period is not the one expected, or was changed."), "import", source_doc=N_(
    "The unit, the year and the period of a form are those it was written for; a form whose unit or period cell was edited, or imported with `--unit` or `--period` for another one, is refused rather than read into the wrong result. Write a new form for the other unit or period."
))
MOVED = Rule("F004", "moved-cell", N_("A row or cell of the form is not where the form put it."), "import", source_doc=N_(
    "Each indicator stays in the row the form put it in: a row inserted, deleted or moved, or a figure typed outside the table (a row added below it), is reported at its cell and nothing is read into the wrong indicator. Undo the change, or copy the figures into a new form."
))
MERGED = Rule("F005", "merged-cell", N_("An input cell of the form has been merged with others."), "import", source_doc=N_(
    "An input cell merged with its neighbours hides which figure is which: unmerge the cells and type each figure in its own cell."
))
FORMULA = Rule("F006", "formula", N_("A formula where a figure is to be typed."), "import", source_doc=N_(
    "A figure is typed, not computed: the result of a formula depends on cells dansokh does not read (and on the program that last saved the workbook). Type the figure itself."
))
NOT_A_NUMBER = Rule("F007", "not-a-number", N_("Text or another value where a number is to be typed."), "import", source_doc=N_(
    "A figure is a number: words, a number typed as text (a cell formatted as Text), a date, or a number beyond what a result may hold is reported at its cell. Type the figure as a number."
))
BAD_DATE = Rule("F008", "not-a-date", N_("The day of the report is missing or is not a date."), "import", source_doc=N_(
    "The day the report is sent (ngày báo cáo) is required: type it as dd/mm/yyyy in its cell."
))
CONTROL_CHARACTER = Rule("F009", "control-character", N_("A text cell holds a control character (pasted from another program)."), "import", source_doc=N_(
    "A text pasted from another program may carry characters no one can see (control characters): they are reported at their cell rather than written into the result. Delete the text and type it again."
))
TOTAL_DIFFERS = Rule("F010", "total-differs-from-parts", N_("A total on the form is not the sum of the rows it totals (the methods of new users)."), "import", source_doc=N_(
    "The new users of contraception in total are the sum of the methods on the rows below: a total that differs from its rows is reported at the cell of the total. Correct the total or the rows."
))
EMPTY = Rule("F011", "empty-cell", N_("A cell of the plan form that the plan needs is empty (a target, a row's content)."), "import", source_doc=N_(
    "A plan form's yellow cells hold what the plan says: a target's value, a task's content, time and lead, the issuer, the title, a goal. Left empty, the plan would lose it: type the value, or the one the form showed."
))
FORM_RULES = (BAD_WORKBOOK, NOT_A_FORM, FORM_MISMATCH, MOVED, MERGED, FORMULA, NOT_A_NUMBER, BAD_DATE, CONTROL_CHARACTER, TOTAL_DIFFERS, EMPTY)
