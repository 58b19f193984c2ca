"""Random mutations of the real plans: whatever a file holds, validate, allocate, render and diff end
with exit 0, 1 or 2, no exception escapes, and no case runs longer than its bound.  The officer's
year is mutated too: result files among the plans, the repository's catalogue file, a filled results
form (cells, bytes and the parts of its zip), a crosswalk of the 2025 reform, the cache database
(its bytes, or rows rewritten with checksums that hold) and the repository's own templates; and
``new``, ``diff --plan``, ``progress``, ``render report``, ``import``, ``crosswalk --carry``,
``diff --against`` and a plan's form (written, then imported with ``--dry-run``) run on them.  A case's templates are held to 5 s and 2,000,000 characters
(``dansokh.render.templates``), so that a template that loops ends within the case's bound.

Seeded and bounded so that CI stays fast; a longer run is one environment variable away:

    DANSOKH_FUZZ_CASES=2000 python -m pytest tests/test_fuzz.py -s

``DANSOKH_FUZZ_SEED`` (default 2025) picks the sequence, ``DANSOKH_FUZZ_SECONDS`` (default 30) bounds
each case's time and ``DANSOKH_FUZZ_MEGABYTES`` (default 4096) its memory; each case runs in a
forked child where the platform can fork.  A failing case prints its seed, number and mutations, and leaves its files under the
test's temporary folder (``case-N``) to be replayed with ``dansokh validate case-N/plans``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
import traceback
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, deadline, git, new_year
from dansokh.cli import app

CASES = int(os.environ.get("DANSOKH_FUZZ_CASES", "6"))
SEED = int(os.environ.get("DANSOKH_FUZZ_SEED", "2025"))
BOUND = float(os.environ.get("DANSOKH_FUZZ_SECONDS", "30"))
MEMORY = int(os.environ.get("DANSOKH_FUZZ_MEGABYTES", "4096")) * 1024 * 1024  # address space of a case

runner = CliRunner()
EXAMPLES = PLANS.parent / "examples"

NUMBERS = [
    "1E+999999999", "1E-999999999", "9E+999999", "1E+400", "1E-400", "-0", "-5", "12.5", "0.0000001",
    "999999999999999.999999", "1000000000000000", "9" * 5000, "0x1F", "NaN", ".nan", ".inf", "-.inf",
    "0.15000000000000000000000000001", "1e27", "00118", "+7",
]
SCALARS = [
    "~", "null", "true", "[]", "{}", '""', "''", '"text"', "2025-01-03", "&anchor x", "*anchor",
    "!!str x", "!vi x", '"\\x07\\0\\e"', '"\\ud800"', '"\\N\\L\\P"', "|\n  block", ">-", "- nested",
    "[" * 120 + "]" * 120, "{a: " * 60 + "1" + "}" * 60, "? complex", "'it''s'",
]
UNICODE = [
    "\u0301" * 40,  # stacked combining marks
    "\u202e\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\u202c",  # RTL override, Hebrew, Arabic
    "\u200b\u200d\ufeff",  # zero width, joiner, a BOM inside the text
    "Thu\u0323y Ho\u0300a",  # decomposed Vietnamese (NFD)
    "\U0001f600\U0001f4a9",
    "\x00", "\x07", "\x1b", "\x85", "\u2028", "\ufffe",
    "Ngọc Thụy", "Ngọc Thuỵ", "Ứng Hoà", "ĐĐĐ" * 100,
]
RAW = [b"\x00", b"\xff\xfe", b"\xe1", b"\r", b"\t", b"\x07", b"\xc3", b"\n\n", b"---\n", b"...\n", b"%YAML 1.1\n"]
# what an officer (or a spreadsheet) types into a form's cell
CELLS = [
    1e308, -1e308, 1e-7, 1e16, 123456789012345.5, -5, 12.5, 0, 0.0, 87.5, 2**63, True, False,
    "NaN", "Infinity", "1E+999999999", "87,5", "1.900", "9" * 400, "", " ", "=1/0", "=SUM(E13:E28)",
    "x\u0085y", "\u202eRTL", "Thu\u0323y", "\U0001f600", "ĐĐĐ" * 2000, "08/04/2025", "99/99/9999", "2025-04-08",
    "row:cpr", "row:nope", "kg", "người", "Q9", "../x", "99999999999999999999", None,
]
CATALOGUE = """\
# the repository's own catalogue (the fuzz test mutates it too)
units:
  - {code: cặp, name: cặp vợ chồng, dimension: couples, factor: 1, kind: count}
