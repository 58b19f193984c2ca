"""A plan's whole life on the real plans: a child's first plan (`dansokh new --from`), next year's
plan (`dansokh new --next`), plans found by unit and year, and the copy made by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, cli, line_of, run
from dansokh.cascade.drafts import child_draft, next_year_draft
from dansokh.cascade.edge import edge
from dansokh.check.rules.targets import schedule_rows, year_texts
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.diagnostics import Severity
from dansokh.model.catalogue import CATALOGUE
from dansokh.model.years import ended, mentions, next_year_text, stray_years
from dansokh.write.new import draft_text

runner = CliRunner()


def dansokh(*args: str):
    return runner.invoke(app, ["--lang", "en", *args])


def errors_in(findings, file: str) -> list[str]:
    return [f"{d.code} {d.span}: {d.message}" for d in findings.diagnostics if d.severity is Severity.ERROR and d.file == file]


# --- a child's first plan ------------------------------------------------------------------------


def _edges():
    repo, _ = load_checked([PLANS])
    return repo, sorted({(parent, child) for (parent, child) in repo.assignments})


def test_new_from_every_edge_gives_a_plan_that_validates_with_targets_equal_to_the_assignments(in_tmp):
    """Every edge of the real plans: Hà Nội's 30 districts and Long Biên's 13 wards.  Long Biên has
    a plan already, so its edge is tried in a copy without it."""
    repo, edges = _edges()
    assert len(edges) == 43
    for name, without in (("all", None), ("no-long-bien", "long-bien.yaml")):
        shutil.copytree(PLANS, in_tmp / name / "plans")
        if without:
            (in_tmp / name / "plans" / "2025" / without).unlink()
    for parent_id, child in edges:
        folder = in_tmp / ("no-long-bien" if child == "long-bien" else "all")
        here, _ = load_checked([folder / "plans"]) if child == "long-bien" else (repo, None)
        unit = here.unit(child)
        assert unit is not None
        draft = child_draft(here, here.by_id[parent_id], unit)
        path = folder / "plans" / "2025" / f"{draft.plan_id}.yaml"
        path.write_text(draft_text(draft), encoding="utf-8")
        assert draft.plan_id == f"{child}-2025"
        assigned = {(a.indicator, a.value, a.unit) for a in repo.assignments[(parent_id, child)]}
        stated = {(t["indicator"], t["value"], t.get("unit", CATALOGUE[t["indicator"]].unit)) for t in draft.data["targets"]}
        assert stated == assigned, child
    for name in ("all", "no-long-bien"):
        findings = run([in_tmp / name / "plans"])
        assert [d for d in findings.diagnostics if d.severity is Severity.ERROR] == []
        drafts = [d for d in findings.diagnostics if Path(d.file).name.endswith("-2025.yaml")]
        assert {d.code for d in drafts} == {"P002"}  # only the blanks left for the officer
        checked, _ = load_checked([in_tmp / name / "plans"])
        for loaded in checked.plans:
            if not loaded.plan.id.endswith("-2025"):
                continue
            parent_unit = loaded.plan.unit.parent
            assert parent_unit is not None
            parent = checked.by_id["city" if parent_unit == "ha-noi" else parent_unit]
            view = edge(checked, parent, loaded)
            assert view.lines and all(line.margin == 0 for line in view.lines if line.margin is not None), loaded.plan.id


def test_new_from_writes_the_wards_plan_and_validate_says_only_what_is_left_to_fill_in(real_plans):
    result = dansokh("new", "--from", "long-bien", "--unit", "Ngọc Thụy")
    assert result.exit_code == 0, result.output
    path = real_plans / "2025" / "ngoc-thuy-2025.yaml"
    assert result.stdout.splitlines()[-1] == "wrote plans/2025/ngoc-thuy-2025.yaml (plan ngoc-thuy-2025, 2025)"
    text = path.read_text(encoding="utf-8")
    assert "value: 1900  # quận Long Biên giao 1.900 người (kế hoạch long-bien, Phụ lục 2)" in text
    assert "value: 0.00  # quận Long Biên giao 0,00‰ (kế hoạch long-bien, Phụ lục 2)" in text
    assert "issuer: UBND … Ngọc Thụy" in text and "number: null" in text
    findings = run([real_plans])
    new = [d for d in findings.diagnostics if d.file == "plans/2025/ngoc-thuy-2025.yaml"]
    # the blanks: the kind of unit in the issuer and the title, a goal, the first schedule row
    blanks = ("issuer:", "  title:", "  - …", "content: …", "time: …", "lead: …")
    assert sorted((d.code, d.span.line) for d in new) == sorted(("P002", line_of(path, blank)) for blank in blanks)
    # the edge is met exactly, and a second `new` refuses to replace the plan
    edge = dansokh("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--format", "json")
    assert edge.exit_code == 0 and '"verdict": "not met"' not in edge.stdout
    again = dansokh("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert again.exit_code == 2 and "already has a 2025 plan, ngoc-thuy-2025" in again.stderr


def test_allocate_to_a_unit_without_a_plan_shows_what_was_assigned_and_write_starts_it(real_plans):
    shown = dansokh("allocate", "--from", "long-bien", "--to", "ngoc-thuy")
    assert shown.exit_code == 0, shown.output
    assert "quận Long Biên → Ngọc Thụy, year 2025: what plan long-bien assigned" in shown.stdout
    assert "Ngọc Thụy has no 2025 plan yet; dansokh new --from long-bien --unit ngoc-thuy starts it from these figures." in shown.stdout
    assert "│ Bao cao su" in shown.stdout and "1,900" in shown.stdout
    written = dansokh("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--write")
    assert written.exit_code == 0, written.output
    assert (real_plans / "2025" / "ngoc-thuy-2025.yaml").exists()


def test_new_never_replaces_a_file(real_plans):
    target = real_plans / "2025" / "ngoc-thuy-2025.yaml"
    target.write_text("# a draft of my own\n", encoding="utf-8")
    result = dansokh("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert result.exit_code == 1
    assert "exists already; nothing was written" in result.stderr
    assert target.read_text(encoding="utf-8") == "# a draft of my own\n"


# --- next year's plan ----------------------------------------------------------------------------


REAL = ["city", "long-bien", "long-bien-srb", "long-bien-directive-11", "bac-cuong"]


@pytest.fixture(scope="module")
def real_repo():
    return load_checked([PLANS])[0]


def _rows(loaded):
    return [(ref, row) for _path, ref, row in schedule_rows(loaded)]


@pytest.mark.parametrize("plan_id", REAL)
def test_next_year_of_each_real_plan_names_only_the_new_year_and_keeps_every_row(real_repo, plan_id, in_tmp):
    old = real_repo.by_id[plan_id]
    draft = next_year_draft(real_repo, old)
    assert (draft.plan_id, draft.year, draft.data["continues"]) == (f"{plan_id}-2026", 2026, plan_id)
    shutil.copytree(PLANS, in_tmp / "plans")
    path = in_tmp / "plans" / "2026" / f"{plan_id}-2026.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(draft_text(draft), encoding="utf-8")
    findings = run([in_tmp / "plans"])
    shown = "plans/2026/" + path.name
    assert errors_in(findings, shown) == []
    # no 2026 plan of its parent; a programme that ended in 2025, where last year's plan names one
    ended = {"long-bien": {"D005"}, "bac-cuong": {"D005"}}.get(plan_id, set())
    assert {d.code for d in findings.diagnostics if d.file == shown} - {"U004"} == ended
    repo, _ = load_checked([in_tmp / "plans"])
    new = repo.by_id[draft.plan_id]
    # every text a document prints with its year names 2026 (and its baseline 2025), none 2025 as its own
    for _path, _where, text, attached in year_texts(new.plan):
        assert stray_years(text, 2026, attached) == []
        assert all(m.year in (2025, 2026) for m in mentions(text, attached))
    # every row kept, every month moved on by a year, the time written in the same form
    before, after = _rows(old), _rows(new)
    assert [ref for ref, _ in before] == [ref for ref, _ in after]
    for (ref, a), (_, b) in zip(before, after):
        assert b.timespec.resolved(2026) == tuple((y + 1, m) for y, m in a.timespec.resolved(2025)), ref
        assert b.time.replace("2026", "2025") == a.time
    for (_index, table), (_, new_table) in zip(old.plan.allocation_tables, new.plan.allocation_tables):
        assert [row.values for row in table.rows] == [row.values for row in new_table.rows]
    # last year's figures beside this year's targets, and the plan it continues
    assert [t.value for t in new.plan.targets] == [t.value for t in old.plan.targets]
    assert new.plan.continues == plan_id and new.plan.document.number is None and new.plan.document.date == "2026"


def test_next_year_rewrites_long_biens_texts_as_the_document_prints_them(real_repo):
    text = draft_text(next_year_draft(real_repo, real_repo.by_id["long-bien"]))
    for expected in (
        "title: Triển khai thực hiện công tác Dân số và Phát triển quận Long Biên năm 2026",
        "subtitle: Nhiệm vụ trọng tâm công tác Dân số và Phát triển năm 2026",
        "attached: (Kèm theo kế hoạch số:………/KH-UBND ngày …./…./2026 của UBND quận Long Biên)",
        "title: BIỂU GIAO CHỈ TIÊU CÁC PHƯỜNG VỀ CÔNG TÁC DÂN SỐ VÀ PHÁT TRIỂN NĂM 2026",
        "label: Mức giảm so với năm 2025,",
        "label: Chỉ tiêu năm 2026,",
        "time: Tháng 1/2026-2/2026",
        "value: 90  # năm 2025: 90%",
        "rows:  # số liệu năm 2025 (kế hoạch long-bien), cần rà soát",
        # a horizon and another document's date stay as they are
        "Đề án phát triển thể lực, tầm vóc người Hà Nội đến năm 2030",
        "Kế hoạch số 412/KH-UBND ngày 06/11/2018",
        "(hoàn thành trước ngày 24/01/2026)",
    ):
        assert expected in text, expected
    city = draft_text(next_year_draft(real_repo, real_repo.by_id["city"]))
    assert "- {period: Q4, before: \"2027-01-10\"}" in city and "header: Kế hoạch năm 2026" in city


def test_next_year_moves_only_the_years_relative_to_the_plan_and_keeps_fixed_events(real_repo):
    """The plan's year, last year as its baseline and next year's plan move on; a dated event
    ("đổi sổ A0 vào năm 2026"), a horizon and a period stay: exact texts of Long Biên's schedule."""
    text = draft_text(next_year_draft(real_repo, real_repo.by_id["long-bien"]))
    for expected in (
        # next year's plan is the plan after this one, whatever the year
        "content: Xây dựng chỉ tiêu kế hoạch về dân số năm 2027.\n",
        'content: "Tổ chức rà soát các chỉ tiêu kế hoạch công tác dân số năm 2026, xây dựng kế hoạch công tác năm 2027."',
        # the A0 books are exchanged in 2026, whichever year's plan prepares it
        "content: Chỉ đạo các bộ phận chuyên môn rà soát số liệu dân cư phục vụ công tác đổi số A0 vào năm 2026.\n",
        "content: Rà soát soát số liệu dân cư phục vụ công tác đổi số A0 vào năm 2026.\n",
        # a programme's horizon stays, the year it is carried out in moves on
        "content: Triển khai thực hiện “Kế hoạch thực hiện Đề án chăm sóc sức khỏe người cao tuổi trên địa bàn quận Long"
        " Biên đến năm 2025” năm 2026.\n",
    ):
        assert expected in text, expected
    assert "vào năm 2027" not in text


