"""Messages in Vietnamese and in English: complete catalogues, the choice of language,
and the same codes, files and lines in both."""

from __future__ import annotations

import contextvars
import gettext
import json
import string
import threading
from pathlib import Path

import pytest

from conftest import check_tuples, line_of, run
from dansokh import i18n
from dansokh.cascade.edge import edge
from dansokh.check.rules import EVERY_RULE
from dansokh.check.run import load_checked
from dansokh.i18n import catalogues
from dansokh.report.allocation import write_json, write_table
from dansokh.report.text import summary_line

babel = pytest.importorskip("babel", reason="Babel (the test extra) extracts and compiles the catalogues")
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

LANGUAGES = catalogues.LANGUAGES
ENVIRONMENT = ("DANSOKH_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.setup("en")


@pytest.fixture
def vietnamese():
    assert i18n.setup("vi") == "vi"


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory) -> Path:
    """The messages of the source as they are now, extracted by Babel."""
    return catalogues.extract_template(tmp_path_factory.mktemp("pot") / "dansokh.pot")


# --- complete catalogues -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_source_is_translated(language, fresh_template):
    template = catalogues.read(fresh_template)
    catalog = catalogues.read(catalogues.po_path(language))
    untranslated = sorted(_ids(template) - _ids(catalog))
    assert untranslated == [], "run `python -m dansokh.i18n.catalogues update`, translate, then `compile`"
    assert len(template) > 150  # the extraction found the messages (and the rules' documentation)
    assert catalogues.problems(catalog) == []  # nothing empty, nothing fuzzy, the same {placeholders}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_keeps_no_obsolete_messages(language, fresh_template):
    stale = sorted(_ids(catalogues.read(catalogues.po_path(language))) - _ids(catalogues.read(fresh_template)))
    assert stale == [], "run `python -m dansokh.i18n.catalogues update` to drop them"


def test_rule_summaries_and_documentation_are_extracted(fresh_template):
    ids = _ids(catalogues.read(fresh_template))
    for rule in EVERY_RULE:
        assert rule.source_summary in ids, rule.code
        for paragraph in filter(None, rule.source_doc.split("\n\n")):
            assert paragraph in ids, rule.code


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date(language, tmp_path):
    with catalogues.po_path(language).open("rb") as stream:
        catalog = read_po(stream)
    fresh = tmp_path / "fresh.mo"
    with fresh.open("wb") as stream:
        write_mo(stream, catalog, use_fuzzy=False)

    def messages(path: Path) -> dict:
        with path.open("rb") as stream:
            table = dict(gettext.GNUTranslations(stream)._catalog)  # type: ignore[attr-defined]
        table.pop("", None)  # the header (dates)
        return table

    assert messages(catalogues.mo_path(language)) == messages(fresh), "run `python -m dansokh.i18n.catalogues compile`"


def test_translations_keep_the_placeholders_of_their_message():
    catalog = catalogues.read(catalogues.po_path("vi"))
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        names = {n for _, n, _, _ in string.Formatter().parse(message.id) if n is not None}
        translated = {n for _, n, _, _ in string.Formatter().parse(message.string) if n is not None}
        assert translated == names, message.id


# --- the choice of language ----------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch):
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_explicit_then_config_then_environment_then_locale(clean_environment):
    env = clean_environment
    assert i18n.setup() == "en"  # nothing says anything: English
    env.setenv("LANG", "vi_VN.UTF-8")
    assert i18n.setup() == "vi"
    env.setenv("DANSOKH_LANG", "en")
    assert i18n.setup() == "en"  # DANSOKH_LANG over the locale
    assert i18n.setup(config_lang="vi") == "vi"  # the config file over DANSOKH_LANG
    assert i18n.setup(lang="en", config_lang="vi") == "en"  # --lang over everything
    assert i18n.current() == "en"
    assert i18n.setup(lang="vi_VN") == "vi" and i18n.current() == "vi"


def test_locale_variables_in_posix_order(clean_environment):
    env = clean_environment
    env.setenv("LANG", "en_US.UTF-8")
    env.setenv("LC_MESSAGES", "vi_VN.UTF-8")
    assert i18n.setup() == "vi"
    env.setenv("LC_ALL", "C.UTF-8")
    assert i18n.setup() == "en"


