"""The catalogue is data: the one dansokh ships, and a repository's file that extends it."""

from __future__ import annotations

import contextvars
import json
import pickle
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, check_tuples, run, write_files
from dansokh.check import files as checked_files
from dansokh.cli import app
from dansokh.model import catalogue as live
from dansokh.model.catalogue import SHIPPED, Catalogue
from dansokh.model.catalogue_file import check_catalogue
from dansokh.read.loader import load_text

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def dansokh(*args: str):
    return runner.invoke(app, ["--lang", "en", *args])


def test_the_shipped_catalogue_is_valid_data_and_holds_the_indicators_of_the_sources():
    raw = (ROOT / "src" / "dansokh" / "model" / "catalogue.yaml").read_bytes()
    checked = check_catalogue(load_text("catalogue.yaml", raw), base=Catalogue({}, {}, {}))
    assert checked.diagnostics == []
    assert len(SHIPPED.indicators) == 24 and list(SHIPPED.units) == ["%", "‰", "người", "buổi", "lượt", "trẻ trai/100 trẻ gái"]
    srb = SHIPPED.indicators["sex_ratio_at_birth"]
    assert (srb.unit, srb.direction.value, srb.kind, srb.quota) == ("trẻ trai/100 trẻ gái", "ceiling", "rate", False)
    iud = SHIPPED.indicators["new_users_iud"]
    assert (iud.unit, iud.direction.value, iud.quota) == ("người", "floor", True)
    assert SHIPPED.indicators["new_users_total"].parts[0] == "new_users_iud"
    assert str(SHIPPED.units["‰"].factor) == "0.1"


REPOSITORY_CATALOGUE = """\
# the indicators the ministry added in 2026, and the units they are counted in
units:
  - {code: cặp, name: cặp vợ chồng, dimension: couples, kind: count}
  - {code: hộ, name: hộ gia đình, dimension: households, kind: count}
indicators:
  - key: couples_premarital_counselled
    name: Số cặp nam, nữ được tư vấn trước khi kết hôn
    unit: cặp
    direction: floor
    kind: count
  - {key: households_visited, name: Số hộ gia đình được thăm, unit: hộ, direction: floor, kind: count}
"""


def _with_catalogue(root: Path, catalogue: str) -> None:
    shutil.copytree(PLANS, root / "plans")
    write_files(root, {"dansokh.toml": 'catalogue = "catalogue.yaml"\n', "catalogue.yaml": catalogue})


def test_a_repository_catalogue_adds_an_indicator_and_a_unit_that_plans_use(in_tmp):
    _with_catalogue(in_tmp, REPOSITORY_CATALOGUE)
    plan = in_tmp / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace("  - indicator: cpr_modern\n", "  - indicator: couples_premarital_counselled\n    value: 1200\n  - indicator: cpr_modern\n", 1),
        encoding="utf-8",
    )
    assert check_tuples(run([in_tmp / "plans"])) == [("U004", "plans/2025/bac-cuong.yaml", 29)]
    listed = dansokh("indicators", "--format", "json")
    assert listed.exit_code == 0, listed.output
    document = json.loads(listed.stdout)
    assert document["sources"] == ["dansokh", "catalogue.yaml"]
    added = next(i for i in document["indicators"] if i["key"] == "couples_premarital_counselled")
    assert (added["unit"], added["kind"], added["direction"]) == ("cặp", "count", "floor")
    assert {"code": "hộ", "name": "hộ gia đình", "dimension": "households", "factor": "1", "kind": "count"} in document["units"]
    schema = json.loads(dansokh("schema").stdout)
    target = schema["$defs"]["Target"]["properties"]
    assert "couples_premarital_counselled" in target["indicator"]["enum"]
    assert "hộ" in target["unit"]["anyOf"][0]["enum"]
    # without the catalogue, the same plan is an unknown indicator, at its line
    (in_tmp / "dansokh.toml").unlink()
    found = run([in_tmp / "plans"])
    assert [(d.code, d.span.line) for d in found.diagnostics if d.file == "plans/2025/long-bien.yaml"] == [("S004", 68)]