def test_a_draft_that_keeps_a_programme_ended_last_year_is_warned_at_the_text(real_plans):
    result = cli("new", "--next", "long-bien")
    assert result.exit_code == 0, result.output
    path = real_plans / "2026" / "long-bien-2026.yaml"
    line = line_of(path, "Đề án chăm sóc sức khỏe người cao tuổi trên địa bàn quận Long Biên đến năm 2025")
    assert result.stdout.splitlines()[:2] == [
        "plans/2026/long-bien-2026.yaml:18:66: U004 no 2026 plan of thành phố Hà Nội in this repository; what it"
        " assigned to quận Long Biên cannot be checked",
        f"plans/2026/long-bien-2026.yaml:{line}:26: D005 row E.I.3, content names a programme or horizon that ended"
        " in 2025 ('…cao tuổi trên địa bàn quận Long Biên đến năm 2025” năm 2026.'), but this is the 2026 plan: write the"
        " programme in force, or take the task out",
    ]
    assert "0 errors, 1 warning, 1 note." in result.stdout
    assert ended("giai đoạn 2021-2025, tầm nhìn đến năm 2030", 2026) == [2025]
    assert ended("đến năm 2030, tầm nhìn đến năm 2045", 2026) == []
    assert ended("Chỉ thị số 11/CT-UBND ngày 22/10/2024; Thông tư 01/2022/TT-BYT", 2026) == []


