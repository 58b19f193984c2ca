"""The repository is the context: a file checked alone is checked against its parent's and its
children's plans; the cache never changes a result; parallel and serial runs say the same.

The ward plan written here (Ngọc Thụy's) is illustrative, made for the tests: no such document
is among the sources.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, line_of, write_files
from dansokh.check import examples
from dansokh.check.run import validate
from dansokh.cli import app
from dansokh.diagnostics import Span
from dansokh.load import workers
from dansokh.read.cache import FOLDER
from dansokh.read.root import find_root

runner = CliRunner()
LONG_BIEN = "plans/2025/long-bien.yaml"
CITY = "plans/2025/city.yaml"
WARD = "plans/2025/ngoc-thuy.yaml"

# Illustrative: a ward plan whose third-child rate is above the ceiling Long Biên assigned (3.04 %).
WARD_PLAN = """\
# Illustrative plan for the tests of dansokh (not an official document).
id: ngoc-thuy
year: 2025
scope: annual
document:
  issuer: UBND phường Ngọc Thụy
  title: Kế hoạch công tác Dân số và Phát triển phường Ngọc Thụy năm 2025
  signer: {on_behalf: TM. ỦY BAN NHÂN DÂN}
unit: {id: ngoc-thuy, name: Ngọc Thụy, level: cấp xã, parent: long-bien}
targets:
  - {indicator: third_child_rate, value: 3.50}
"""


def touching(result, file: str) -> list[dict]:
    """The diagnostics of a run that stand in ``file`` or point at it, as records."""
    return [
        d.to_dict() for d in result.diagnostics if d.file == file or any(r.span.file == file for r in d.related)
    ]


@pytest.fixture
def with_ward(real_plans: Path) -> Path:
    (real_plans / "2025" / "ngoc-thuy.yaml").write_text(WARD_PLAN, encoding="utf-8")
    return real_plans


def test_a_ward_checked_alone_gets_the_same_c001_as_the_whole_tree(with_ward):
    whole = validate([Path("plans")])
    alone = validate([Path(WARD)])
    (c001,) = [d for d in alone.diagnostics if d.code == "C001"]
    assert c001.span == Span(WARD, line_of(with_ward / "2025" / "ngoc-thuy.yaml", "third_child_rate"), 42)
    assert c001.related[0].span.file == LONG_BIEN
    assert touching(alone, WARD) == touching(whole, WARD)
    assert alone.failed and alone.summary.files == 1 and alone.summary.edges == 1
    assert alone.summary.outside == ["long-bien"]
    result = runner.invoke(app, ["validate", WARD])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Checked 1 file, 1 plan, 1 parent→child edge (against 1 plan outside the given paths: long-bien):"
        " 1 error, 13 warnings, 0 notes."
    )


def test_a_district_checked_alone_sees_its_ward_table_no_longer_cover_its_quota(real_plans):
    """The city raises Long Biên's IUD quota to 1,200; its wards' rows still add up to 1,100."""
    city = real_plans / "2025" / "city.yaml"
    text = city.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "name: Long Biên" in line and "1050" in line)
    city.write_text(text.replace(row, row.replace("1050", "1200", 1)), encoding="utf-8")
    whole = validate([Path("plans")])
    alone = validate([Path(LONG_BIEN)])
    c003 = [d for d in alone.diagnostics if d.code == "C003"]
    assert len(c003) == 1 and c003[0].file == LONG_BIEN and c003[0].related[0].span.file == CITY
    assert "below the 1,200 persons that thành phố Hà Nội assigned (short by 100 persons)" in c003[0].message
    assert touching(alone, LONG_BIEN) == touching(whole, LONG_BIEN)
    assert alone.summary.outside == ["city"]


def test_a_parent_with_no_plan_of_that_year_is_a_note_naming_the_year(real_plans):
    plan = real_plans / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8").replace("id: long-bien\nyear: 2025", "id: long-bien-2026\nyear: 2026", 1)
    (real_plans / "2026").mkdir()
    (real_plans / "2026" / "long-bien-2026.yaml").write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], check=True)  # the repository: the 2025 plans name Hà Nội
    result = validate([Path("plans/2026")])
    (note,) = [d for d in result.diagnostics if d.code == "U004"]
    assert note.message == (
        "no 2026 plan of thành phố Hà Nội in this repository; what it assigned to quận Long Biên cannot be checked"
    )


def test_every_rule_example_checked_file_by_file_says_what_the_whole_tree_says(tmp_path):
    """Each file of each rule's failing and passing case, checked alone, gets exactly the whole
    run's diagnostics that stand in it or point at it."""
    for index, case in enumerate(examples.examples()["cases"]):
        for passing in (False, True):
            folder = tmp_path / f"case{index}-{passing}"
            write_files(folder, {**examples.files_of(case, passing), "dansokh.toml": 'plans = ["."]\n'})
            os.chdir(folder)
            whole = validate([Path(".")], use_cache=False)
            for name in whole.files:
                alone = validate([Path(name)], use_cache=False)
                assert touching(alone, name) == touching(whole, name), (case.get("rule"), passing, name)


