"""Hostile input, the rest of issue 19: a new plan created atomically (an interruption leaves nothing
at its path), settings of the wrong type or pointing outside the repository, history blobs larger than
a plan may be and submodules in `diff` and `--changed-since`, values quoted whole, a plan with errors
named on the command line.  Each case: the exit status, the exact message, code and file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from conftest import cli

NGOC_THUY = Path("plans/2025/ngoc-thuy-2025.yaml")


# --- a new plan is created atomically --------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("new", "--from", "long-bien", "--unit", "ngoc-thuy"), ("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--write")],
    ids=["new", "allocate-write"],
)
def test_a_new_plan_is_never_at_its_path_before_it_is_whole(real_plans, monkeypatch, command):
    """While the text is flushed to disk (where a kill or a power cut may stop the run), nothing is
    at the plan's path: an interruption leaves no empty plan to block the next `dansokh new`."""
    seen: list[bool] = []
    real_fsync = os.fsync

    def flushing(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):  # the text, not the folder after the link
            seen.append(os.path.lexists(NGOC_THUY))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", flushing)
    result = cli(*command)
    assert result.exit_code == 0, result.output
    assert seen and not any(seen)
    assert NGOC_THUY.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_new_plan_interrupted_leaves_nothing(real_plans, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert sorted(p.name for p in NGOC_THUY.parent.iterdir()) == sorted(p.name for p in (real_plans / "2025").iterdir())
    assert not NGOC_THUY.exists()
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV])
def test_a_new_plan_where_hard_links_are_not_supported(real_plans, monkeypatch, code):
    def no_links(source, target, *args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", no_links)
    result = cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"wrote {NGOC_THUY} (plan ngoc-thuy-2025, 2025)"
    assert NGOC_THUY.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []


def test_a_file_taken_while_the_plan_is_written_is_kept(real_plans, monkeypatch):
    """Another program creates the file while dansokh writes its text: refused, its bytes stay."""
    real_fsync = os.fsync

    def another_program_writes(fd):
        real_fsync(fd)
        if not NGOC_THUY.exists():
            NGOC_THUY.write_text("# someone else's\n", encoding="utf-8")

    monkeypatch.setattr(os, "fsync", another_program_writes)
    result = cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"{NGOC_THUY} exists already; nothing was written (choose another file with -o)"
    assert NGOC_THUY.read_text(encoding="utf-8") == "# someone else's\n"
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("content", [b"", b"\n  \n"], ids=["empty", "blank"])
def test_an_empty_file_left_by_an_older_dansokh_is_named_with_what_to_do(real_plans, content):
    NGOC_THUY.write_bytes(content)
    for command in (("new", "--from", "long-bien", "--unit", "ngoc-thuy"), ("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--write")):
        result = cli(*command)
        assert result.exit_code == 1, command
        assert result.stderr.strip().splitlines()[-1] == (
            f"{NGOC_THUY} exists already and is empty (a plan whose writing was interrupted, perhaps by an older"
            " dansokh); nothing was written: delete it and run the command again, or choose another file with -o"
        )
        assert NGOC_THUY.read_bytes() == content