def test_the_cache_knows_which_catalogue_a_result_was_checked_with(in_tmp):
    _with_catalogue(in_tmp, REPOSITORY_CATALOGUE)
    write_files(in_tmp, {"plans/2025/x.yaml": (
        "id: x\nyear: 2025\nscope: annual\ndocument: {issuer: UBND X, title: Kế hoạch X, signer: {}}\n"
        "unit: {id: x, name: X, level: cấp xã}\ntargets:\n  - {indicator: households_visited, value: 40}\n"
    )})
    first = run([in_tmp / "plans" / "2025" / "x.yaml"])
    namespace = checked_files.namespace()
    assert check_tuples(first) == []
    (in_tmp / "catalogue.yaml").write_text(REPOSITORY_CATALOGUE.replace("households_visited", "households_seen"), encoding="utf-8")
    second = run([in_tmp / "plans" / "2025" / "x.yaml"])
    assert checked_files.namespace() != namespace
    assert check_tuples(second) == [("S004", "plans/2025/x.yaml", 7)]


VISITED = (
    "id: x\nyear: 2025\nscope: annual\ndocument: {issuer: UBND X, title: Kế hoạch X, signer: {}}\n"
    "unit: {id: x, name: X, level: cấp xã}\ntargets:\n  - {indicator: households_visited, value: 40}\n"
)


def _two_repositories(root: Path) -> tuple[Path, Path]:
    """``a`` names a catalogue that adds households_visited; ``b`` names none; both plan it."""
    write_files(root, {
        "a/dansokh.toml": 'catalogue = "catalogue.yaml"\n', "a/catalogue.yaml": REPOSITORY_CATALOGUE,
        "a/plans/x.yaml": VISITED, "b/dansokh.toml": "", "b/plans/x.yaml": VISITED,
    })
    return root / "a" / "plans", root / "b" / "plans"


def test_a_repository_catalogue_does_not_leak_into_the_next_run_in_the_same_process(in_tmp):
    a, b = _two_repositories(in_tmp)
    assert check_tuples(run([a])) == []
    assert live.active().sources == ("dansokh", "a/catalogue.yaml")  # in force for the rest of a's run
    assert check_tuples(run([b])) == [("S004", "b/plans/x.yaml", 7)]  # b's run: households_visited is unknown
    assert live.active() is SHIPPED and "households_visited" not in live.CATALOGUE
    assert check_tuples(run([a])) == [] and check_tuples(run([b])) == [("S004", "b/plans/x.yaml", 7)]


def test_a_run_in_a_thread_or_context_of_its_own_leaves_the_catalogue_of_the_others(in_tmp):
    """The catalogue in force is a value per run (a context variable), never tables refilled in
    place: a run in another thread, or in a context of its own, changes nothing for this one."""
    a, _ = _two_repositories(in_tmp)
    seen: list[tuple[str, ...]] = []

    def run_a() -> None:
        assert check_tuples(run([a])) == []
        seen.append(live.active().sources)

    thread = threading.Thread(target=run_a)
    thread.start()
    thread.join()
    contextvars.copy_context().run(run_a)
    assert seen == [("dansokh", "a/catalogue.yaml")] * 2
    assert live.active() is SHIPPED and "households_visited" not in live.CATALOGUE and "hộ" not in live.UNITS
    with live.in_force(live.active()):  # a block restores what was in force, whatever its runs chose
        run([a])
        assert "households_visited" in live.CATALOGUE
    assert "households_visited" not in live.CATALOGUE


def test_the_catalogue_in_force_is_read_only():
    with pytest.raises(TypeError):
        live.CATALOGUE["households_visited"] = SHIPPED.indicators["new_users_iud"]  # type: ignore[index]
    with pytest.raises(TypeError):
        SHIPPED.units["hộ"] = SHIPPED.units["người"]  # type: ignore[index]
    sent = pickle.loads(pickle.dumps(SHIPPED))  # to a spawned worker process
    assert sent.digest == SHIPPED.digest and sent.aliases == SHIPPED.aliases