def test_a_dated_event_stays_unless_it_is_in_the_plans_own_year():
    assert next_year_text("đổi sổ A0 vào năm 2026", 2025) == "đổi sổ A0 vào năm 2026"
    assert next_year_text("đổi sổ A0 vào năm 2024", 2025) == "đổi sổ A0 vào năm 2024"
    assert next_year_text("tổng kết vào năm 2025", 2025) == "tổng kết vào năm 2026"  # this plan's own work
    assert next_year_text("giai đoạn 2021-2030, tầm nhìn đến năm 2045", 2025) == "giai đoạn 2021-2030, tầm nhìn đến năm 2045"
    assert stray_years("Kế hoạch năm 2026: đổi sổ A0 vào năm 2026", 2027) == [mentions("Kế hoạch năm 2026", False)[0]]


def test_new_checks_its_plan_without_listing_the_repository_again(real_plans, monkeypatch):
    """The check of the new file starts from the command's own load (``Findings.survey``): the
    plans folder is listed once, and what is said and written is what a second full load gives."""
    from dansokh.load import loader
    from dansokh.write import new

    listed = []
    list_names = loader.plan_file_names

    def listing(folder, skipped):
        listed.append(folder)
        return list_names(folder, skipped)

    monkeypatch.setattr(loader, "plan_file_names", listing)
    path = real_plans / "2026" / "long-bien-2026.yaml"
    once = dansokh("new", "--next", "long-bien")
    assert once.exit_code == 0, once.output
    listed_once, listed[:] = len(listed), []
    written = path.read_bytes()
    path.unlink()
    check_new = new.check_new
    monkeypatch.setattr(new, "check_new", lambda path, draft, within, selection=None, survey=None: check_new(path, draft, within, selection))
    twice = dansokh("new", "--next", "long-bien")
    assert len(listed) == listed_once + 1  # the check's own listing (the suite's twin loads list the folder too)
    assert (twice.exit_code, twice.stdout, twice.stderr, path.read_bytes()) == (once.exit_code, once.stdout, once.stderr, written)