# the cache -----------------------------------------------------------------------------------


def records(result) -> list[dict]:
    return [d.to_dict() for d in result.diagnostics]


def test_the_cache_never_changes_a_result_on_the_suites_repositories(tmp_path, monkeypatch):
    """Every rule example (failing and passing) and the real plans: no cache, a cold cache and
    a warm cache give the same diagnostics and summary, in both languages."""
    from dansokh import i18n

    repositories = []
    for index, case in enumerate(examples.examples()["cases"]):
        for passing in (False, True):
            folder = tmp_path / f"case{index}-{passing}"
            write_files(folder, examples.files_of(case, passing))
            repositories.append((folder, case.get("paths", ["."])))
    shutil.copytree(ROOT / "plans", tmp_path / "real" / "plans")
    repositories.append((tmp_path / "real", ["plans"]))
    for lang in ("en", "vi"):
        i18n.setup(lang)
        for folder, paths in repositories:
            monkeypatch.chdir(folder)
            arguments = [Path(p) for p in paths]
            plain = validate(arguments, use_cache=False)
            cold = validate(arguments)
            warm = validate(arguments)
            assert records(cold) == records(plain) == records(warm), folder
            assert cold.summary == plain.summary == warm.summary, folder
    i18n.setup("en")


@pytest.fixture
def cached(with_ward: Path) -> Path:
    """The real plans and the ward, checked once: the cache is warm."""
    assert validate([Path("plans")]).failed
    return with_ward


def fresh(paths: list[str]) -> list[dict]:
    return records(validate([Path(p) for p in paths], use_cache=False))


