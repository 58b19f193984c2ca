"""A synthetic nationwide plans repository, the same every time for the same seed.

Two shapes: ``pre`` (before the 2025 reform, plans of 2025): one national plan, 63 provinces, about
700 districts and about 10,000 communes; ``post`` (since 1 July 2025, plans of 2026): one national
plan, 34 provinces and about 3,300 communes, two levels below the nation.  Every plan states targets, carries a schedule, and (above the communes) an allocation
table to its children and the due date of their first-quarter report; quotas are split with
dansokh's own apportionment so that every column adds up, and every child states exactly what it
was assigned, so the repository validates clean.

With ``--results`` every unit also reports its first quarter (``results/YEAR/Q1/…``): the
communes' figures are drawn at random, every unit above adds up its children's counts and the
numerators and denominators of its rates, and every report is on time, so that the results
validate clean too and the benchmark times every K rule over the whole country.

    python benchmarks/generate.py OUT [--shape pre|post] [--seed 2025] [--provinces N] [--results]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dansokh.cascade.apportion import Method, Share, apportion


@dataclass(frozen=True)
class Shape:
    """How many levels, how many units at each, and the year of the plans."""

    year: int
    levels: tuple[str, ...]  # the level words, from the nation down
    spans: dict[int, tuple[int, int]]  # level -> (fewest, most) children, the provinces given separately
    letters: str  # the letter of each level's ids below the provinces
    provinces: int


SHAPES = {
    "pre": Shape(2025, ("cấp quốc gia", "cấp tỉnh", "cấp huyện", "cấp xã"), {1: (7, 15), 2: (8, 20)}, "dc", 63),
    # 34 provinces of 60–128 communes: 3,289 with the default seed, as the reform made 3,321
    "post": Shape(2026, ("cấp quốc gia", "cấp tỉnh", "cấp xã"), {1: (60, 128)}, "c", 34),
}
SHAPE = SHAPES["pre"]  # the shape being written (``main`` sets it)
LEVELS = list(SHAPE.levels)
RATES = ["prenatal_screening", "newborn_screening", "elderly_checkup", "premarital_checkup"]
METHODS = ["new_users_iud", "new_users_implant", "new_users_injectable", "new_users_pill", "new_users_condom"]
LABELS = {
    "prenatal_screening": "Sàng lọc trước sinh",
    "newborn_screening": "Sàng lọc sơ sinh",
    "elderly_checkup": "Người cao tuổi được khám sức khỏe",
    "premarital_checkup": "Khám sức khỏe trước hôn nhân",
    "new_users_total": "Tổng số",
    "new_users_iud": "Dụng cụ tử cung",
    "new_users_implant": "Thuốc cấy tránh thai",
    "new_users_injectable": "Thuốc tiêm tránh thai",
    "new_users_pill": "Viên uống tránh thai",
    "new_users_condom": "Bao cao su",
}
SYLLABLES = "An Bình Hòa Thụy Phú Long Tân Đông Tây Nam Bắc Hưng Thịnh Phúc Lộc Thành Trung Hải Sơn Minh".split()
TIMES = ["Tháng 1/2025", "Tháng 2 - 4/2025", "Tháng 3-5/2025; Tháng 7-9/2025", "Tháng 6,12/2025", "Quý II/2025",
         "Hàng tháng", "Hàng quý", "Thường xuyên"]
TASKS = ["Xây dựng và triển khai kế hoạch công tác dân số năm 2025", "Tổ chức truyền thông về sàng lọc trước sinh",
         "Kiểm tra, giám sát việc thực hiện chỉ tiêu", "Cung cấp phương tiện tránh thai", "Báo cáo sơ kết 6 tháng",
         "Tập huấn cho cộng tác viên dân số", "Khám sức khỏe định kỳ cho người cao tuổi", "Tổng kết năm"]


@dataclass
class Unit:
    id: str
    name: str
    level: int
    parent: Unit | None
    weight: int
    rates: dict[str, int] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)
    children: list[Unit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.methods.values())


def _year(text: str) -> str:
    """A text of the pre-2025 templates in the year of the shape being written."""
    return text.replace("2025", str(SHAPE.year)).replace("2024", str(SHAPE.year - 1))


def build(seed: int, provinces: int) -> Unit:
    rng = random.Random(seed)
    leaf = len(SHAPE.levels) - 1
    nation = Unit("viet-nam", "Việt Nam", 0, None, 1)
    nation.rates = {"prenatal_screening": 80, "newborn_screening": 85, "elderly_checkup": 80, "premarital_checkup": 80}
    nation.methods = dict(zip(METHODS, (700_000, 40_000, 150_000, 1_400_000, 3_000_000)))
    spans = {0: (provinces, provinces), **SHAPE.spans}

    def grow(unit: Unit) -> None:
        if unit.level == leaf:
            return
        low, high = spans[unit.level]
        for n in range(1, rng.randint(low, high) + 1):
            name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {n}"
            child_id = f"p{n:02d}" if unit.level == 0 else f"{unit.id}-{SHAPE.letters[unit.level - 1]}{n:02d}"
            unit.children.append(Unit(child_id, name, unit.level + 1, unit, rng.randint(20, 200)))
        shares = [Share(c.id, c.weight) for c in unit.children]
        for method, quota in unit.methods.items():
            for child, part in zip(unit.children, apportion(quota, shares, Method.LARGEST_REMAINDER)):
                child.methods[method] = part
        for rate, value in unit.rates.items():
            offsets = [rng.randint(-2, 2) for _ in unit.children]
            offsets[0], offsets[-1] = -1, 1  # the parent's figure lies within its children's range
            for child, offset in zip(unit.children, offsets):
                child.rates[rate] = min(100, value + offset)
        for child in unit.children:
            grow(child)

    grow(nation)
    return nation


def unit_line(unit: Unit, with_parent: bool) -> str:
    parent = f", parent: {unit.parent.id}" if with_parent and unit.parent else ""
    return f"{{id: {unit.id}, name: {unit.name}, level: {LEVELS[unit.level]}{parent}}}"


def plan_text(unit: Unit, rng: random.Random) -> str:
    lines = [
        f"# Synthetic plan for the dansokh benchmark ({LEVELS[unit.level]})",
        f"id: {unit.id}",
        f"year: {SHAPE.year}",
        "scope: annual",
        "document:",
        f"  issuer: UBND {unit.name}",
        "  symbol: KH-UBND",
        f'  date: "{SHAPE.year}-01-15"',
        f"  title: Kế hoạch công tác Dân số và Phát triển {unit.name} năm {SHAPE.year}",
        "  signer: {on_behalf: TM. ỦY BAN NHÂN DÂN, title: CHỦ TỊCH}",
        f"unit: {unit_line(unit, True)}",
    ]
    if unit.children:
        lines.append("units:")
        lines += [f"  - {unit_line(child, False)}" for child in unit.children]
    lines.append("goals:\n  - Duy trì mức sinh thay thế, nâng cao chất lượng dân số.")
    lines.append("targets:")
    for rate, value in unit.rates.items():
        lines.append(f"  - {{indicator: {rate}, value: {value}}}")
    lines.append("  - {indicator: sex_ratio_at_birth, value: 110}")
    lines.append(f"  - {{indicator: new_users_total, value: {unit.total}}}")
    for method, value in unit.methods.items():
        lines.append(f"  - {{indicator: {method}, value: {value}}}")
    lines += ["appendices:", "  - kind: schedule", '    number: "1"', "    title: TIẾN ĐỘ THỰC HIỆN", "    sections:"]
    for letter, title in (("A", "Công tác chỉ đạo, điều hành"), ("B", "Công tác truyền thông")):
        lines += [f"      - number: {letter}", f"        title: {title}", "        rows:"]
        for number in range(1, 5):
            lines += [
                f'          - number: "{number}"',
                f"            content: {_year(rng.choice(TASKS))}",
                f"            time: {_year(rng.choice(TIMES))}",
                "            lead: Trung tâm Y tế",
            ]
    if unit.children:
        reporting = [
            "reporting:",
            "  text: báo cáo kết quả thực hiện định kỳ hàng quý, trước ngày 10 tháng đầu tiên của quý tiếp theo",
            "  reports:",
            f'    - {{period: Q1, before: "{SHAPE.year}-04-10"}}',
        ]
        columns = RATES + ["new_users_total"] + METHODS
        lines += ["  - kind: allocation", '    number: "2"', f"    title: BIỂU GIAO CHỈ TIÊU NĂM {SHAPE.year}", "    columns:"]
        lines += [f"      - {{indicator: {c}, label: {LABELS[c]}}}" for c in columns]
        lines.append("    rows:")

        def values(u: Unit) -> str:
            return ", ".join(str(v) for v in [u.rates[r] for r in RATES] + [u.total] + [u.methods[m] for m in METHODS])

        lines.append(f"      - {{name: Tổng, total: true, values: [{values(unit)}]}}")
        for n, child in enumerate(unit.children, start=1):
            lines.append(f'      - {{tt: "{n}", name: {child.name}, values: [{values(child)}]}}')
        lines += reporting
    return "\n".join(lines) + "\n"


# a rate's denominator for a commune's quarter: pregnant women, births, the elderly, people marrying
DENOMINATORS = {"prenatal_screening": (20, 90), "newborn_screening": (20, 90), "elderly_checkup": (300, 1500),
                "premarital_checkup": (10, 60)}


@dataclass
class Reported:
    counts: dict[str, int]
    parts: dict[str, tuple[int, int]]


def report(unit: Unit, rng: random.Random) -> Reported:
    """The unit's first-quarter figures: drawn for a commune, its children's added up above."""
    if not unit.children:
        counts = {m: max(0, round(q * rng.uniform(0.15, 0.32))) for m, q in unit.methods.items()}
        parts = {}
        for rate, target in unit.rates.items():
            denominator = rng.randint(*DENOMINATORS[rate])
            share = target / 100 * rng.uniform(0.9, 1.05) * (0.25 if rate == "elderly_checkup" else 1)
            parts[rate] = (min(denominator, round(denominator * share)), denominator)
        return Reported(counts, parts)
    below = [report(child, rng) for child in unit.children]
    unit.reported = below  # type: ignore[attr-defined]
    counts = {m: sum(r.counts[m] for r in below) for m in unit.methods}
    parts = {rate: (sum(r.parts[rate][0] for r in below), sum(r.parts[rate][1] for r in below)) for rate in unit.rates}
    return Reported(counts, parts)


def result_text(unit: Unit, figures: Reported, rng: random.Random) -> str:
    lines = [
        "kind: result",
        f"unit: {unit.id}",
        f"year: {SHAPE.year}",
        'period: "Q1"',
        f'reported: "{SHAPE.year}-04-0{rng.randint(1, 9)}"',
        f'document: {{kind: "Báo cáo", issuer: "UBND {unit.name}"}}',
        "figures:",
    ]
    for rate in unit.rates:
        numerator, denominator = figures.parts[rate]
        value = round(100 * numerator / denominator, 1) if denominator else 0
        value_text = f"{value:.1f}".rstrip("0").rstrip(".")
        lines.append(f"  - {{indicator: {rate}, value: {value_text}, numerator: {numerator}, denominator: {denominator}}}")
    lines.append(f"  - {{indicator: new_users_total, value: {sum(figures.counts.values())}}}")
    for method in unit.methods:
        lines.append(f"  - {{indicator: {method}, value: {figures.counts[method]}}}")
    return "\n".join(lines) + "\n"


def write_results(root: Unit, out: Path, seed: int) -> tuple[int, int]:
    """One first-quarter result per unit under ``out/results/YEAR/Q1``, in the plans' folder shape."""
    rng = random.Random(seed + 2)
    top = report(root, rng)
    files = size = 0
    stack: list[tuple[Unit, Reported, Path]] = [(root, top, out / "results" / str(SHAPE.year) / "Q1")]
    while stack:
        unit, figures, folder = stack.pop()
        folder.mkdir(parents=True, exist_ok=True)
        data = result_text(unit, figures, rng).encode("utf-8")
        (folder / f"{unit.id}.yaml").write_bytes(data)
        files, size = files + 1, size + len(data)
        if unit.children:
            for child, below in zip(reversed(unit.children), reversed(unit.reported)):  # type: ignore[attr-defined]
                stack.append((child, below, folder / child.id if child.children else folder))
    return files, size