indicators:
  - {key: couples_counselled, name: Số cặp được tư vấn, unit: cặp, direction: floor, kind: count}
  - {key: cpr, retired: 2030}
"""
COMMANDS = [
    ["validate", "plans/", "-f", "json"],
    ["validate", "plans/"],
    ["allocate", "--from", "city", "--to", "long-bien"],
    ["allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1200", "--write"],
    ["allocate", "--from", "city-2026", "--to", "long-bien", "--write"],
    ["render", "all", "--plan", "{plan}", "-f", "{format}", "-o", "out/"],
    ["diff", "HEAD", "-f", "{diff_format}"],
    ["diff", "--plan", "{plan}"],
    ["new", "--next", "{plan}", "-o", "out/"],
    ["new", "--from", "long-bien", "--unit", "Ngọc Thụy", "-o", "out/"],
    ["progress", "--period", "Q1", "-f", "{diff_format_progress}"],
    ["render", "report", "--plan", "long-bien", "--period", "{period}", "-f", "{format}", "-o", "out/"],
    ["import", "form.xlsx", "-o", "out/imported.yaml"],
    ["form", "--plan", "{plan}", "-o", "out/plan-form.xlsx"],
    ["import", "out/plan-form.xlsx", "--dry-run"],
    ["indicators", "-f", "json"],
    ["crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud", "-f", "{diff_format_progress}"],
    ["diff", "--plan", "city-2026", "--against", "long-bien"],
]


def _mutate_bytes(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    where = rng.randrange(len(raw) + 1)
    choice = rng.randrange(3)
    if choice == 0:
        piece = rng.choice(RAW)
        return raw[:where] + piece + raw[where:], f"insert {piece!r} at byte {where}"
    if choice == 1:
        end = min(len(raw), where + rng.randrange(1, 200))
        return raw[:where] + raw[end:], f"delete bytes {where}-{end}"
    flipped = bytearray(raw)
    if where < len(flipped):
        flipped[where] ^= 1 << rng.randrange(8)
    return bytes(flipped), f"flip a bit of byte {where}"


def _mutate_lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text, "nothing"
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    kind = rng.randrange(6)
    if kind == 0:
        del lines[i]
        what = f"delete line {i + 1}"
    elif kind == 1:
        lines.insert(i, lines[j])
        what = f"copy line {j + 1} before line {i + 1}"
    elif kind == 2:
        lines[i], lines[j] = lines[j], lines[i]
        what = f"swap lines {i + 1} and {j + 1}"
    elif kind == 3:
        lines[i] = " " * rng.randrange(1, 5) + lines[i]
        what = f"indent line {i + 1}"
    elif kind == 4:
        lines[i] = lines[i].lstrip(" ") if rng.random() < 0.5 else lines[i].replace("  ", "\t", 1)
        what = f"dedent or tab line {i + 1}"
    else:
        lines[i:i] = lines[i : i + rng.randrange(1, 30)] * rng.randrange(2, 20)
        what = f"repeat lines from {i + 1}"
    return "".join(lines), what


def _mutate_scalar(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")]
    if not candidates:
        return text, "nothing"
    i = rng.choice(candidates)
    key, _, _ = lines[i].partition(": ")
    pool = rng.choice([NUMBERS, SCALARS, UNICODE])
    value = rng.choice(pool)
    lines[i] = f"{key}: {value}\n"
    return "".join(lines), f"line {i + 1}: {key.strip()}: {value[:40]!r}"


def _mutate_number(rng: random.Random, text: str) -> tuple[str, str]:
    """A number inside a row of values, or a headline target's value."""
    import re

    numbers = [m for m in re.finditer(r"(?<=[\[, ])-?\d+(?:\.\d+)?(?=[,\]\n])", text)]
    if not numbers:
        return text, "nothing"
    match = rng.choice(numbers)
    value = rng.choice(NUMBERS)
    return text[: match.start()] + value + text[match.end() :], f"number at {match.start()}: {match.group()} -> {value[:30]}"


def _mutate_unicode(rng: random.Random, text: str) -> tuple[str, str]:
    where = rng.randrange(len(text) + 1)
    piece = rng.choice(UNICODE)
    return text[:where] + piece + text[where:], f"insert {piece[:10]!r} at char {where}"


