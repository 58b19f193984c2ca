"""dansokh in a repository's CI (issue 21, points 4 to 7): SARIF for code scanning, GitLab's Code
Quality and JUnit, reviewdog's rdjson, one run writing several reports, the Markdown summary and
note, ``--changed-since auto`` with the variables GitHub and GitLab set (shallow clones too), the
shipped workflows' steps run as the CI would run them, the composite action, the container
recipe, and a plan cache restored by a CI cache step."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from ruamel.yaml import YAML

from conftest import PLANS, ROOT, cli, git, line_of
from dansokh.check.rules import ALL_RULES
from dansokh.read.cache import ENVIRONMENT, TRUST

SCHEMAS = ROOT / "tests" / "schemas"
BIN = Path(sys.executable).parent  # where this environment's `dansokh` is
ZEROS = "0" * 40
CI_VARIABLES = (
    "GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_BASE_REF", "GITHUB_EVENT_PATH", "GITLAB_CI",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "CI_MERGE_REQUEST_EVENT_TYPE",
    "CI_COMMIT_BEFORE_SHA", "CI_MERGE_REQUEST_IID", ENVIRONMENT, TRUST, "DANSOKH_DOCS_URL",
)


@pytest.fixture(autouse=True)
def outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests set the CI's variables themselves, whatever CI runs them."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture
def broken(real_plans: Path) -> Path:
    """The real plans with Ba Đình's condom quota 15.500 -> 15.600 (T001 + T002 in city.yaml)."""
    city = real_plans / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    return city


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def report(fmt: str, *args: str, path: str = "plans") -> dict[str, Any]:
    result = cli("validate", path, "--format", fmt, *args)
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def sarif_results(*args: str, path: str = "plans") -> list[dict]:
    document = report("sarif", *args, path=path)
    jsonschema.Draft4Validator(schema("sarif-2.1.0-rtm.5.json")).validate(document)
    return document["runs"][0]["results"]


# --- SARIF (point 4) ---------------------------------------------------------------------------


def test_sarif_uris_are_percent_encoded_relative_to_srcroot(real_plans, in_tmp):
    """A folder named with blanks, Vietnamese letters and % is written as RFC 3986 asks."""
    folder = in_tmp / "kế hoạch 100%"
    real_plans.rename(folder)
    city = folder / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    document = report("sarif", path="kế hoạch 100%")
    jsonschema.Draft4Validator(schema("sarif-2.1.0-rtm.5.json")).validate(document)
    run = document["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {"uri": "k%E1%BA%BF%20ho%E1%BA%A1ch%20100%25/2025/city.yaml", "uriBaseId": "%SRCROOT%"} in locations
    assert all(re.fullmatch(r"[A-Za-z0-9/._~%-]+", location["uri"]) for location in locations)


def test_sarif_uri_of_names_a_uri_would_misread():
    from dansokh.report.locate import uri

    assert uri("a:b/c d.yaml") == "a%3Ab/c%20d.yaml"  # not a scheme "a:"
    assert uri("plans\\2025\\đ#1?.yaml") == "plans/2025/%C4%91%231%3F.yaml"
    assert uri("plans/\udcff.yaml") == "plans/%FF.yaml"  # a byte that was not UTF-8, as that byte


def test_sarif_columns_are_code_points_as_dansokh_counts_them(broken):
    results = sarif_results()
    region = results[1]["locations"][0]["physicalLocation"]["region"]  # T001 on the row "Tổng"
    line = broken.read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 :].startswith("280700]")  # after "Tổng": ổ is one code point
    assert not line[: region["startColumn"] - 1].isascii()


def test_sarif_rules_carry_help_text_and_a_link_into_the_rules_section(broken, in_tmp):
    url = "https://git.example.org/office/dansokh/blob/0123abc/README.md"
    (in_tmp / "dansokh.toml").write_text(f'docs_url = "{url}"\n', encoding="utf-8")
    document = report("sarif")
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {rule.code for rule in ALL_RULES}
    for rule in ALL_RULES:
        described = rules[rule.code]
        assert described["shortDescription"]["text"] == rule.summary
        assert described["helpUri"] == f"{url}#rule-codes"
        assert described["help"]["text"].startswith(rule.summary)
        assert rule.doc in described["help"]["text"]
        assert described["help"]["text"].endswith(f"Its failing and passing examples: dansokh rules {rule.code}")
    (in_tmp / "dansokh.toml").unlink()
    assert all("helpUri" not in rule for rule in report("sarif")["runs"][0]["tool"]["driver"]["rules"])
    env_url = "https://github.com/OWNER/dansokh/blob/v1/README.md"
    result = cli("validate", "plans", "--format", "sarif", env={"DANSOKH_DOCS_URL": env_url})
    assert {rule["helpUri"] for rule in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]} == {f"{env_url}#rule-codes"}