def test_an_unknown_language_is_an_error_only_when_asked_for(clean_environment):
    with pytest.raises(ValueError, match="fr"):
        i18n.setup("fr")
    with pytest.raises(ValueError, match="klingon"):
        i18n.setup(config_lang="klingon")
    clean_environment.setenv("DANSOKH_LANG", "fr")
    clean_environment.setenv("LANG", "vi_VN.UTF-8")
    assert i18n.setup() == "vi"  # an unusable DANSOKH_LANG is passed over


def test_messages_follow_the_language_chosen_after_import():
    i18n.setup("vi")
    assert i18n._("met") == "đạt"
    i18n.setup("en")
    assert i18n._("met") == "met"


def test_the_language_of_one_run_is_not_another_runs():
    """The language is a value per run (a context variable), not a catalogue installed for the
    process: a run in another thread, or in a context of its own, speaks its own."""
    i18n.setup("en")
    heard: list[str] = []

    def in_vietnamese() -> None:
        i18n.setup("vi")
        heard.append(i18n._("met"))

    thread = threading.Thread(target=in_vietnamese)
    thread.start()
    thread.join()
    contextvars.copy_context().run(in_vietnamese)
    assert heard == ["đạt", "đạt"] and i18n.current() == "en" and i18n._("met") == "met"
    with i18n.speaking("vi") as language:
        i18n.setup("en")  # a run inside the block chooses again: the block still restores
        assert language == "vi" and i18n._("met") == "met"
    assert i18n.current() == "en"
    with i18n.speaking("vi"):
        assert i18n._("met") == "đạt"
    assert i18n._("met") == "met"


# --- the same diagnostics in both languages ------------------------------------------------


