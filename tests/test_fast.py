"""The fast read path (rapidyaml) gives exactly the exact path's data, or steps aside.

For every input: either ``fast.load`` declines (``None``), or the exact path (ruamel's composer
and dansokh's builder) reads the same data with nothing to report.  Checked on the real plans,
the rules' examples, YAML written to be awkward, and random damage done to the real plans.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from conftest import PLANS
from dansokh.check import examples
from dansokh.read import fast
from dansokh.read.index import HEADER_KEYS
from dansokh.read.loader import load_text

pytestmark = pytest.mark.skipif(not fast.AVAILABLE, reason="rapidyaml is not installed here")


def exact(raw: bytes, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(fast, "load", lambda raw: None)
        return load_text("f.yaml", raw)


def typed(value):
    """Data with the type of every scalar, so that 1 and Decimal('1.0') and '1' differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, str(value))


def agrees(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether the fast path declined; asserts that otherwise it read what the exact path reads,
    and that the header reader (which parses only the head of a file) reads the same header."""
    header = fast.top_values(raw, HEADER_KEYS)
    data = fast.load(raw)
    if header is not None:
        reference = exact(raw, monkeypatch)
        if reference.data is not None and not any(d.code in ("Y003", "Y004") for d in reference.diagnostics):
            expected = {key: value for key, value in reference.data.items() if key in HEADER_KEYS}
            assert typed(header) == typed(expected), raw
    if data is None:
        return False
    reference = exact(raw, monkeypatch)
    assert reference.diagnostics == [], raw
    assert typed(data) == typed(reference.data), raw
    return True


def test_the_real_plans_take_the_fast_path(monkeypatch):
    for path in sorted((PLANS / "2025").glob("*.yaml")):
        assert agrees(path.read_bytes(), monkeypatch), path


def test_the_rule_examples(monkeypatch):
    for case in examples.examples()["cases"]:
        for passing in (False, True):
            for raw in examples.files_of(case, passing).values():
                agrees(raw, monkeypatch)


AWKWARD = [
    "a: 0.00\nb: 86.0\nc: 416950\nd: 2025-01-03\ne: -1\nf: +2\ng: 1.\nh: 007\n",
    "a: 1e3\n", "a: .5\n", "a: 0x1F\n", "a: 0o17\n", "a: 1_000\n", "a: .inf\n", "a: .nan\n", "a: -.INF\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ''\ng: \"\"\n",
    "a: true\nb: True\nc: TRUE\nd: false\ne: yes\nf: no\ng: on\nh: 'true'\n",
    "a: \"tab\\there\"\nb: 'it''s'\nc: \"\\u00e9\"\nd: \"line\\\n  continued\"\n",
    "a: |\n  line1\n  line2\nb: >-\n  folded\n  text\nc: |+\n  kept\n\nd: >\n  x\n\n  y\n",
    "a: plain\n  continued\n  again\nb: x # comment\nc: 'x' # comment\n",
    "a: {x: 1, y: [a, b], z: {}}\nb: []\nc: [{p: 1}, {q: [2, 3]}]\n",
    "a: x: y\n", "a: [1, 2\n", "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: !!str 5\n", "? a\n: 1\n",
    "- 1\n- 2\n", "just text\n", "", "---\na: 1\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n", "%YAML 1.2\n---\na: 1\n",
    "a:\n\t- 1\n", "a: 1\r\nb: [2, 3]\r\nc: 'x'\r\n", "a: 1\rb: 2\r",
    "a: Ngọc Thụy\nb: Ngọc Thuỵ\n", "a: Nguye\u0302\u0303n\n", "\u00e9: 1\ne\u0301: 2\n",
    "a: '1'\nb: \"2025\"\nc: 2025\nd: 12345678901234567890\ne: 0.000000000000000000001\n",
    "a: b: c\n", "a: - 1\n", "a: [a: 1]\n", "a: {b}\n", "a: 'unclosed\n", "{a: 1, a: 2}\n",
    "a:\n  - b: 1\n    c: 2\n  - d\n", "a:\n- 1\n- 2\n", "a: -\n", "a: - \n", "a: '#'\nb: x#y\n",
    "k: v\n  w\n", "a: 1 \nb:  2\n", "\ufeffa: 1\n", "a: \"\\0\"\n", "a: \"\\x41\\U0001F600\"\n",
    # headers: keys late, twice, quoted, in flow style, behind a multi-line scalar
    "goals: [a]\nid: x\nyear: 2025\nunit: {id: u, parent: p}\n",
    "id: x\nunit: {id: u}\ntargets: []\nunit: {id: v}\n",
    "'id': x\n\"unit\": {id: u}\nunits:\n  - {id: c}\ngoals: []\n",
    "{id: x, year: 2025, unit: {id: u}}\n",
    "id: x\ntitle: \"a\nunit: {id: fake}\"\nunit: {id: u}\n",
    "id: x\nunit:\n  id: u\n  parent: p\nunits:\n- id: c\n  name: C\ngoals:\n- g\n",
    "id: x\nyear: 2025\nnote: [a,\nb]\nunit: {id: u}\n",
    "unit: {id: u}\n? units\n: [x]\n",
    # where rapidyaml is more lenient than libyaml: the fast path must step aside
    "a: [{indicator:ator: x, b: 1}]\n", "a: [http://x]\n", "a: [1, 37?, 2]\n", "a: [1, ?x, 2]\n",
    "id: x\nunit: {id: u}\n]oals:\n  - g\n", "a:\n  - {x: 1}  - {y: 2}\n", "a:\n  - \"x\"   - y\n",
    "a:\n  - 'x' - y\n", "a: {name: x #, level: y}\n",
    # characters libyaml refuses or reads as line breaks, which rapidyaml takes as text (found by
    # tests/test_fuzz.py); continuations and flow collections over two lines, at any indentation
    "document:\n  title: Triển khai th\nực hiện năm 2026\n  signer: {}\n",
    "document:\n  title: Triển khai th\nực hiện năm 12:30\n",
    "figures:\n  - {indicator: x, va\nlue: 0.12}\n", "a: [1,\n2]\n", "a: {b: 1,\n  c: 2}\n",
    "# a comment\nbroken in two.\nkind: result\n", "a: b\nc", "a: b\n  c",
    "a: tổ chức t\u0085uyên\nb: 1\n", "a: x\ufffey\n", "a: x\uffffy\n", "a: x\u2028y\n", "a: x\u2029y\n",
    "a: x\ufeffy\n", "a: x\u0080y\n", "a: x\u009fy\n", "a: x\u00a0y\n",
    "# a comment with a lone\rcarriage return\na: 1\n", "a: 1 # x\ry\nb: 2\n", "a: 1\r\nb: 2 # c\rd\r\n",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_yaml(text, monkeypatch):
    agrees(text.encode("utf-8"), monkeypatch)


def test_random_damage_to_the_real_plans(monkeypatch):
    """Bytes deleted, duplicated or replaced by YAML's punctuation, at random places."""
    sources = [path.read_bytes() for path in sorted((PLANS / "2025").glob("*.yaml"))]
    rng = random.Random(2025)
    punctuation = b" \n:-[]{},#&*!|>'\"%@`?\t\\0.e"
    taken = 0
    for _ in range(600):
        raw = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(raw))
            move = rng.randrange(4)
            if move == 0:
                del raw[at : at + rng.randint(1, 6)]
            elif move == 1:
                raw[at:at] = raw[at : at + rng.randint(1, 12)]
            elif move == 2:
                raw[at] = punctuation[rng.randrange(len(punctuation))]
            else:  # a line starting with something else, or joined to the one before
                line = raw.rfind(b"\n", 0, at) + 1
                raw[line:line] = rng.choice([b"  ", b"- ", b"id: z\n", b"unit: {id: q}\n", b'"', b"'"])
                if line:
                    raw[line - 1 : line] = rng.choice([b" ", b"\n"])
        try:
            bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            continue
        taken += agrees(bytes(raw), monkeypatch)
    assert taken > 60  # much damage lands in text, and the fast path reads it