@pytest.mark.parametrize("value", ["javascript:alert(1)", "https://x.org/README.md#top", "https://x.org/a b"])
def test_a_docs_url_that_is_no_address_is_a_usage_error(broken, in_tmp, value):
    (in_tmp / "dansokh.toml").write_text(f"docs_url = {json.dumps(value)}\n", encoding="utf-8")
    result = cli("validate", "plans", "--format", "sarif")
    assert result.exit_code == 2
    assert "dansokh.toml: docs_url must be the http(s) address of dansokh's README, without #…" in " ".join(result.output.split())
    (in_tmp / "dansokh.toml").unlink()
    result = cli("validate", "plans", "--format", "sarif", env={"DANSOKH_DOCS_URL": value})
    assert result.exit_code == 2
    assert "DANSOKH_DOCS_URL must be the http(s) address" in " ".join(result.output.split())


def fingerprints(results: list[dict]) -> dict[str, int]:
    return {r["partialFingerprints"]["dansokh/v1"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}


def test_sarif_fingerprints_stay_when_lines_shift_above(broken):
    before = fingerprints(sarif_results())
    assert len(before) == 3  # one each
    text = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    # two lines of comment at the top, and a district's row inserted above the rows reported
    row = line_of(broken, "name: Ba Đình, values: [18700") - 1
    text[row:row] = ['      - {tt: "0", name: Thử, values: [0, 0, 0, 0, 0, 0]}\n']
    text[1:1] = ["# a remark\n", "# and another\n"]
    broken.write_text("".join(text), encoding="utf-8")
    results = sarif_results()
    after = fingerprints([r for r in results if r["ruleId"] in ("U004", "T001", "T002")])
    assert set(after) == set(before)
    shift = {r["ruleId"]: after[r["partialFingerprints"]["dansokh/v1"]] - before[r["partialFingerprints"]["dansokh/v1"]] for r in results if r["ruleId"] in ("U004", "T001", "T002")}
    assert shift == {"U004": 0, "T001": 2, "T002": 3}  # other lines, the same fingerprints


def test_sarif_fingerprints_tell_findings_apart(broken):
    city = broken
    city.write_text(city.read_text(encoding="utf-8").replace("3750, 18500]", "3750, 18600]"), encoding="utf-8")
    results = sarif_results()
    t002 = [r for r in results if r["ruleId"] == "T002"]
    assert len(t002) == 2 and len(fingerprints(t002)) == 2


# --- GitLab: Code Quality, JUnit (point 5) ----------------------------------------------------


def test_codeclimate_is_valid_against_gitlabs_code_quality_schema(broken):
    result = cli("validate", "plans", "--format", "codeclimate")
    assert result.exit_code == 1
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")  # GitLab refuses a byte order mark
    issues = json.loads(result.stdout)
    jsonschema.Draft7Validator(schema("gitlab-code-quality.json")).validate(issues)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("U004", "info", "plans/2025/bac-cuong.yaml", 29),
        ("T001", "major", "plans/2025/city.yaml", line_of(broken, "name: Tổng, total: true")),
        ("T002", "major", "plans/2025/city.yaml", line_of(broken, "name: Ba Đình, values: [18700")),
    ]
    assert issues[2]["description"] == "T002 Ba Đình: the total 18,700 is not the sum of its methods, 18,800 (off by 100)"
    sarif = [r["partialFingerprints"]["dansokh/v1"] for r in sarif_results()]
    assert [i["fingerprint"] for i in issues] == sarif  # the same finding, the same fingerprint