def test_a_broken_catalogue_is_reported_at_its_positions_and_its_good_entries_still_count(in_tmp):
    _with_catalogue(in_tmp, """\
units:
  - {code: cặp, name: cặp vợ chồng, dimension: couples, kind: count}
  - {code: lần, name: lần}
indicators:
  - {key: couples_counselled, name: Số cặp được tư vấn, unit: cặp, direction: floor, kind: count}
  - {key: visits, name: Số lần thăm, unit: lần, direction: floor, kind: count}
  - {key: Visits Twice, name: X, unit: người, direction: floor, kind: count}
  - {key: upward, name: Y, unit: "%", direction: upwards, kind: rate}
  - {key: shares, name: Z, unit: cặp, direction: floor, kind: rate}
  - {key: couples_counselled, name: Số cặp, unit: cặp, direction: floor, kind: count}
  - {key: total_couples, name: Tổng, unit: cặp, direction: floor, kind: count, parts: [couples_counselled, couples_lost]}
  - {key: cpr, colour: blue}
""")
    found = run([in_tmp / "plans"])
    problems = [(d.code, d.span.line, d.span.col) for d in found.diagnostics if d.file == "catalogue.yaml"]
    assert problems == [
        ("S002", 3, 5),  # a new unit without its dimension and kind
        ("S005", 6, 44),  # … so the unit 'lần' is unknown
        ("S003", 7, 11),  # a key that is not a key
        ("S003", 8, 50),  # a direction that is not one
        ("S009", 9, 63),  # a rate counted in couples
        ("S009", 10, 11),  # defined twice
        ("S004", 11, 87),  # a part that is no indicator
        ("S001", 12, 16),  # a key the catalogue format does not have
    ]
    messages = {d.span.line: d.message for d in found.diagnostics if d.file == "catalogue.yaml"}
    assert messages[9].startswith("'shares' is a rate but its unit 'cặp' is a count")
    assert messages[12] == "unknown key 'colour'"
    assert found.summary.errors == 8
    listed = dansokh("indicators", "--format", "csv")
    assert listed.exit_code == 1  # the catalogue has errors: said on standard error, the good entries listed
    assert "couples_counselled,Số cặp được tư vấn,cặp,floor,count" in listed.stdout
    assert "catalogue.yaml:7:11: S003" in listed.stderr


def test_renamed_and_retired_indicators_keep_old_plans_valid(in_tmp):
    _with_catalogue(in_tmp, """\
indicators:
  - {key: modern_cpr, aliases: [cpr_modern]}
  - {key: elderly_health_records, retired: 2026}
""")
    found = run([in_tmp / "plans"])
    assert found.summary.errors == 0 and found.summary.warnings == 0
    renamed = [(d.code, d.file, d.span.line) for d in found.diagnostics if d.code == "S008"]
    assert renamed == [("S008", "plans/2025/bac-cuong.yaml", 70), ("S008", "plans/2025/long-bien.yaml", 68),
                       ("S008", "plans/2025/long-bien.yaml", 452)]
    # the cascade matches the old key with the new one: Long Biên's CPR still meets the city's … and
    # a 2026 plan that still uses the retired indicator is told
    result = dansokh("new", "--next", "long-bien")
    assert result.exit_code == 0, result.output
    text = (in_tmp / "plans" / "2026" / "long-bien-2026.yaml").read_text(encoding="utf-8")
    assert "indicator: modern_cpr" in text and "cpr_modern" not in text
    assert "S007" in result.stdout and "'elderly_health_records' (Tỷ lệ người cao tuổi được lập hồ sơ quản lý sức khỏe) is no longer used from 2026" in result.stdout


def test_indicators_shows_whole_keys_at_any_width():
    for columns in ("40", "60", "200"):
        result = runner.invoke(app, ["--lang", "en", "indicators"], env={"COLUMNS": columns})
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        for key in SHIPPED.indicators:
            assert any(line.split()[:1] == [key] for line in lines), (columns, key)