def _break(path: Path, needle: str, old: str, new: str, after: str | None = None) -> int:
    line = line_of(path, needle, after=after)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].count(old) == 1
    lines[line - 1] = lines[line - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    return line


def test_broken_plans_give_vietnamese_messages_at_the_same_places(real_plans):
    long_bien = real_plans / "2025" / "long-bien.yaml"
    city = real_plans / "2025" / "city.yaml"
    _break(long_bien, "value: 90", "90", "86", after="indicator: prenatal_screening")  # C001, T006
    _break(city, "name: Ba Đình, values: [18700", "15500]", "15600]")  # T001, T002
    (real_plans / "2025" / "extra.yaml").write_text("id: extra\nyear: 2025\nbogus: 1\n", encoding="utf-8")  # S001, S002
    english = run(["plans"])
    i18n.setup("vi")
    vietnamese = run(["plans"])
    assert len(english.diagnostics) >= 7
    assert check_tuples(vietnamese) == check_tuples(english)
    assert [(d.severity, d.span) for d in vietnamese.diagnostics] == [(d.severity, d.span) for d in english.diagnostics]
    assert [[r.span for r in d.related] for d in vietnamese.diagnostics] == [
        [r.span for r in d.related] for d in english.diagnostics
    ]
    for en, vi in zip(english.diagnostics, vietnamese.diagnostics):
        assert en.message != vi.message, en.message
    by_code = {d.code: d.message for d in vietnamese.diagnostics}
    assert by_code["C001"] == (
        "Tỷ lệ sàng lọc trước sinh (4 bệnh): quận Long Biên đặt 86%, thấp hơn mức 87% mà thành phố Hà Nội giao"
        " (chưa đạt, thiếu 1 điểm %)"
    )
    assert by_code["T001"] == (
        "cột 'Bao cao su': dòng tổng ghi 280.700, nhưng cộng các dòng được 280.800 (chênh 100);"
        " hãy sửa dòng tổng hoặc dòng bị sai"
    )
    assert by_code["S001"] == "mục 'bogus' không có trong định dạng kế hoạch"
    c001 = next(d for d in vietnamese.diagnostics if d.code == "C001")
    assert [r.message for r in c001.related] == ["do thành phố Hà Nội giao (kế hoạch city)"]
    assert summary_line(vietnamese.summary).startswith("Đã kiểm tra 6 tệp, 5 kế hoạch, 3 quan hệ cấp trên→cấp dưới: ")


def test_the_real_plans_summary_in_vietnamese(vietnamese):
    result = run([Path(__file__).resolve().parent.parent / "plans" / "2025"])
    assert summary_line(result.summary) == (
        "Đã kiểm tra 5 tệp, 5 kế hoạch, 3 quan hệ cấp trên→cấp dưới: 0 lỗi, 0 cảnh báo, 1 ghi chú."
    )
    i18n.setup("en")
    assert summary_line(result.summary) == "Checked 5 files, 5 plans, 3 parent→child edges: 0 errors, 0 warnings, 1 note."


def test_rules_are_documented_in_both_languages(vietnamese):
    for rule in EVERY_RULE:
        assert rule.summary != rule.source_summary, rule.code
        assert rule.doc.count("\n\n") == rule.source_doc.count("\n\n"), rule.code
    i18n.setup("en")
    # the documentation as people read it: the docstrings' ``literal`` written as Markdown's `literal`
    assert all(
        rule.summary == rule.source_summary and rule.doc == rule.source_doc.replace("``", "`") for rule in EVERY_RULE
    )


def test_the_allocation_table_speaks_vietnamese_and_json_stays_english(real_plans, vietnamese):
    import io

    repo, _ = load_checked([real_plans])
    view = edge(repo, repo.by_id["city"], repo.by_id["long-bien"])
    table = io.StringIO()
    write_table(view, table, color=False)
    text = table.getvalue()
    for word in ("Chỉ tiêu", "Chiều", "thành phố Hà Nội giao", "quận Long Biên đặt", "quận Long Biên giao xuống", "Kết luận", "tối thiểu", "đạt, vượt 3 điểm %", "1.050"):
        assert word in text, word
    document = io.StringIO()
    write_json(view, document)
    lines = json.loads(document.getvalue())["lines"]
    assert {line["direction"] for line in lines} <= {"floor", "ceiling", "reduction", "info"}
    assert {line["verdict"] for line in lines} == {"met"}
    assert next(line for line in lines if line["indicator"] == "new_users_iud")["assigned"] == "1050"


def test_command_help_is_translated_in_place(vietnamese):
    import typer
    from typer.core import TyperGroup

    app = typer.Typer(help="Unit")

    @app.command("c", help="Verdict")
    def c(x: int = typer.Option(0, help="Weight")) -> None:
        pass

    @app.command("d")
    def d() -> None:
        pass

    group = i18n.translate_help(typer.main.get_command(app))
    assert isinstance(group, TyperGroup)
    command = group.commands["c"]
    options = [text for p in command.params if (text := getattr(p, "help", None))]
    assert (group.help, command.help, options) == ("Đơn vị", "Kết luận", ["Trọng số"])


# --- the command line: --lang, the configuration file, the locale --------------------------


def _dansokh(*arguments: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """``python -m dansokh ARGUMENTS`` (``cli.main``, as installed) with no language in the
    environment except ``env``, on a wide terminal so that help lines do not wrap."""
    import os
    import subprocess
    import sys

    environment = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
    environment.update({"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "dansokh", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=cwd,
        check=False,
    )


def _positions(output: str) -> list[str]:
    """``file:line:col: CODE`` of every diagnostic line (the part both languages share)."""
    import re

    return re.findall(r"^(\S+:\d+:\d+: [A-Z]\d{3}) ", output, re.MULTILINE)


@pytest.fixture
def broken_plans(real_plans) -> Path:
    long_bien = real_plans / "2025" / "long-bien.yaml"
    city = real_plans / "2025" / "city.yaml"
    _break(long_bien, "value: 90", "90", "86", after="indicator: prenatal_screening")  # C001, T006
    _break(city, "name: Ba Đình, values: [18700", "15500]", "15600]")  # T001, T002
    (real_plans / "2025" / "extra.yaml").write_text("id: extra\nyear: 2025\nbogus: 1\n", encoding="utf-8")
    return real_plans


def test_lang_vi_gives_vietnamese_diagnostics_at_the_same_places(broken_plans):
    english = _dansokh("--lang", "en", "validate", "plans")
    vietnamese = _dansokh("--lang", "vi", "validate", "plans")
    assert english.returncode == vietnamese.returncode == 1, vietnamese.stderr
    assert len(_positions(english.stdout)) >= 7
    assert _positions(vietnamese.stdout) == _positions(english.stdout)
    assert "quận Long Biên đặt 86%, thấp hơn mức 87% mà thành phố Hà Nội giao (chưa đạt, thiếu 1 điểm %)" in vietnamese.stdout
    assert "mục 'bogus' không có trong định dạng kế hoạch" in vietnamese.stdout
    assert "    plans/2025/city.yaml:" in vietnamese.stdout and "do thành phố Hà Nội giao (kế hoạch city)" in vietnamese.stdout
    summary = vietnamese.stdout.splitlines()[-1]
    assert summary.startswith("Đã kiểm tra 6 tệp, 5 kế hoạch, 3 quan hệ cấp trên→cấp dưới: ")
    assert english.stdout.splitlines()[-1].startswith("Checked 6 files, 5 plans, 3 parent→child edges: ")
    assert "below" in english.stdout and "thấp hơn" not in english.stdout


def test_validate_takes_lang_as_its_own_option_too(broken_plans):
    assert _dansokh("validate", "--lang", "vi", "plans").stdout == _dansokh("--lang=vi", "validate", "plans").stdout
    assert "Đã kiểm tra" in _dansokh("validate", "--lang=vi", "plans").stdout


def test_machine_formats_are_the_same_in_both_languages(broken_plans):
    english = json.loads(_dansokh("--lang", "en", "validate", "--format", "json", "plans").stdout)
    vietnamese = json.loads(_dansokh("--lang", "vi", "validate", "--format", "json", "plans").stdout)
    assert english.keys() == vietnamese.keys() and english["summary"] == vietnamese["summary"]

    def without_messages(document):
        return [
            {**{k: v for k, v in d.items() if k != "message"}, "related": [{**r, "message": None} for r in d["related"]]}
            for d in document["diagnostics"]
        ]

    assert without_messages(vietnamese) == without_messages(english)
    assert [d["message"] for d in vietnamese["diagnostics"]] != [d["message"] for d in english["diagnostics"]]
    assert {d["severity"] for d in vietnamese["diagnostics"]} <= {"error", "warning", "info"}


def test_a_vietnamese_locale_gives_vietnamese(broken_plans):
    vietnamese = _dansokh("validate", "plans", env={"LANG": "vi_VN.UTF-8"})
    assert vietnamese.stdout.splitlines()[-1].startswith("Đã kiểm tra 6 tệp")
    english = _dansokh("validate", "plans", env={"LANG": "en_US.UTF-8"})
    assert english.stdout.splitlines()[-1].startswith("Checked 6 files")
    assert _positions(vietnamese.stdout) == _positions(english.stdout)


def test_lang_in_the_configuration_file_and_lang_on_the_command_line_wins(broken_plans):
    (broken_plans.parent / "dansokh.toml").write_text('lang = "vi"\n', encoding="utf-8")
    configured = _dansokh("validate", "plans", env={"LANG": "en_US.UTF-8"})
    assert configured.stdout.splitlines()[-1].startswith("Đã kiểm tra 6 tệp"), configured.stderr
    assert "Cách dùng: dansokh" in _dansokh("--help").stdout  # the help follows the configuration too
    for arguments in (("--lang", "en", "validate", "plans"), ("validate", "--lang", "en", "plans")):
        english = _dansokh(*arguments, env={"LANG": "vi_VN.UTF-8"})
        assert english.stdout.splitlines()[-1].startswith("Checked 6 files"), arguments
        assert _positions(english.stdout) == _positions(configured.stdout)


def test_help_in_vietnamese():
    root = _dansokh("--lang", "vi", "--help")
    assert root.returncode == 0, root.stderr
    for text in ("Cách dùng: dansokh", "Kế hoạch Dân số và Phát triển dưới dạng YAML", "Tùy chọn", "Lệnh",
                 "Kiểm tra kế hoạch: định dạng", "Hiện hướng dẫn này rồi thoát.", "Ngôn ngữ của thông báo"):
        assert text in root.stdout, text
    assert "Check plans" not in root.stdout and "Show this message" not in root.stdout
    validate = _dansokh("--lang", "vi", "validate", "--help")
    assert validate.returncode == 0, validate.stderr
    for text in ("Cách dùng: dansokh validate [TÙY_CHỌN] [ĐƯỜNG_DẪN]...", "Tham số", "Ghi báo cáo vào tệp này.",
                 "Chỉ báo các mã hoặc tiền tố mã này (C,T001).", "--lang", "TỆP", "CÁC_MÃ", "MÃ=MỨC", "PHIÊN_BẢN",
                 "SỐ_BYTE", "auto|text|json|github|sa"):
        assert text in validate.stdout, text
    assert "Write the report" not in validate.stdout
    for typer_words in ("<bool>", "<str>", "<list[", "<int range>", "[x>=1]", "[OPTIONS]", "{paths}"):
        assert typer_words not in validate.stdout, typer_words
    assert "LỆNH [THAM_SỐ]..." in root.stdout and "COMMAND [ARGS]" not in root.stdout
    render = _dansokh("--lang", "vi", "render", "--help")
    assert "PHỤ_LỤC" in render.stdout and "[bắt buộc]" in render.stdout and "<str>" not in render.stdout
    english = _dansokh("--lang", "en", "validate", "--help")
    assert "Usage: dansokh validate [OPTIONS] [PATH]..." in english.stdout
    assert "Write the report to this file." in english.stdout and "<bool>" not in english.stdout


@pytest.mark.parametrize(
    "arguments, vietnamese",
    [
        (("validate", "nothere"), "Giá trị không hợp lệ cho 'ĐƯỜNG_DẪN': 'nothere' không tồn tại."),
        (("validate", "--bogus"), "Không có tùy chọn --bogus"),
        (("allocate", "--from"), "Tùy chọn '--from' cần một giá trị."),
        (("render",), "Thiếu tham số 'PHỤ_LỤC'."),
        (("validate", "-f", "xml", "plans"), "Giá trị không hợp lệ cho '--format' / '-f': 'xml' không phải là một trong"),
        (("nosuchcommand",), "Không có lệnh 'nosuchcommand'."),
    ],
)
def test_clicks_own_errors_in_vietnamese(arguments, vietnamese, tmp_path):
    completed = _dansokh("--lang", "vi", *arguments, cwd=tmp_path)
    assert completed.returncode == 2, completed
    assert vietnamese in " ".join(line.strip("│ ") for line in completed.stderr.splitlines()), completed.stderr
    assert "Missing" not in completed.stderr and "Invalid value" not in completed.stderr


def test_validate_without_a_path_checks_plans(real_plans):
    completed = _dansokh("validate", cwd=real_plans.parent)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "Checked 5 files, 5 plans, 3 parent→child edges: 0 errors, 0 warnings, 1 note."


def test_an_unknown_language_is_a_usage_error(broken_plans):
    for arguments in (("--lang", "xx", "validate", "plans"), ("validate", "--lang=xx", "plans")):
        completed = _dansokh(*arguments)
        assert completed.returncode == 2, arguments
        assert "unknown language 'xx'" in completed.stderr and completed.stdout == ""
    (broken_plans.parent / "dansokh.toml").write_text('lang = "fr"\n', encoding="utf-8")
    completed = _dansokh("validate", "plans")
    assert completed.returncode == 2 and 'lang must be "vi" or "en"' in completed.stderr


def test_the_typer_app_takes_lang_in_process(broken_plans):
    from typer.testing import CliRunner

    from dansokh.cli import app

    runner = CliRunner()
    vietnamese = runner.invoke(app, ["--lang", "vi", "validate", "plans"])
    assert vietnamese.exit_code == 1 and "Đã kiểm tra 6 tệp" in vietnamese.stdout
    english = runner.invoke(app, ["validate", "--lang", "en", "plans"])
    assert "Checked 6 files" in english.stdout
    assert _positions(vietnamese.stdout) == _positions(english.stdout)
    assert runner.invoke(app, ["--lang", "xx", "rules"]).exit_code == 2


def test_command_messages_in_vietnamese(real_plans):
    rules = _dansokh("--lang", "vi", "rules")
    assert rules.stdout.split()[:4] == ["mã", "mức", "độ", "phát"] and " lỗi " in rules.stdout
    one = _dansokh("--lang", "vi", "rules", "C001").stdout
    assert one.startswith("C001 (lỗi): ") and "Ví dụ vi phạm" in one and "Ví dụ đạt" in one
    unknown = _dansokh("--lang", "vi", "rules", "Z999")
    assert unknown.returncode == 2 and "không có quy tắc mã Z999" in unknown.stderr
    nothing = _dansokh("--lang", "vi", "allocate", "--from", "city")
    assert nothing.returncode == 2 and "hãy dùng --to" in nothing.stderr
    indicators = _dansokh("--lang", "vi", "indicators").stdout
    assert "số lượng" in indicators and "tỷ lệ" in indicators and "tối đa" in indicators


def test_the_help_frame_follows_the_language(vietnamese):
    import typer
    from typer import rich_utils

    app = typer.Typer()

    @app.command()
    def c() -> None:
        pass

    i18n.translate_help(typer.main.get_command(app))
    assert rich_utils.OPTIONS_PANEL_TITLE == "Tùy chọn"
    i18n.setup("en")
    assert rich_utils.OPTIONS_PANEL_TITLE == "Options"
