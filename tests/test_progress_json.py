"""``progress``'s JSON writer gives the bytes ``report.safe.json_dump`` gives (those of
``json.dump(indent=2)``), whatever the records hold."""

from __future__ import annotations

import io

import pytest

from dansokh.report.progress_json import write_records
from dansokh.report.safe import json_dump

DOCUMENTS = [
    [],
    [{}],
    [{"a": []}, {"b": {}}],
    [{"unit": "xã Tân Hòa", "lines": [{"target": "1.050", "result": None, "late": True, "rank": 3}]}],
    [{"nested": {"list": [1, [2, [3, {}]], (4, "năm")], "none": None, "false": False}}],
    [{"float": 1.5, "int": -7, "big": 10**30, 1: "a number as a key", None: "null as a key"}],
    [{"surrogate": "bad \udcff byte", "quote": 'say "hi"\n\ttab', "control": "\x07"}],
    [["a list", "as a record"], "a text", 3, None],
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_same_bytes_as_json_dump(document):
    expected, found = io.StringIO(), io.StringIO()
    json_dump(document, expected)
    write_records(document, found, lambda record: record)
    assert found.getvalue() == expected.getvalue()