def _mutate_names(rng: random.Random, text: str) -> tuple[str, str]:
    import re

    swaps = [
        (r"parent: [a-z-]+", f"parent: {rng.choice(['ha-noi', 'long-bien', 'ngoc-thuy', 'bac-cuong', 'nowhere'])}"),
        (r"^id: [a-z0-9-]+", f"id: {rng.choice(['city', 'long-bien', 'long-bien-srb', 'x'])}"),
        (r"name: [^,}\n]+", f"name: {rng.choice(['Ngọc Thuỵ', 'Long Biên', 'Hà Nội', 'Bồ Đề', 'X'])}"),
        (r"indicator: [a-z_]+", f"indicator: {rng.choice(['prenatal_screening', 'new_users_iud', 'cpr', 'average_population'])}"),
        (r"unit: [^,}\n]+", f"unit: {rng.choice(['người', '%', '‰', 'buổi', 'kg'])}"),
        (r"weight: [a-z_]+|label: [^,}\n]+", "weight: average_population"),
    ]
    pattern, replacement = rng.choice(swaps)
    found = list(re.finditer(pattern, text, re.MULTILINE))
    if not found:
        return text, "nothing"
    match = rng.choice(found)
    return text[: match.start()] + replacement + text[match.end() :], f"{match.group()[:30]!r} -> {replacement!r}"


MUTATORS = [_mutate_lines, _mutate_scalar, _mutate_number, _mutate_unicode, _mutate_names]


def mutate(rng: random.Random, plans: Path) -> list[str]:
    files = sorted(plans.rglob("*.yaml"))
    files += [plans.parent / "catalogue.yaml"] * 2  # the catalogue as likely as a plan or two
    done = []
    for _ in range(rng.randrange(1, 5)):
        path = rng.choice(files)
        if rng.random() < 0.2:
            raw, what = _mutate_bytes(rng, path.read_bytes())
            path.write_bytes(raw)
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
            text, what = rng.choice(MUTATORS)(rng, text)
            path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        done.append(f"{path.relative_to(plans.parent)}: {what}")
    return done


