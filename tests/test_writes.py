"""Writes lose nothing: atomic replacement, no clobbering, edits that touch only their lines."""

from __future__ import annotations

import os

import pytest

from dansokh.read.loader import load_text
from dansokh.write.atomic import ConcurrentChange, digest, write_atomic
from dansokh.write.edits import apply, replace_value

ORIGINAL = """\
# Kế hoạch thử — comments stay
id: a   # trailing comment
targets:
  - {indicator: prenatal_screening, value: 85}   # raised below
  - indicator: cpr_modern
    value: 74.0
"""


def test_replacing_a_value_changes_only_its_characters():
    loaded = load_text("a.yaml", ORIGINAL.encode())
    edits = [
        replace_value(loaded.source, ("targets", 0, "value"), "87"),
        replace_value(loaded.source, ("targets", 1, "value"), "75.0"),
    ]
    assert apply(ORIGINAL, edits) == ORIGINAL.replace("value: 85}", "value: 87}").replace("74.0", "75.0")


def test_write_replaces_the_file_atomically(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    os.chmod(path, 0o640)
    write_atomic(path, ORIGINAL.replace("85", "87"), digest(path.read_bytes()))
    assert path.read_text(encoding="utf-8") == ORIGINAL.replace("85", "87")
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_a_failure_during_the_write_leaves_the_original_intact(tmp_path, monkeypatch):
    path = tmp_path / "a.yaml"
    path.write_bytes(ORIGINAL.encode())

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "half", digest(ORIGINAL.encode()))
    assert path.read_bytes() == ORIGINAL.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_an_interrupted_flush_leaves_the_original_intact(tmp_path, monkeypatch):
    path = tmp_path / "a.yaml"
    path.write_bytes(ORIGINAL.encode())

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, ORIGINAL.replace("85", "87"), digest(ORIGINAL.encode()))
    assert path.read_bytes() == ORIGINAL.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(ORIGINAL.encode())
    read = digest(path.read_bytes())
    path.write_text(ORIGINAL + "# edited by a colleague\n", encoding="utf-8")
    with pytest.raises(ConcurrentChange):
        write_atomic(path, ORIGINAL.replace("85", "87"), read)
    assert path.read_text(encoding="utf-8").endswith("# edited by a colleague\n")