def test_codeclimate_of_a_clean_run_is_an_empty_array(real_plans):
    result = cli("validate", "plans", "--format", "codeclimate", "--ignore", "U004")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_junit_names_file_and_line_and_skips_warnings(broken):
    broken.write_text(broken.read_text(encoding="utf-8").replace("values: [18700", "values: [18700 ", 1), encoding="utf-8")
    result = cli("validate", "plans", "--format", "junit", "--severity", "U004=warning")
    assert result.exit_code == 1
    xmlschema.XMLSchema(SCHEMAS / "JUnit-file-line.xsd").validate(result.stdout)
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite is not None
    cases = {(c.get("file"), c.get("line")): c for c in suite.iter("testcase")}
    assert suite.get("tests") == str(len(cases)) == "6" and suite.get("failures") == "2"
    t002 = cases[("plans/2025/city.yaml", str(line_of(broken, "name: Ba Đình, values: [18700")))]
    failure = t002.find("failure")
    assert failure is not None and failure.get("type") == "T002"
    assert t002.get("name", "").startswith(f"plans/2025/city.yaml:{t002.get('line')}:")
    warning = cases[("plans/2025/bac-cuong.yaml", "29")]
    assert warning.find("skipped") is not None and " U004 " in warning.get("name", "")
    assert cases[("plans/2025/long-bien.yaml", None)].find("*") is None  # a file without findings passes


# --- reviewdog (point 7) ---------------------------------------------------------------------


def test_rdjson_is_valid_against_reviewdogs_schema_with_byte_columns(broken):
    document = report("rdjson")
    jsonschema.Draft4Validator(schema("rdjson-DiagnosticResult.jsonschema")).validate(document)
    assert document["source"] == {"name": "dansokh"}
    first = document["diagnostics"][1]
    assert (first["severity"], first["code"], first["location"]["path"]) == ("ERROR", {"value": "T001"}, "plans/2025/city.yaml")
    start = first["location"]["range"]["start"]
    line = broken.read_bytes().splitlines()[start["line"] - 1]
    assert line[start["column"] - 1 :].startswith(b"280700]")  # UTF-8 bytes: "Tổng" is 6 of them


# --- one run, several reports; the Markdown summary (point 6) ---------------------------------------


def test_one_run_writes_every_report_asked_for(broken, in_tmp):
    result = cli(
        "validate", "plans", "--output-format", "sarif=out/a.sarif", "--output-format", "codeclimate=cq.json",
        "--output-format", "junit=j.xml", "--output-format", "markdown=summary.md", "-o", "text.txt",
    )
    assert (result.exit_code, result.stdout) == (1, "")
    for name, fmt in (("out/a.sarif", "sarif"), ("cq.json", "codeclimate"), ("j.xml", "junit"), ("summary.md", "markdown"), ("text.txt", "text")):
        timeless = lambda text: re.sub(r'(<testsuite [^>]*)time="[\d.]+"', r"\1", text)  # noqa: E731  (how long each run took)
        assert timeless((in_tmp / name).read_text(encoding="utf-8")) == timeless(cli("validate", "plans", "--format", fmt).stdout), name


@pytest.mark.parametrize(
    "args, message",
    [
        (["--output-format", "xml=a.xml"], "--output-format 'xml=a.xml': expected FORMAT=FILE, FORMAT one of text, json"),
        (["--output-format", "sarif="], "--output-format 'sarif=': expected FORMAT=FILE"),
        (["--output-format", "sarif=a", "--output-format", "json=a"], "--output-format: a is named twice"),
        (["-o", "a", "--output-format", "json=a"], "--output-format: a is named twice"),
    ],
)
def test_output_format_mistakes_are_usage_errors_and_write_nothing(broken, in_tmp, args, message):
    result = cli("validate", "plans", *args)
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (in_tmp / "a").exists() and not (in_tmp / "a.xml").exists()


def committed(root: Path) -> str:
    git(root, "init", "-q", "-b", "main", ".")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plans")
    return git(root, "rev-parse", "--short", "HEAD").strip()