def _mutate_zip(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    """A workbook's zip with one part changed: its bytes or its text, dropped, twice, or swollen."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    i = rng.randrange(len(parts))
    name, data = parts[i]
    kind = rng.randrange(6)
    if kind == 0:
        data, what = _mutate_bytes(rng, data)
    elif kind == 1:
        text, what = rng.choice([_mutate_unicode, _mutate_lines])(rng, data.decode("utf-8", errors="replace").replace(">", ">\n"))
        data = text.replace(">\n", ">").encode("utf-8", errors="surrogatepass")
    elif kind == 2:
        del parts[i]
        what = "dropped"
    elif kind == 3:
        parts.insert(i, (name, data[: len(data) // 2]))
        what = "twice, the first cut in half"
    elif kind == 4:
        data = data.replace(b"<c ", b"<c t=\"s\" ", rng.randrange(1, 50))
        what = "cells turned into shared strings"
    else:
        data = data + b" " * (60 << 20)
        what = "swollen by 60 MiB of spaces"
    if kind not in (2, 3):
        parts[i] = (name, data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts:
            archive.writestr(zipfile.ZipInfo(part, (2025, 7, 8, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue(), f"part {name}: {what}"


def mutate_form(rng: random.Random, pristine_form: Path, form: Path) -> list[str]:
    """A filled form with cells of the form sheet or its hidden sheet changed, its bytes, or a part of its zip."""
    import warnings

    import openpyxl

    chance = rng.random()
    if chance < 0.15:
        raw, what = _mutate_bytes(rng, pristine_form.read_bytes())
        form.write_bytes(raw)
        return [f"form.xlsx: {what}"]
    if chance < 0.3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile's duplicate name
            raw, what = _mutate_zip(rng, pristine_form.read_bytes())
        form.write_bytes(raw)
        return [f"form.xlsx: {what}"]
    book = openpyxl.load_workbook(pristine_form)
    done = []
    for _ in range(rng.randrange(1, 4)):
        if rng.random() < 0.75:
            sheet, cell = book.worksheets[0], f"{rng.choice('CEFGH')}{rng.choice([6, 7, 8, 9, *range(13, 29)])}"
        else:
            sheet, cell = book["dansokh"], f"{rng.choice('ABCD')}{rng.randrange(1, 23)}"
        value = rng.choice(CELLS)
        try:
            sheet[cell] = value
        except (ValueError, TypeError):  # what openpyxl itself refuses to write cannot be in a workbook
            continue
        done.append(f"form.xlsx {sheet.title}!{cell} = {str(value)[:30]!r}")
    book.save(form)
    return done


# what a repository's template may hold: mistakes, and the bounds of the sandbox
TEMPLATE_PIECES = [
    "{{ view.nope }}", "{{ 1 / 0 }}", "{% for %}", "{% endfor %}", "{% if %}", "{{", "}}", "{#", "{% raw %}",
    "{% include 'appendix.md.j2' %}", "{% include 'nowhere.j2' %}", "{% extends 'appendix.html.j2' %}",
    "{{ view.__class__.__mro__ }}", "{{ ''.__class__ }}", "{{ range(10**9) }}", "{{ 10 ** 100000000 }}",
    "{{ 'x' * 10 ** 9 }}", "{% for i in range(100000) %}{{ view.title }}{% endfor %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "{{ view.title|vn }}", "{{ view.body[999] }}",
    "<iframe src=\"file:///etc/passwd\"></iframe>", "<script>alert(1)</script>", "{{ '%*d'|format(10**8, 1) }}",
    "\udcff", "\x00",
]
TEMPLATE_NAMES = ("appendix.md.j2", "appendix.html.j2", "appendix.css.j2", "report.md.j2", "report.html.j2")


def mutate_templates(rng: random.Random, templates: Path) -> list[str]:
    """Now and then, a repository's own templates: copies of the packaged ones, mutated."""
    from importlib import resources

    shutil.rmtree(templates, ignore_errors=True)
    if rng.random() < 0.7:
        return []
    templates.mkdir()
    done = []
    for name in rng.sample(TEMPLATE_NAMES, rng.randrange(1, 3)):
        text = resources.files("dansokh.templates").joinpath(name).read_text(encoding="utf-8")
        if rng.random() < 0.5:
            where = rng.randrange(len(text) + 1)
            piece = rng.choice(TEMPLATE_PIECES)
            text, what = text[:where] + piece + text[where:], f"insert {piece[:40]!r} at char {where}"
        else:
            text, what = rng.choice([_mutate_lines, _mutate_unicode])(rng, text)
        (templates / name).write_bytes(text.encode("utf-8", errors="surrogateescape"))
        done.append(f"templates/{name}: {what}")
    return done


def mutate_cache(rng: random.Random, folder: Path) -> list[str]:
    """Now and then, the cache the case's first command built: its bytes, or rows rewritten
    (garbage, or a crafted body whose checksum holds, as a planted cache would be)."""
    import hashlib
    import sqlite3

    files = sorted(folder.glob("*.sqlite3")) if folder.is_dir() else []
    if not files or rng.random() < 0.6:
        return []
    path = rng.choice(files)
    if rng.random() < 0.3:
        raw, what = _mutate_bytes(rng, path.read_bytes())
        if rng.random() < 0.3:
            raw, what = raw[: rng.randrange(len(raw) + 1)], "truncated"
        path.write_bytes(raw)
        return [f"cache {path.name}: {what}"]
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        table = rng.choice(["headers", "results"])
        rows = connection.execute(f"SELECT rowid, body FROM {table}").fetchall()
        if not rows:
            return []
        rowid, body = rng.choice(rows)
        kind = rng.randrange(5)
        if kind == 0:
            body, what = _mutate_unicode(rng, body)
        elif kind == 1:
            body, what = rng.choice(["[]", "{}", "null", '"x"', "1e999", "{" * 5000 + "}" * 5000]), "garbage"
        elif kind == 2:
            text = json.loads(body)
            body, what = json.dumps(_mutate_json(rng, text)), "a value changed"
        elif kind == 3:
            connection.execute(f"UPDATE {table} SET checksum = ? WHERE rowid = ?", (b"\0" * 8, rowid))
            return [f"cache {path.name} {table}: a checksum broken"]
        else:
            connection.execute("UPDATE meta SET value = ? WHERE key = ?", (rng.choice(["2", "x", ""]), rng.choice(["schema", "identity"])))
            return [f"cache {path.name}: meta changed"]
        checksum = hashlib.blake2b(body.encode("utf-8", errors="surrogatepass"), digest_size=8).digest()
        connection.execute(f"UPDATE {table} SET body = ?, checksum = ? WHERE rowid = ?", (body, checksum, rowid))
        return [f"cache {path.name} {table} row {rowid}: {what}, its checksum made to hold"]
    except (sqlite3.Error, ValueError):
        return [f"cache {path.name}: could not be rewritten"]
    finally:
        connection.close()


def _mutate_json(rng: random.Random, value, depth: int = 0):
    """One value somewhere inside ``value`` replaced by another kind of value."""
    if isinstance(value, dict) and value and depth < 8:
        key = rng.choice(list(value))
        return {**value, key: _mutate_json(rng, value[key], depth + 1)}
    if isinstance(value, list) and value and depth < 8:
        i = rng.randrange(len(value))
        return value[:i] + [_mutate_json(rng, value[i], depth + 1)] + value[i + 1 :]
    # another kind of value than the one there: what a reader that checks its cache's shapes can tell
    others: list[object] = [None, 10**40, 1.5, "x" * 1000, [], {}, "../../etc/passwd"]
    return rng.choice([other for other in others if type(other) is not type(value)])


RESULTS = ("Q1/long-bien.yaml", "Q1/ha-noi.yaml", "Q1/ngoc-thuy.yaml", "Q1/bac-cuong.yaml", "Q2/long-bien.yaml")


@pytest.fixture
def pristine(in_tmp: Path) -> Path:
    """A git repository of the real plans and a 2026 pair (so that --write has work), a few of the
    example results among them, the repository's catalogue file and a filled form, committed."""
    shutil.copytree(PLANS, in_tmp / "pristine")
    new_year(in_tmp / "pristine")
    for name in RESULTS:
        (in_tmp / "pristine" / "results" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / "results-2025" / name, in_tmp / "pristine" / "results" / name)
    (in_tmp / "pristine" / "crosswalks").mkdir()  # Long Biên's wards of 2025 into Hà Nội's of 2026
    shutil.copy(EXAMPLES / "reform-2026" / "plans" / "crosswalks" / "long-bien-2025-2026.yaml", in_tmp / "pristine" / "crosswalks")
    (in_tmp / "dansokh.toml").write_text('catalogue = "catalogue.yaml"\n', encoding="utf-8")
    (in_tmp / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    shutil.copytree(in_tmp / "pristine", in_tmp / "plans")
    result = runner.invoke(app, ["form", "long-bien", "--period", "Q2", "-o", "pristine-form.xlsx"])
    assert result.exit_code == 0, result.output
    _fill(in_tmp / "pristine-form.xlsx")
    git(in_tmp, "init", "-q")
    git(in_tmp, "add", "plans", "dansokh.toml", "catalogue.yaml")
    git(in_tmp, "commit", "-q", "-m", "the plans")
    return in_tmp / "pristine"


def _fill(form: Path) -> None:
    """The form as an officer sends it back: the day, and a figure in every row."""
    import openpyxl

    book = openpyxl.load_workbook(form)
    sheet = book.worksheets[0]
    sheet["C6"] = "08/07/2025"
    for row in range(13, 29):
        if sheet.cell(row, 9).value is None:
            continue
        if sheet.cell(row, 3).value in ("%", "‰", "trẻ trai/100 trẻ gái"):
            sheet.cell(row, 6).value, sheet.cell(row, 7).value = 45, 50
        else:
            sheet.cell(row, 5).value = 100 + row
    book.save(form)


def run_case(rng: random.Random, root: Path, pristine: Path) -> tuple[list[str], list[str]]:
    """One case: fresh plans, mutations, every command; the mutations and what went wrong."""
    shutil.rmtree(root / "plans")
    shutil.copytree(pristine, root / "plans")
    shutil.rmtree(root / "out", ignore_errors=True)
    (root / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    mutations = mutate(rng, root / "plans")
    mutations += mutate_form(rng, root / "pristine-form.xlsx", root / "form.xlsx")
    mutations += mutate_templates(rng, root / "templates")
    # each case its own cache: built by its first command, mutated before the second (a row
    # planted by one case never reaches the next, so a failure is the case's own)
    shutil.rmtree(root / ".dansokh_cache", ignore_errors=True)
    planted = random.Random(rng.random())
    values = {
        "plan": rng.choice(["city", "long-bien", "long-bien-srb", "bac-cuong", "Long Biên"]),
        "format": rng.choice(["md", "html", "xlsx", "docx"]),
        "diff_format": rng.choice(["text", "json", "markdown"]),
        "diff_format_progress": rng.choice(["table", "json", "csv"]),
        "period": rng.choice(["Q1", "Q2", "6m", "Y"]),
    }
    return mutations, isolated(lambda: run_commands(values, lambda: mutate_cache(planted, root / ".dansokh_cache")))


def run_commands(values: dict[str, str], after_first=lambda: []) -> list[str]:
    """Every command on the case's files; what went wrong (an exception, an exit beyond 2, a hang).
    ``after_first`` runs after the first command (the cache's mutation); what it did heads the
    problems, if any."""
    problems: list[str] = []
    done: list[str] = []
    with deadline(BOUND):
        for number, command in enumerate(COMMANDS):
            if number == 1:
                done = after_first()
            args = [part.format(**values) for part in command]
            try:
                result = runner.invoke(app, args)
            except TimeoutError:
                problems.append(f"{' '.join(args)}: still running after {BOUND} s")
                break
            error = result.exception
            if isinstance(error, TimeoutError):
                problems.append(f"{' '.join(args)}: still running after {BOUND} s")
                break
            if error is not None and not isinstance(error, SystemExit):
                where = "".join(traceback.format_exception(error)[-3:-1])[-600:]
                problems.append(f"{' '.join(args)}: {type(error).__name__}: {str(error)[:300]}\n{where}")
            elif result.exit_code not in (0, 1, 2):
                problems.append(f"{' '.join(args)}: exit {result.exit_code}")
    return [f"(after {COMMANDS[0][0]}: {'; '.join(done)})", *problems] if problems and done else problems


def isolated(work) -> list[str]:
    """``work()`` in a forked child with at most MEMORY of address space, where the platform can
    fork: memory a case takes (MemoryError is a failure: no input may cost gigabytes) is given
    back after it, so that a long run does not grow (ruamel's C parser and openpyxl keep a
    little of each run in the process: nothing to a command line, which is one run).  The
    problems come back through a pipe."""
    if not hasattr(os, "fork"):
        return work()
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(reading)
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
            problems = work()
        except BaseException as error:  # the case itself went wrong (MemoryError, say): report it
            problems = [f"the case failed: {type(error).__name__}: {error}"[:500]]
        with os.fdopen(writing, "wb") as stream:
            stream.write(json.dumps(problems).encode("utf-8"))
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        return [f"the case was killed by signal {os.WTERMSIG(status)}"]
    return json.loads(data.decode("utf-8")) if data else ["the case ended without a word"]


@pytest.mark.slow
def test_mutated_plans_never_crash_or_hang(pristine, tmp_path, monkeypatch):
    from dansokh.render import templates

    monkeypatch.setattr(templates, "SECONDS", 5)
    monkeypatch.setattr(templates, "OUTPUT_LIMIT", 2_000_000)
    rng = random.Random(SEED)
    root = pristine.parent
    failures: list[str] = []
    started = time.perf_counter()
    slowest, slowest_case = 0.0, 0
    for case in range(CASES):
        began = time.perf_counter()
        mutations, problems = run_case(rng, root, pristine)
        if time.perf_counter() - began > slowest:
            slowest, slowest_case = time.perf_counter() - began, case
        if (case + 1) % 50 == 0:  # a long run shows where it is (with -s)
            print(f"fuzz: {case + 1} of {CASES} cases, {time.perf_counter() - started:.0f} s, {len(failures)} failing", flush=True)
        if problems:
            kept = tmp_path / f"case-{case}"
            shutil.copytree(root / "plans", kept / "plans")
            for name in ("catalogue.yaml", "dansokh.toml", "form.xlsx"):
                if (root / name).exists():
                    shutil.copy(root / name, kept / name)
            for name in ("templates", ".dansokh_cache"):
                if (root / name).is_dir():
                    shutil.copytree(root / name, kept / name)
            failures.append(f"case {case} (seed {SEED}): {mutations}\n  " + "\n  ".join(problems))
            print(f"fuzz: FAILING {failures[-1]}", flush=True)
    seconds = time.perf_counter() - started
    print(
        f"\nfuzz: {CASES} cases of {len(COMMANDS)} commands, {seconds:.1f} s (slowest case {slowest:.1f} s, case {slowest_case}),"
        f" {len(failures)} failing (seed {SEED}, bound {BOUND} s a case)"
    )
    assert not failures, "\n".join(failures[:10])