def test_new_next_writes_beside_last_years_plan_and_diff_compares_them(real_plans):
    result = dansokh("new", "--next", "long-bien")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "wrote plans/2026/long-bien-2026.yaml (plan long-bien-2026, 2026)"
    unchanged = dansokh("diff", "--plan", "long-bien-2026")
    assert unchanged.exit_code == 0
    assert unchanged.stdout.strip() == "No plan changed between long-bien (2025) and long-bien-2026 (2026)."
    path = real_plans / "2026" / "long-bien-2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: 90  #", "value: 92  #").replace("time: Tháng 6/2026", "time: Tháng 7/2026"), encoding="utf-8")
    changed = dansokh("diff", "--plan", "Long Biên", "--format", "json")
    assert changed.exit_code == 0, changed.output
    import json

    rows = [(c["item"], c["old"], c["new"]) for c in json.loads(changed.stdout)["changes"]]
    assert rows == [
        ("Tỷ lệ sàng lọc trước sinh (4 bệnh)", "90", "92"),
        ("Thời gian thực hiện", "Tháng 6/2025", "Tháng 7/2026"),
    ]
    assert "--plan 'Long Biên': plan long-bien-2026 of quận Long Biên, 2026; other years: long-bien (2025)" in changed.stderr
    none = dansokh("diff", "--plan", "long-bien")
    assert none.exit_code == 2 and "long-bien continues no plan: quận Long Biên has no 2024 plan" in none.stderr


# --- a plan is a unit and a year -----------------------------------------------------------------


@pytest.fixture
def two_years(real_plans):
    """The real 2025 plans, Long Biên's 2026 plan and Ngọc Thụy's 2025 plan, both made by dansokh."""
    assert dansokh("new", "--next", "long-bien").exit_code == 0
    assert dansokh("new", "--from", "long-bien", "--unit", "ngoc-thuy").exit_code == 0
    return real_plans


def test_render_by_name_takes_the_latest_year_and_says_so(two_years):
    result = dansokh("render", "appendix2", "--plan", "Long Biên")
    assert result.exit_code == 0, result.output
    assert "NĂM 2026" in result.stdout
    assert "--plan 'Long Biên': plan long-bien-2026 of quận Long Biên, 2026; other years: long-bien (2025)" in result.stderr
    by_year = dansokh("render", "appendix2", "--plan", "Long Biên", "--year", "2025")
    assert "NĂM 2025" in by_year.stdout and "plan long-bien of quận Long Biên, 2025" in by_year.stderr
    by_id = dansokh("render", "appendix2", "--plan", "long-bien")
    assert "NĂM 2025" in by_id.stdout and "other years: long-bien-2026 (2026)" in by_id.stderr