def test_markdown_counts_the_errors_and_names_the_commit(broken, in_tmp):
    short = committed(in_tmp)
    text = cli("validate", "plans", "--format", "markdown").stdout
    assert text.startswith(f"<!-- dansokh diff -->\n### ❌ dansokh validate, commit {short}: 2 errors, 0 warnings, 1 note\n\n5 files checked.\n")
    assert "| ❌ | plans/2025/city.yaml | " in text and "working tree" not in text
    broken.write_text(broken.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert f"commit {short} with changes not committed: 2 errors" in cli("validate", "plans", "--format", "markdown").stdout
    vi = cli("--lang", "vi", "validate", "plans", "--format", "markdown").stdout
    assert "working tree" not in vi and short in vi


# --- --changed-since auto, shallow clones (points 5, 6) -------------------------------------------


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A repository with main's history: the plans; Bắc Cường broken (an old error nobody touches);
    a change to Long Biên's plan; and a clone of it (``origin``) to work in."""
    origin = tmp_path / "origin"
    shutil.copytree(PLANS, origin / "plans")
    git(origin, "init", "-q", "-b", "main", ".")
    bac_cuong = origin / "plans" / "2025" / "bac-cuong.yaml"
    bac_cuong.write_text(bac_cuong.read_text(encoding="utf-8").replace("value: 75", "value: 175", 1), encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "plans")
    first = git(origin, "rev-parse", "HEAD").strip()
    long_bien = origin / "plans" / "2025" / "long-bien.yaml"
    long_bien.write_text(long_bien.read_text(encoding="utf-8").replace("\n", "\n# reviewed\n", 1), encoding="utf-8")
    git(origin, "commit", "-q", "-am", "Long Biên reviewed")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    monkeypatch.chdir(work)
    return {"first": first, "second": git(work, "rev-parse", "HEAD").strip(), "tmp": str(tmp_path)}


def github_push(tmp: str, before: str) -> dict[str, str]:
    event = Path(tmp) / "event.json"
    event.write_text(json.dumps({"before": before, "after": "x"}), encoding="utf-8")
    return {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_BASE_REF": "", "GITHUB_EVENT_PATH": str(event)}


def test_changed_since_auto_on_a_push_compares_with_the_commit_before(history):
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=github_push(history["tmp"], history["first"]))
    assert f"--changed-since auto: compared with {history['first']} (the commit before the push)" in result.stderr
    assert result.exit_code == 0, result.output  # Bắc Cường's old error is not this push's business
    assert "T007" not in result.stdout


def test_changed_since_auto_without_a_base_checks_every_plan(history):
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=github_push(history["tmp"], ZEROS))
    assert "--changed-since auto: the commit before the push names no earlier commit (a new branch?); every plan was checked" in " ".join(result.stderr.split())
    assert result.exit_code == 1 and "T007" in result.stdout
    outside = cli("validate", "plans", "--changed-since", "auto", "--format", "text")
    assert outside.exit_code == 1 and "not in GitHub Actions or GitLab CI" in outside.stderr


def test_changed_since_auto_on_a_pull_request_uses_the_base_branch(history):
    git(Path.cwd(), "checkout", "-q", "-b", "topic")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"}
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=env)
    assert "compared with origin/main (the pull request's base branch)" in result.stderr
    assert result.exit_code == 0 and "Checked 0 files" in result.stdout


def test_merged_results_compare_with_the_merged_target_not_its_later_commits(history):
    """GitLab's merged-results pipeline checks out the merge of the merge request into the target;
    a plan the target changed (and broke) since the merge base is not the merge request's."""
    work = Path.cwd()
    base = history["second"]
    git(work, "checkout", "-q", "-b", "topic")
    bac_cuong = work / "plans" / "2025" / "bac-cuong.yaml"  # the merge request mends Bắc Cường
    bac_cuong.write_text(bac_cuong.read_text(encoding="utf-8").replace("value: 175", "value: 75", 1), encoding="utf-8")
    git(work, "commit", "-q", "-am", "topic")
    git(work, "checkout", "-q", "main")
    city = work / "plans" / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "main moves on, and breaks the city's table")
    target = git(work, "rev-parse", "HEAD").strip()
    git(work, "-c", "user.name=t", "merge", "-q", "--no-edit", "topic")
    env = {
        "GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": target,
    }
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=env)
    assert f"compared with {target} (the merged-results pipeline's target)" in " ".join(result.stderr.split())
    assert result.exit_code == 0 and "Checked 1 file," in result.stdout  # Bắc Cường alone: the city is not its business
    detached = {k: v for k, v in env.items() if k not in ("CI_MERGE_REQUEST_EVENT_TYPE", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA")}
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=detached)
    assert f"compared with {base} (the merge request's merge base)" in " ".join(result.stderr.split())
    assert result.exit_code == 1 and "T001" in result.stdout  # the merge result against the old base: the target's change too


def test_a_shallow_clone_says_what_changed_since_needs(history, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history['tmp']}/origin", str(shallow))
    os.chdir(shallow)
    result = cli("validate", "plans", "--changed-since", "HEAD~1")
    assert result.exit_code == 2
    assert "this clone is shallow (git clone --depth, the default checkout in CI) and lacks it; fetch the history (actions/checkout: fetch-depth: 0" in " ".join(result.output.split())
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=github_push(history["tmp"], history["first"]))
    assert result.exit_code == 1 and "T007" in result.stdout  # every plan, and why
    assert f"{history['first']} (the commit before the push) is not in this clone (the clone is shallow: fetch the history" in " ".join(result.stderr.split())