def test_the_cache_sees_an_edit_that_keeps_the_size_and_the_time(cached):
    ward = cached / "2025" / "ngoc-thuy.yaml"
    stat = ward.stat()
    ward.write_text(WARD_PLAN.replace("value: 3.50", "value: 3.00"), encoding="utf-8")  # same size
    os.utime(ward, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ward.stat().st_size == stat.st_size and ward.stat().st_mtime_ns == stat.st_mtime_ns
    result = validate([Path("plans")])
    assert not any(d.code == "C001" for d in result.diagnostics)  # 3.00 is within the 3.04 ceiling
    assert records(result) == fresh(["plans"])


def test_the_cache_sees_a_renamed_and_a_deleted_plan(cached):
    (cached / "2025" / "ngoc-thuy.yaml").rename(cached / "2025" / "phuong-ngoc-thuy.yaml")
    result = validate([Path("plans")])
    assert {d.file for d in result.diagnostics if d.code == "C001"} == {"plans/2025/phuong-ngoc-thuy.yaml"}
    assert records(result) == fresh(["plans"])
    (cached / "2025" / "phuong-ngoc-thuy.yaml").unlink()
    result = validate([Path("plans")])
    assert not result.failed and records(result) == fresh(["plans"])


def test_the_cache_sees_an_edit(cached):
    ward = cached / "2025" / "ngoc-thuy.yaml"
    ward.write_text(WARD_PLAN.replace("value: 3.50", "value: 3.9"), encoding="utf-8")
    (c001,) = [d for d in validate([Path(WARD)]).diagnostics if d.code == "C001"]
    assert "sets 3.9%" in c001.message


def cache_files(root: Path) -> list[Path]:
    return sorted((root / FOLDER).glob("plans-*.sqlite3"))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "foreign"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(cached, damage):
    root = find_root([Path("plans")]).path
    (database,) = cache_files(root)
    expected = fresh(["plans"])
    if damage == "truncated":
        database.write_bytes(database.read_bytes()[: database.stat().st_size // 3])
    elif damage == "garbage":
        database.write_bytes(os.urandom(4096))
    elif damage == "empty":
        database.write_bytes(b"")
    else:  # a cache that comes from elsewhere (copied, or committed to git): its results are lies here
        copy = database.with_suffix(".copy")
        shutil.copy(database, copy)
        with sqlite3.connect(copy) as connection:
            connection.execute("UPDATE results SET body = replace(body, '3.50 %', '0.50 %')")
            connection.execute("UPDATE results SET checksum = checksum")
        os.replace(copy, database)
    assert records(validate([Path("plans")])) == expected
    assert records(validate([Path("plans")])) == expected  # and it works again afterwards
    assert len(cache_files(root)) == 1


def test_an_entry_whose_body_does_not_match_its_checksum_is_not_trusted(cached):
    root = find_root([Path("plans")]).path
    (database,) = cache_files(root)
    expected = fresh(["plans"])
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE results SET body = replace(body, '\"C001\"', '\"C009\"')")
    assert records(validate([Path("plans")])) == expected


def test_no_cache_writes_no_cache(with_ward):
    result = runner.invoke(app, ["validate", "plans", "--no-cache"])
    assert result.exit_code == 1
    assert not (find_root([Path("plans")]).path / FOLDER).exists()


def test_the_cache_folder_ignores_itself(cached):
    folder = find_root([Path("plans")]).path / FOLDER
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_two_runs_at_once_both_succeed(with_ward):
    command = [sys.executable, "-m", "dansokh", "validate", "plans", "--format", "json"]
    environment = {**os.environ, "DANSOKH_LANG": "en"}
    for _round in range(3):
        shutil.rmtree(find_root([Path("plans")]).path / FOLDER, ignore_errors=True)
        processes = [subprocess.Popen(command, stdout=subprocess.PIPE, env=environment) for _ in range(3)]
        outputs = [process.communicate()[0] for process in processes]
        assert [process.returncode for process in processes] == [1, 1, 1]
        assert outputs[0] == outputs[1] == outputs[2]
    assert records(validate([Path("plans")])) == fresh(["plans"])


# the repository's root -----------------------------------------------------------------------


def test_the_root_is_the_configuration_the_git_root_or_the_folder_given(in_tmp):
    write_files(in_tmp, {"a/plans/2025/x.yaml": "id: x\n", "a/other/y.yaml": "id: y\n"})
    assert find_root([Path("a/plans/2025/x.yaml")]).path == in_tmp / "a/plans/2025"
    (in_tmp / "a" / ".git").mkdir()
    root = find_root([Path("a/plans/2025/x.yaml")])
    assert root.path == in_tmp / "a" and root.plan_folders == (in_tmp / "a" / "plans",)
    (in_tmp / "a" / "pyproject.toml").write_text('[tool.dansokh]\nplans = ["other"]\n', encoding="utf-8")
    root = find_root([Path("a/plans/2025/x.yaml")])
    assert root.path == in_tmp / "a" and root.plan_folders == (in_tmp / "a" / "other",)
    (in_tmp / "a" / "plans" / "dansokh.toml").write_text("", encoding="utf-8")
    root = find_root([Path("a/plans/2025/x.yaml")])
    assert root.path == in_tmp / "a" / "plans" and root.plan_folders == (in_tmp / "a" / "plans",)


def test_a_ward_checked_from_another_folder_finds_its_district(with_ward, monkeypatch):
    subprocess.run(["git", "init", "-q"], check=True)
    monkeypatch.chdir(with_ward / "2025")
    alone = validate([Path("ngoc-thuy.yaml")])
    assert [d.code for d in alone.diagnostics if d.severity.value == "error"] == ["C001"]
    assert alone.diagnostics[0].related[0].span.file == "long-bien.yaml"


# allocate --write ----------------------------------------------------------------------------


def test_write_is_not_refused_for_errors_in_plans_it_does_not_touch(real_plans):
    """Long Biên's 2026 draft starts from the city's 2026 assignment while another district's
    draft is broken: that is not this change's business."""
    folder = real_plans / "2026"
    folder.mkdir()
    city = (real_plans / "2025" / "city.yaml").read_text(encoding="utf-8")
    city = city.replace("id: city\n", "id: city-2026\n").replace("year: 2025\n", "year: 2026\n").replace('date: "2025"', 'date: "2026"')
    (folder / "city-2026.yaml").write_text(city, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "data" / "long-bien-2026-draft.yaml", folder / "long-bien-2026.yaml")
    write_files(folder, {"gia-lam-2026.yaml": "id: gia-lam-2026\nyear: 2026\nyeer: 2026\n"})  # a broken draft
    assert validate([Path("plans")]).failed
    result = runner.invoke(app, ["allocate", "--from", "city-2026", "--to", "long-bien", "--write"])
    assert result.exit_code == 0, result.output
    assert "wrote plans/2026/long-bien-2026.yaml" in result.output


def test_write_is_refused_for_an_error_its_change_would_cause(real_plans):
    """Splitting Long Biên's IUD quota anew below what a ward's own plan states is fine, but below
    what the city assigned to Long Biên is an error the change would cause (C003)."""
    result = runner.invoke(app, ["allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1000", "--write"])
    assert result.exit_code == 1
    assert "not written: after the change the plans would not validate" in result.output
    assert "C003" in result.output


# parallel and serial -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("provinces", [1, 8])
def test_parallel_and_serial_runs_print_the_same_bytes(in_tmp, monkeypatch, provinces):
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "plans", "--provinces", str(provinces)],
        check=True,
        capture_output=True,
    )
    # a few problems, so that there is something to print
    files = sorted(Path("plans").rglob("*.yaml"))
    for index, path in enumerate(files[:: max(1, len(files) // 5)]):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("value: 110}", "value: 111}", 1) if index % 2 else text + "oops: 1\n", encoding="utf-8")
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    outputs = {}
    for jobs in ("1", "2"):
        for fmt in ("text", "json"):
            result = runner.invoke(app, ["validate", "plans", "--no-cache", "--jobs", jobs, "--format", fmt])
            assert result.exit_code == 1
            outputs[(jobs, fmt)] = result.stdout_bytes
    assert outputs[("1", "text")] == outputs[("2", "text")]
    assert outputs[("1", "json")] == outputs[("2", "json")]


def test_the_readme_example_of_one_file_in_its_context(real_plans):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme[readme.index("$ dansokh validate plans/2025/long-bien.yaml\n") :].splitlines()[1]
    subprocess.run(["git", "init", "-q"], check=True)
    result = runner.invoke(app, ["validate", "plans/2025/long-bien.yaml"])
    assert result.exit_code == 0 and result.output.splitlines() == [shown]


def test_the_render_formats_offered_are_the_renderers():
    """``dansokh render --format`` names its choices without importing the renderers (startup)."""
    from dansokh.cli.render import Format as Offered
    from dansokh.render.formats import Format

    assert [f.value for f in Offered if f.value != "markdown"] == [f.value for f in Format]  # markdown: md's other name


def test_help_imports_no_parser_model_or_renderer():
    """`dansokh --help` and the start of every command stay quick: the parsers, the models and the
    renderers are imported by the commands that use them, when they run."""
    code = (
        "import sys, dansokh.cli\n"
        "heavy = [m for m in ('pydantic', 'ruamel.yaml', 'ryml', 'jinja2', 'openpyxl', 'docx', 'dansokh.model.plan')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