def test_a_child_is_compared_with_its_parents_plan_of_the_same_year(two_years):
    result = dansokh("allocate", "--from", "city", "--to", "long-bien-2026")
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == (
        "city is the 2025 plan of thành phố Hà Nội and long-bien-2026 the 2026 plan of quận Long Biên: a child is"
        " compared with its parent's plan of the same year, and thành phố Hà Nội has no 2026 plan in the repository"
    )
    by_name = dansokh("allocate", "--from", "Hà Nội", "--to", "long-bien-2026")
    assert by_name.exit_code == 2
    assert "thành phố Hà Nội has no 2026 plan in the repository (its plans: city (2025))" in by_name.stderr
    assert dansokh("allocate", "--from", "city", "--to", "long-bien").exit_code == 0


def test_a_child_without_a_plan_of_the_year_gets_what_was_assigned(two_years):
    result = dansokh("allocate", "--from", "long-bien-2026", "--to", "ngoc-thuy")
    assert result.exit_code == 0, result.output
    assert "quận Long Biên → Ngọc Thụy, year 2026: what plan long-bien-2026 assigned" in result.stdout
    assert "--to 'ngoc-thuy': Ngọc Thụy (ngoc-thuy) has no 2026 plan; its plans: ngoc-thuy-2025 (2025)" in result.stderr
    last_year = dansokh("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--format", "json")
    assert last_year.exit_code == 0 and '"child": "ngoc-thuy-2025"' in last_year.stdout


def test_two_annual_plans_of_one_unit_in_one_year_are_refused_with_the_candidates(two_years):
    result = dansokh("new", "--next", "long-bien", "--id", "long-bien-2026-b")
    assert result.exit_code == 0, result.output
    refused = dansokh("render", "appendix2", "--plan", "Long Biên")
    assert refused.exit_code == 2
    assert "quận Long Biên has 2 plans for 2026: long-bien-2026 (2026), long-bien-2026-b (2026); name one by its id" in " ".join(
        refused.stderr.split()
    )
    assert dansokh("render", "appendix2", "--plan", "long-bien-2026-b").exit_code == 0


def test_a_year_without_a_plan_is_said_exactly(two_years):
    result = dansokh("render", "appendix1", "--plan", "city", "--year", "2026")
    assert result.exit_code == 2
    assert "city is the 2025 plan, not the 2026 one" in result.stderr
    result = dansokh("new", "--next", "Bắc Cường", "--year", "2024")
    assert result.exit_code == 2 and "has no 2024 plan" in result.stderr


# --- the copy made by hand -----------------------------------------------------------------------


def test_a_plan_copied_by_hand_gets_only_the_diagnostics_that_are_true(real_plans):
    source = real_plans / "2025" / "long-bien.yaml"
    copy = real_plans / "2026" / "long-bien.yaml"
    copy.parent.mkdir()
    copy.write_text(source.read_text(encoding="utf-8").replace("year: 2025", "year: 2026", 1), encoding="utf-8")
    found = [d for d in run([real_plans]).diagnostics if d.file == "plans/2026/long-bien.yaml"]
    codes = sorted(d.code for d in found)
    assert codes == ["D001", "D003", "D004", "D004", "D004", "D004", "D004", "D004", "D004", "D005", "U004", "U005"]  # D005: a programme "đến năm 2025"
    by_code = {d.code: d for d in found}
    assert by_code["U005"].message == (
        "plan id 'long-bien' is already used by the 2025 plan; a plan of another year needs its own id: write"
        " long-bien-2026 (a plan's unit and year, as dansokh new names them)"
    )
    assert by_code["D001"].message.startswith("every row of this schedule that writes a year (38 rows, from A.I.1 on) falls in 2025")
    assert by_code["U004"].message == (
        "no 2026 plan of thành phố Hà Nội in this repository; what it assigned to quận Long Biên cannot be checked"
    )
    d004 = sorted((d.span.line, d.message.split(" names ")[0].split(" compares ")[0]) for d in found if d.code == "D004")
    assert [where for _, where in d004] == [
        "the title", "the subtitle of Phụ lục 1", "the attached line of Phụ lục 1", "the title of Phụ lục 2",
        "the attached line of Phụ lục 2", "the label of column 1 of Phụ lục 2",
        "the label of column 2 of Phụ lục 2",
    ]
    # nothing about the other year's file (no U006 pointing at plans/2025)
    assert all(not r.span.file.startswith("plans/2025") or d.code == "U005" for d in found for r in d.related)
    # with its own id, only the year's own problems remain
    copy.write_text(copy.read_text(encoding="utf-8").replace("id: long-bien\n", "id: long-bien-2026\n", 1), encoding="utf-8")
    again = sorted(d.code for d in run([real_plans]).diagnostics if d.file == "plans/2026/long-bien.yaml")
    assert again == ["D001", "D003"] + ["D004"] * 7 + ["D005", "U004"]