# --- the shipped workflows, run as CI runs them (point 6) -----------------------------------------


def load_yaml(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def fake_tools(folder: Path) -> Path:
    """``gh`` that keeps what it would post; every other command is the real one."""
    folder.mkdir(exist_ok=True)
    gh = folder / "gh"
    gh.write_text('#!/bin/sh\necho "$@" >> "$FAKE_LOG"\nwhile [ $# -gt 0 ]; do if [ "$1" = --body-file ]; then cp "$2" "$FAKE_LOG.body"; fi; shift; done\n', encoding="utf-8")
    gh.chmod(0o755)
    return folder


def bash(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "PATH": f"{env.get('FAKE_BIN', BIN)}:{BIN}:{os.environ['PATH']}"}
    for name in CI_VARIABLES:
        if name not in env:
            full.pop(name, None)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], env=full, cwd=cwd, capture_output=True, text=True, timeout=300)


def github_step(name: str) -> dict:
    workflow = load_yaml(ROOT / "docs" / "github-actions.yml")
    (step,) = [s for s in workflow["jobs"]["dansokh"]["steps"] if s.get("name") == name]
    return step


def test_the_github_workflow_on_a_pull_request(history, tmp_path):
    work = Path.cwd()
    git(work, "checkout", "-q", "-b", "topic")
    city = work / "plans" / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "Ba Đình's condoms")
    short = git(work, "rev-parse", "--short", "HEAD").strip()
    summary = tmp_path / "step-summary.md"
    env = {
        "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main", "BASE": "main",
        "GITHUB_STEP_SUMMARY": str(summary), "CHANGED_ONLY": "true", "PR": "7", "GH_TOKEN": "x",
        "FAKE_BIN": str(fake_tools(tmp_path / "bin")), "FAKE_LOG": str(tmp_path / "gh.log"),
        ENVIRONMENT: str(tmp_path / "dansokh-cache"), TRUST: "ci",
    }
    validate = bash(github_step("Validate")["run"], env, work)
    assert validate.returncode == 1, validate.stderr
    assert "::error file=plans/2025/city.yaml," in validate.stdout
    jsonschema.Draft4Validator(schema("sarif-2.1.0-rtm.5.json")).validate(json.loads((work / "dansokh.sarif").read_text(encoding="utf-8")))
    assert f"dansokh validate, commit {short}: 2 errors" in summary.read_text(encoding="utf-8")
    post = bash(github_step("Post the errors and what changed")["run"], env, work)
    assert post.returncode == 0, post.stderr
    assert (tmp_path / "gh.log").read_text(encoding="utf-8") == "pr comment 7 --body-file dansokh-note.md --edit-last\n"
    note = (tmp_path / "gh.log.body").read_text(encoding="utf-8")
    assert note.startswith(f"<!-- dansokh diff -->\n### ❌ dansokh validate, commit {short}: 2 errors, 0 warnings, 0 notes")
    assert "working tree" not in note and f"HEAD ({short}" in note and "Ba Đình" in note