def test_numbers_keep_their_digits(monkeypatch):
    data = fast.load(b"a: 0.00\nb: 86.0\nc: 1.\nd: 2\n")
    assert data == {"a": Decimal("0.00"), "b": Decimal("86.0"), "c": Decimal("1"), "d": 2}
    assert [str(v) for v in data.values()] == ["0.00", "86.0", "1", "2"]


def test_line_breaks_and_characters_libyaml_refuses_at_random_places(monkeypatch):
    """What the fuzz test found: a carriage return alone, U+0085, U+2028/9, C1 controls, U+FFFE
    and a byte-order mark, anywhere in a real plan (a comment, a text, a key)."""
    sources = [path.read_bytes() for path in sorted((PLANS / "2025").glob("*.yaml"))]
    rng = random.Random(9)
    pieces = [b"\r", "\u0085".encode(), "\u2028".encode(), "\u2029".encode(), "\u0080".encode(), "\u009f".encode(),
              "\ufffe".encode(), "\uffff".encode(), "\ufeff".encode(), b"\r\n", "\u00a0".encode()]
    for _ in range(300):
        raw = bytearray(rng.choice(sources))
        at = rng.randrange(len(raw))
        while at and raw[at] & 0xC0 == 0x80:  # not inside a character
            at -= 1
        raw[at:at] = rng.choice(pieces)
        agrees(bytes(raw), monkeypatch)