def write(root: Unit, out: Path, seed: int) -> tuple[int, int]:
    rng = random.Random(seed + 1)
    files = size = 0
    stack: list[tuple[Unit, Path]] = [(root, out / str(SHAPE.year))]
    while stack:
        unit, folder = stack.pop()
        folder.mkdir(parents=True, exist_ok=True)
        data = plan_text(unit, rng).encode("utf-8")
        (folder / f"{unit.id}.yaml").write_bytes(data)
        files, size = files + 1, size + len(data)
        stack.extend((child, folder / child.id if child.children else folder) for child in reversed(unit.children))
    return files, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the plans into (must be empty or absent)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="pre", help="before or after the 2025 reform")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--provinces", type=int, help="default: 63 before the reform, 34 after")
    parser.add_argument("--results", action="store_true", help="also a first-quarter result for every unit")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty", file=sys.stderr)
        return 2
    global SHAPE, LEVELS
    SHAPE = SHAPES[args.shape]
    LEVELS = list(SHAPE.levels)
    root = build(args.seed, args.provinces or SHAPE.provinces)
    files, size = write(root, args.out, args.seed)
    print(f"{files} plans, {size / 1e6:.1f} MB in {args.out}")
    if args.results:
        files, size = write_results(root, args.out, args.seed)
        print(f"{files} results, {size / 1e6:.1f} MB in {args.out / 'results'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