def test_the_github_workflow_on_a_push_to_main(history, tmp_path):
    """GitHub sets no base ref on a push: --changed-since auto takes the commit before it, and
    checks every plan when the push starts the branch."""
    work = Path.cwd()
    summary = tmp_path / "summary.md"
    script = github_step("Validate")["run"]
    env = {**github_push(history["tmp"], history["first"]), "CHANGED_ONLY": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    done = bash(script, env, work)
    assert done.returncode == 0, done.stderr + done.stdout  # Bắc Cường's old error is not the push's
    assert "compared with" in done.stderr
    env = {**github_push(history["tmp"], ZEROS), "CHANGED_ONLY": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    done = bash(script, env, work)
    assert done.returncode == 1 and "T007" in done.stdout and "every plan was checked" in done.stderr
    assert summary.read_text(encoding="utf-8").count("<!-- dansokh diff -->") == 2  # one summary per run, appended


def test_the_gitlab_job_in_a_merge_request(history, tmp_path):
    work = Path.cwd()
    base = history["second"]
    git(work, "checkout", "-q", "-b", "topic")
    city = work / "plans" / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "Ba Đình's condoms")
    short = git(work, "rev-parse", "--short", "HEAD").strip()
    job = load_yaml(ROOT / "docs" / "gitlab-ci.yml")["dansokh"]
    installs = ("apt-get ", "python -m pip install")
    lines = [line for line in job["before_script"] if not line.startswith(installs)] + job["script"]
    variables = {k: v.replace("$CI_PROJECT_DIR", str(work)) for k, v in job["variables"].items() if k not in ("DANSOKH", "GIT_DEPTH")}
    variables[ENVIRONMENT] = str(tmp_path / "dansokh-cache")
    variables["DANSOKH_CHANGED_ONLY"] = "true"
    env = {**variables, "GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_PROJECT_DIR": str(work)}
    done = bash("\n".join(lines), env, work)
    assert done.returncode == 1, done.stderr
    issues = json.loads((work / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema("gitlab-code-quality.json")).validate(issues)
    assert [i["check_name"] for i in issues] == ["T001", "T002"]  # only what the merge request touches
    xmlschema.XMLSchema(SCHEMAS / "JUnit-file-line.xsd").validate((work / "dansokh-junit.xml").read_text(encoding="utf-8"))
    note = (work / "dansokh-note.md").read_text(encoding="utf-8")
    assert note.startswith(f"<!-- dansokh diff -->\n### ❌ dansokh validate, commit {short}: 2 errors")
    assert f"HEAD ({short}" in note and "working tree" not in note
    after = bash("\n".join(job["after_script"]), env, work)
    assert after.returncode == 0, after.stderr
    assert list((work / ".ci-cache" / "dansokh").glob("plans-*.sqlite3"))  # the cache goes back for the next pipeline


# --- the composite action and the container (point 7) ---------------------------------------------



def built_by_the_site_job(script: str, env: dict[str, str], work: Path) -> Path:
    """The site job's script run as the CI runs it, in a clone of main with results/ beside plans/."""
    shutil.copytree(ROOT / "examples" / "results-2025", work / "results" / "2025")
    done = bash(script, env, work)
    assert done.returncode == 0, done.stderr + done.stdout
    public = work / "public"
    assert (public / ".dansokh-site").is_file() and (public / "index.html").is_file()
    assert (public / "2025" / "ngoc-thuy.html").is_file()
    assert "data-period" in (public / "2025" / "long-bien.html").read_text(encoding="utf-8")  # results/ was read
    return public


@pytest.mark.slow
def test_the_github_site_job_builds_what_it_publishes(history):
    """The build step of the job `site`, on a push after main's first commit: the folder it builds
    is the one the upload step publishes, with the page of changes since the commit before."""
    job = load_yaml(ROOT / "docs" / "github-actions.yml")["jobs"]["site"]
    (build,) = [s for s in job["steps"] if s.get("name") == "Build the site"]
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    public = built_by_the_site_job(build["run"], {"BEFORE": history["first"]}, Path.cwd())
    assert Path.cwd() / upload["with"]["path"] == public
    assert history["first"][:7] in (public / "diff.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_gitlab_pages_job_builds_public_on_a_branchs_first_push(history):
    """GitLab's job `pages` on the push that starts the branch (CI_COMMIT_BEFORE_SHA all zeros): no
    previous publication to compare with, and still a site in public/, the folder Pages serves."""
    job = load_yaml(ROOT / "docs" / "gitlab-ci.yml")["pages"]
    public = built_by_the_site_job("\n".join(job["script"]), {"CI_COMMIT_BEFORE_SHA": ZEROS}, Path.cwd())
    assert job["artifacts"]["paths"] == [public.name]

def test_the_action_declares_its_inputs_and_runs_its_steps(history, tmp_path):
    action = load_yaml(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"path", "format", "changed-since", "args", "version"}
    install, validate = action["runs"]["steps"]
    assert "$ACTION_PATH" in install["run"] and install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    env = {
        **github_push(history["tmp"], ZEROS), "INPUT_PATH": "plans/2025 plans/2025/city.yaml", "INPUT_FORMAT": "github",
        "INPUT_CHANGED_SINCE": "", "INPUT_ARGS": "--output-format rdjson=rd.json --ignore U004", "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "SERVER": "https://github.com",
        "ACTION_REPOSITORY": "OWNER/dansokh", "ACTION_REF": "0123abcd",
    }
    done = bash(validate["run"], env, Path.cwd())
    assert done.returncode == 1, done.stderr
    assert "::error file=plans/2025/bac-cuong.yaml," in done.stdout
    assert output.read_text(encoding="utf-8") == f"summary={tmp_path}/dansokh-summary.md\n"
    assert "1 error, 0 warnings, 0 notes" in summary.read_text(encoding="utf-8")
    rd = json.loads((Path.cwd() / "rd.json").read_text(encoding="utf-8"))
    assert rd["diagnostics"][0]["code"] == {"value": "T007", "url": "https://github.com/OWNER/dansokh/blob/0123abcd/README.md#rule-codes"}


@pytest.mark.slow
def test_the_container_recipe_installs_a_working_dansokh(tmp_path):
    """No container engine runs here: the Dockerfile's RUN steps that install dansokh run in a
    new virtual environment, from a copy of the build context (.dockerignore applied)."""
    recipe = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY . /src" in recipe and 'ENTRYPOINT ["dansokh"]' in recipe
    ignored = [line for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    context = tmp_path / "src"
    shutil.copytree(ROOT, context, ignore=shutil.ignore_patterns(*(name.split("/")[-1] for name in ignored)))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (install,) = [line[4:] for line in recipe.splitlines() if line.startswith("RUN python -m pip install")]
    command = install.replace("/src", str(context)).replace("python -m pip", f"{venv}/bin/python -m pip")
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, timeout=1800)
    assert not context.exists()  # the recipe removes its copy of the sources
    shutil.copytree(PLANS, tmp_path / "plans")
    done = subprocess.run([f"{venv}/bin/dansokh", "validate", "plans/"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stdout


# --- a plan cache restored by a CI cache step (point 6) -------------------------------------------


def database_keys(folder: Path) -> dict[str, str]:
    keys = {}
    for path in sorted(folder.glob("plans-*.sqlite3")):
        with sqlite3.connect(path) as connection:
            keys[path.name] = dict(connection.execute("SELECT key, value FROM meta"))["key"]
    return keys


def restore(repo: Path, cache: Path) -> None:
    """What a new runner holds: the repository checked out anew at the same path, and the cache
    folder restored from an archive (new files, new inodes, new times)."""
    shutil.move(repo, repo.with_name("old-repo"))
    shutil.copytree(repo.with_name("old-repo"), repo, symlinks=True)
    shutil.move(cache, cache.with_name("old-cache"))
    shutil.copytree(cache.with_name("old-cache"), cache)
    shutil.rmtree(repo.with_name("old-repo"))
    shutil.rmtree(cache.with_name("old-cache"))
    os.chdir(repo)


def test_a_ci_cache_is_used_only_when_the_environment_trusts_it(broken, in_tmp, tmp_path_factory):
    committed(in_tmp)
    cache = tmp_path_factory.mktemp("runner") / "dansokh-cache"
    env = {ENVIRONMENT: str(cache), TRUST: "ci"}
    expected = cli("validate", "plans", "--no-cache")
    first = cli("validate", "plans", env=env)
    assert (first.exit_code, first.stdout) == (expected.exit_code, expected.stdout) and first.exit_code == 1
    made = database_keys(cache)
    assert len(made) == 1
    restore(in_tmp, cache)
    again = cli("validate", "plans", env=env)
    assert (again.exit_code, again.stdout) == (expected.exit_code, expected.stdout)
    assert database_keys(cache) == made  # taken as this place's: its entries kept
    restore(in_tmp, cache)
    untrusted = cli("validate", "plans", env={ENVIRONMENT: str(cache)})
    assert (untrusted.exit_code, untrusted.stdout) == (expected.exit_code, expected.stdout)
    assert list(database_keys(cache).values()) != list(made.values())  # without the word, never adopted


def test_ci_trust_never_reaches_a_cache_inside_the_repository(broken, in_tmp):
    committed(in_tmp)
    for folder, value, said in (
        (in_tmp / "ci-cache", "ci", "is inside the repository, where a cache could have been committed"),
        (in_tmp.parent / "elsewhere", "yes", "DANSOKH_CACHE_TRUST='yes': the one value is ci"),
    ):
        result = cli("validate", "plans", env={ENVIRONMENT: str(folder), TRUST: value})
        assert result.exit_code == 1 and said in " ".join(result.stderr.split())
        assert not folder.exists()
    result = cli("validate", "plans", env={TRUST: "ci"})
    assert "DANSOKH_CACHE_TRUST=ci needs DANSOKH_CACHE_DIR" in " ".join(result.stderr.split())


def test_the_summary_shows_names_as_text_never_as_markup(broken):
    broken.write_text(broken.read_text(encoding="utf-8").replace("name: Ba Đình, values: [18700", "name: '<img src=x onerror=alert(1)> | @team', values: [18700"), encoding="utf-8")
    text = cli("validate", "plans", "--format", "markdown").stdout
    assert "&lt;img src=x onerror=alert(1)&gt; \\| @&#8203;team" in text
    assert "<img" not in text and "@team" not in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 4 and all(len(re.findall(r"(?<!\\)\|", line)) == 6 for line in table)  # no cell more


def test_the_github_workflow_in_a_shallow_clone_checks_everything_and_says_why(history, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history['tmp']}/origin", str(shallow))
    env = {**github_push(history["tmp"], history["first"]), "CHANGED_ONLY": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")}
    done = bash(github_step("Validate")["run"], env, shallow)
    assert done.returncode == 1 and "::error file=plans/2025/bac-cuong.yaml," in done.stdout  # every plan, Bắc Cường's error too
    assert "is not in this clone (the clone is shallow: fetch the history, fetch-depth: 0 or GIT_DEPTH: 0); every plan was checked" in " ".join(done.stderr.split())


def test_the_gitlab_job_in_a_merged_results_pipeline_notes_only_the_merge_requests_changes(history, tmp_path):
    """The checkout merges the merge request (Bắc Cường mended) into the target, which has since
    changed the city's plan: the note's diff and the check are the merge request's alone."""
    work = Path.cwd()
    base = history["second"]
    git(work, "checkout", "-q", "-b", "topic")
    bac_cuong = work / "plans" / "2025" / "bac-cuong.yaml"
    bac_cuong.write_text(bac_cuong.read_text(encoding="utf-8").replace("value: 175", "value: 75", 1), encoding="utf-8")
    git(work, "commit", "-q", "-am", "topic")
    git(work, "checkout", "-q", "main")
    city = work / "plans" / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "main moves on")
    target = git(work, "rev-parse", "HEAD").strip()
    git(work, "merge", "-q", "--no-edit", "topic")
    job = load_yaml(ROOT / "docs" / "gitlab-ci.yml")["dansokh"]
    lines = [line for line in job["before_script"] if not line.startswith(("apt-get ", "python -m pip install"))] + job["script"]
    env = {
        "DANSOKH_CACHE_DIR": str(tmp_path / "dansokh-cache"), "DANSOKH_CACHE_TRUST": "ci", "DANSOKH_CHANGED_ONLY": "true",
        "GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": target, "CI_PROJECT_DIR": str(work),
    }
    done = bash("\n".join(lines), env, work)
    assert done.returncode == 0, done.stderr + done.stdout
    note = (work / "dansokh-note.md").read_text(encoding="utf-8")
    assert "### ✅ dansokh validate, commit" in note and ": 0 errors, 0 warnings, 1 note\n\n1 file checked." in note
    assert "bac-cuong" in note and "city" not in note  # the diff: Bắc Cường's mend, not the target's change


def test_changed_since_auto_takes_ci_variables_as_data(history, tmp_path):
    hostile = "main\x1b[31m" + "x" * 200
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": hostile}
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=env)
    assert result.exit_code == 1 and "\x1b" not in result.stderr and "x" * 100 not in result.stderr
    assert "--changed-since auto: origin/main\\x1b[31m" in result.stderr and "is not in this clone; every plan was checked" in " ".join(result.stderr.split())
    (tmp_path / "fifo").unlink(missing_ok=True)
    os.mkfifo(tmp_path / "fifo")  # an event file that is no file: never waited on
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(tmp_path / "fifo")}
    result = cli("validate", "plans", "--changed-since", "auto", "--format", "text", env=env, seconds=20)
    assert result.exit_code == 1 and "names no earlier commit" in result.stderr
    env["GITHUB_EVENT_PATH"] = str(tmp_path)  # a folder
    assert "names no earlier commit" in cli("validate", "plans", "--changed-since", "auto", env=env).stderr
