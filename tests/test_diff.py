"""``dansokh diff`` across git revisions, and ``validate --changed-since`` (touching_changes)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, git, write_files
from dansokh.check.run import validate
from dansokh.cli import app
from dansokh.compare.diff import compare
from dansokh.load import Changed
from dansokh.vcs.changed import changed_since
from dansokh.vcs.git import GitError, changed_files, files_at
from dansokh.vcs.sides import load_side, load_sides

runner = CliRunner()

LONG_BIEN = "plans/2025/long-bien.yaml"
CITY = "plans/2025/city.yaml"
NGOC_THUY_ROW = '- {tt: "1", name: Ngọc Thuỵ, values: [0.00, 3.04, 25, 100, 86.0, 88.0, 90, 95, 100,'
TOTAL_ROW = "- {name: Toàn quận, total: true, values: [0.00, 2.21, 258, 100, 86.0, 88.0, 90, 95, 1100,"
SCHEDULE_TIME = 'time: "Tháng 6/2025"'  # Phụ lục 1, A. I. row 2 (the only row with this time)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(in_tmp: Path) -> Path:
    """A git repository holding the real plans (commit 1), then Ngọc Thuỵ's IUD quota cut from
    100 to 85 (the district's total with it) and a schedule row moved from June to July (commit 2)."""
    git(in_tmp, "init", "-q", "-b", "main")
    shutil.copytree(PLANS, in_tmp / "plans")
    git(in_tmp, "add", "-A")
    git(in_tmp, "commit", "-q", "-m", "the 2025 plans")
    plan = in_tmp / LONG_BIEN
    edit(plan, NGOC_THUY_ROW, NGOC_THUY_ROW.replace("95, 100,", "95, 85,"))
    edit(plan, TOTAL_ROW, TOTAL_ROW.replace("95, 1100,", "95, 1085,"))
    edit(plan, SCHEDULE_TIME, 'time: "Tháng 7/2025"')
    git(in_tmp, "commit", "-q", "-am", "Ngọc Thuỵ: fewer IUDs; the inspection team in July")
    return in_tmp


EXPECTED = [
    ("changed", "long-bien", "Ngọc Thuỵ", "Dụng cụ tử cung (đặt vòng)", "100", "85", "người"),
    ("changed", "long-bien", "Toàn quận", "Dụng cụ tử cung (đặt vòng)", "1100", "1085", "người"),
    ("changed", "long-bien", "A.I.2", "Thời gian thực hiện", "Tháng 6/2025", "Tháng 7/2025", None),
]


def _rows(document: dict) -> list[tuple]:
    return [
        (c["status"], c["plan"], c["where"], c["item"], c["old"], c["new"], c["unit"]) for c in document["changes"]
    ]


def test_diff_between_two_commits_lists_exactly_the_changed_items(repo):
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert _rows(document) == EXPECTED
    iud = document["changes"][0]
    assert iud["appendix"] == "Phụ lục 2"
    assert iud["ref"] == {"plan": "long-bien", "table": "2", "row": "ngoc-thuy", "column": "new_users_iud"}
    assert iud["file"] == LONG_BIEN
    assert (repo / LONG_BIEN).read_text(encoding="utf-8").splitlines()[iud["line"] - 1].lstrip().startswith(
        '- {tt: "1", name: Ngọc Thuỵ'
    )
    row = document["changes"][2]
    assert row["appendix"] == "Phụ lục 1"
    assert row["ref"] == {"plan": "long-bien", "schedule": "1", "row": "A.I.2", "field": "time"}
    assert row["detail"].startswith("Thành lập tổ kiểm tra")
    assert document["summary"] == {"changes": 3, "plans": ["long-bien"]}


def test_diff_of_the_working_tree_as_text_and_markdown(repo):
    edit(repo / LONG_BIEN, "    value: 90\n", "    value: 92\n")  # prenatal screening, uncommitted
    text = runner.invoke(app, ["diff", "HEAD"])
    assert text.exit_code == 0, text.output
    lines = [" ".join(line.split()) for line in text.output.splitlines()]
    assert "long-bien Chỉ tiêu Long Biên Tỷ lệ sàng lọc trước sinh (4 bệnh) 90 → 92 %" in lines
    assert lines[-1].startswith("1 change in 1 plan between HEAD (")
    assert lines[-1].endswith(") and the working tree.")

    markdown = runner.invoke(app, ["diff", "HEAD~1", "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.output
    assert markdown.output.startswith("<!-- dansokh diff -->\n### dansokh: what changed in the plans\n\n4 changes")
    assert "| Phụ lục 2 | Ngọc Thuỵ | Dụng cụ tử cung (đặt vòng) | 100 → 85 | người |" in markdown.output
    assert "| Phụ lục 1 | A.I.2 · Thành lập tổ kiểm tra" in markdown.output
    assert "| Thời gian thực hiện | Tháng 6/2025 → Tháng 7/2025 |  |" in markdown.output


def test_no_change(repo):
    result = runner.invoke(app, ["diff", "HEAD"])
    assert result.exit_code == 0
    assert result.output.startswith("No plan changed between HEAD (")


def test_unknown_revision_and_not_a_repository_are_usage_errors(repo, tmp_path_factory):
    result = runner.invoke(app, ["diff", "no-such-branch"])
    assert result.exit_code == 2
    assert "unknown revision 'no-such-branch'" in result.output
    assert runner.invoke(app, ["diff", "--", "-x"]).exit_code == 2
    elsewhere = tmp_path_factory.mktemp("not-a-repo")
    with pytest.raises(GitError, match="not a git repository"):
        files_at("HEAD", [Path("plans")], cwd=elsewhere)


def test_files_at_a_revision_are_read_from_git_not_the_disk(repo):
    (repo / LONG_BIEN).unlink()
    files = files_at("HEAD~1", [Path("plans")])
    assert sorted(files) == sorted(f"plans/2025/{p.name}" for p in (PLANS / "2025").glob("*.yaml"))
    assert NGOC_THUY_ROW.encode() in files[LONG_BIEN]


def test_a_broken_file_is_skipped_and_named(repo):
    (repo / CITY).write_text("id: [", encoding="utf-8")
    result = runner.invoke(app, ["diff", "HEAD", "--format", "json"])
    document = json.loads(result.output)
    assert document["skipped"] == {"old": [], "new": [CITY]}
    assert [(c["status"], c["plan"], c["area"]) for c in document["changes"]] == []  # not "removed"
    text = runner.invoke(app, ["diff", "HEAD~1"])
    assert f"{CITY} at the working tree is not a readable plan and was not compared" in text.output
    (repo / CITY).write_text("id: city\nyear: 2025\n", encoding="utf-8")  # readable YAML, not a plan
    result = runner.invoke(app, ["diff", "HEAD", "--format", "json"])
    assert json.loads(result.output)["changes"] == []


# the comparison itself, on files without git -------------------------------------------------------------


def _side(label: str, files: dict[str, str]):
    return load_side(label, {name: text.encode("utf-8") for name, text in files.items()})


def _real(name: str) -> str:
    return (PLANS / "2025" / name).read_text(encoding="utf-8")


def test_renamed_names_reordered_rows_and_a_moved_file_are_no_change():
    before = _real("long-bien.yaml")
    after = before.replace("name: Ngọc Thuỵ, values", "name: Ngọc Thụy, values")
    lines = after.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if 'name: Ngọc Thụy, values' in line)
    lines[first], lines[first + 1] = lines[first + 1], lines[first]  # Ngọc Lâm before Ngọc Thụy
    diff = compare(_side("a", {"a/long-bien.yaml": before}), _side("b", {"b/moved.yaml": "".join(lines)}))
    assert diff.changes == []


CU_KHOI_ROW = '      - {tt: "13", name: Cự Khối, values: [0.00, 2.58, 17, 100, 86.0, 88.0, 90, 95, 65, 1, 1, 155, 400, 74.0]}\n'


def test_added_and_removed_items_plans_and_units():
    before = _real("long-bien.yaml")
    after = (
        before.replace(
            "  - indicator: cpr_modern\n    value: 74\n",
            "  - indicator: cpr_modern\n    value: 74\n    count: 1200\n  - indicator: newborn_screening_counselling\n    value: 80\n",
        )
        .replace("  - indicator: sex_ratio_at_birth\n    value: 110\n", "  - indicator: sex_ratio_at_birth\n    value: 109\n", 1)
        .replace(CU_KHOI_ROW, "")
        .replace('              - number: "2"\n                content: "Thành lập tổ kiểm tra', '              - number: "3"\n                content: "Thành lập tổ kiểm tra')
    )
    diff = compare(
        _side("a", {"long-bien.yaml": before, "city.yaml": _real("city.yaml")}),
        _side("b", {"long-bien.yaml": after, "bac-cuong.yaml": _real("bac-cuong.yaml")}),
    )
    rows = [change.row() for change in diff.changes]
    assert rows[:4] == [
        ("changed", "long-bien", "Long Biên", "Tỷ số giới tính khi sinh", "110", "109", "trẻ trai/100 trẻ gái"),
        ("added", "long-bien", "Long Biên", "Tỷ lệ cặp vợ chồng áp dụng biện pháp tránh thai hiện đại (CPR hiện đại) (số tuyệt đối)", None, "1200", None),
        ("added", "long-bien", "Long Biên", "Tỷ lệ trẻ em được quản lý, tư vấn sàng lọc sơ sinh", None, "80", "%"),
        ("removed", "long-bien", "Cự Khối", "Mức giảm tỷ lệ sinh con thứ 3 trở lên so với năm trước", "0.00", None, "‰"),
    ]
    cu_khoi = [row for row in rows if row[2] == "Cự Khối"]
    assert len(cu_khoi) == 14 and {row[0] for row in cu_khoi} == {"removed"}
    schedule = [row for row in rows if row[2].startswith("A.I.")]
    assert [row[:3] for row in schedule] == [("added", "long-bien", "A.I.3"), ("removed", "long-bien", "A.I.2")]
    assert schedule[0][5] == "Thành lập tổ kiểm tra việc thực hiện công tác dân số và phát triển tại các phường. [Tháng 6/2025]"
    assert rows[-2:] == [
        ("added", "bac-cuong", "Bắc Cường", _plan_title("bac-cuong.yaml"), None, "bac-cuong.yaml (18 targets, 0 appendices)", None),
        ("removed", "city", "Hà Nội", _plan_title("city.yaml"), "city.yaml (7 targets, 2 appendices)", None, None),
    ]


def _plan_title(name: str) -> str:
    side = _side("x", {name: _real(name)})
    return side.repo.plans[0].plan.document.title


def test_a_unit_change_shows_both_units():
    before = _real("long-bien.yaml")
    after = before.replace(
        "  - indicator: third_child_rate\n    value: 2.21\n", '  - indicator: third_child_rate\n    value: 22.1\n    unit: "‰"\n'
    )
    (change,) = compare(_side("a", {"p.yaml": before}), _side("b", {"p.yaml": after})).changes
    assert (change.old, change.old_unit, change.new, change.unit) == ("2.21", "%", "22.1", "‰")


# validate --changed-since -----------------------------------------------------------------------------------


def _changed(*names: str) -> Changed:
    return Changed(frozenset(str(Path(name).resolve()) for name in names))


def test_the_report_is_the_changed_plans_and_the_plans_of_their_parents_and_children(real_plans):
    assert validate([Path("plans")], changed=_changed(LONG_BIEN)).files == [CITY, LONG_BIEN]
    assert validate([Path("plans")], changed=_changed(CITY)).files == [
        CITY,
        "plans/2025/long-bien-directive-11.yaml",
        "plans/2025/long-bien-srb.yaml",
        LONG_BIEN,
    ]
    assert validate([Path("plans")], changed=_changed("plans/2025/bac-cuong.yaml")).files == ["plans/2025/bac-cuong.yaml"]
    assert validate([Path("plans")], changed=_changed()).files == []


def test_changed_since_end_to_end(repo):
    # an old problem in Bắc Cường, committed; then a change to the city's table that Long Biên falls short of
    edit(repo / "plans/2025/bac-cuong.yaml", "year: 2025", "year: 2025\nyeer: 2025")
    git(repo, "commit", "-q", "-am", "an old mistake")
    edit(repo / CITY, '- {tt: "9", name: Long Biên, values: [0.00, 87,', '- {tt: "9", name: Long Biên, values: [0.00, 95,')
    assert changed_files("HEAD") == {CITY}
    whole = validate([Path("plans")])
    assert sorted(d.code for d in whole.diagnostics) == ["C001", "S001"]
    result = validate([Path("plans")], changed=changed_since("HEAD"))
    assert [(d.code, d.file) for d in result.diagnostics] == [("C001", LONG_BIEN)]
    assert (result.summary.errors, result.summary.files) == (1, 4)  # the city and Long Biên's three plans
    # an untracked file is a change too
    write_files(repo, {"plans/2025/new.yaml": "id: [\n"})
    assert changed_files("HEAD") == {CITY, "plans/2025/new.yaml"}
    assert "plans/2025/new.yaml" in validate([Path("plans")], changed=changed_since("HEAD")).files
    with pytest.raises(GitError, match="unknown revision"):
        changed_since("nope")


def test_a_deleted_plan_reports_the_plans_that_lost_their_parent(repo):
    (repo / CITY).unlink()
    result = validate([Path("plans")], changed=changed_since("HEAD"))
    assert result.files == ["plans/2025/long-bien-directive-11.yaml", "plans/2025/long-bien-srb.yaml", LONG_BIEN]
    assert {(d.code, d.file) for d in result.diagnostics} == {
        ("U004", "plans/2025/long-bien-directive-11.yaml"),
        ("U004", "plans/2025/long-bien-srb.yaml"),
        ("U004", LONG_BIEN),
    }


def test_a_plans_folder_that_exists_at_neither_side_is_a_usage_error(repo):
    result = runner.invoke(app, ["diff", "HEAD~1", "--plans", "nope"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "dansokh diff: --plans nope: no such file or folder at HEAD~1 or in the working tree"
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--plans", "nope"])
    assert result.exit_code == 2 and "at HEAD~1 or in HEAD" in result.stderr


def test_the_default_plans_folder_is_found_from_the_repository_root(repo, monkeypatch):
    monkeypatch.chdir(repo / "plans" / "2025")
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert _rows(document) == EXPECTED
    assert {change["file"] for change in document["changes"]} == {"long-bien.yaml"}


# both sides loaded together: a file unchanged is typed once, and its plan is not compared -------------------

EDITS: dict[str, tuple[dict[str, list[tuple[str, str]] | None], int]] = {  # name: (the new side's edits, the changes listed)
    "nothing": ({}, 0),
    "a quota and a schedule row": ({"long-bien.yaml": [(NGOC_THUY_ROW, NGOC_THUY_ROW.replace("95, 100,", "95, 85,")),
                                                      (SCHEDULE_TIME, 'time: "Tháng 7/2025"')]}, 2),
    "the district renamed under the unchanged city": ({"long-bien.yaml": [("  name: Long Biên\n", "  name: Long Biên Mới\n")]}, 0),
    "a ward's plan gone": ({"bac-cuong.yaml": None}, 1),
}


@pytest.mark.parametrize("edit_name", list(EDITS))
def test_sides_loaded_together_list_what_sides_loaded_apart_list(edit_name):
    old_files = {f"plans/2025/{path.name}": path.read_bytes() for path in sorted((PLANS / "2025").glob("*.yaml"))}
    new_files = dict(old_files)
    edits, count = EDITS[edit_name]
    for name, replacements in edits.items():
        if replacements is None:
            del new_files[f"plans/2025/{name}"]
            continue
        text = new_files[f"plans/2025/{name}"].decode("utf-8")
        for before, after in replacements:
            assert text.count(before) == 1, before
            text = text.replace(before, after)
        new_files[f"plans/2025/{name}"] = text.encode("utf-8")
    apart = compare(load_side("old", old_files), load_side("new", new_files))
    old, new = load_sides("old", old_files, "new", new_files)
    together = compare(old, new)
    assert [change.row() for change in together.changes] == [change.row() for change in apart.changes]
    assert [change.line for change in together.changes] == [change.line for change in apart.changes]
    assert len(apart.changes) == count
    city = next(loaded for loaded in new.repo.plans if loaded.plan.id == "city")
    assert city in old.repo.plans  # the same object: city.yaml was typed once
