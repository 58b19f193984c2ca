"""Time `dansokh validate` on a nationwide repository, side by side with what it is measured against.

Every command runs as a separate process; the rounds are interleaved (each round runs every
command once, in the same order), `--repeat` times, and the medians and their ratios are printed
with the spread of the samples (the machine is shared: the ratios of medians are what to read).

Measured, on the same files:

- rapidyaml parse + walk: every file parsed by rapidyaml and walked into Python dicts, lists and
  strings (no types, no checks): the floor of a YAML-based checker in Python;
- other parsers, where installed: PyYAML's C loader, ruamel's C safe loader, ryaml, yaml-rs;
- check-jsonschema with `dansokh schema`, where installed (it checks the schema only);
- `dansokh validate`, cold (`--no-cache`, both cores) and serial (`--jobs 1`), and a second run
  with a warm cache;
- the incremental cases: one changed commune validated alone (cold and warm), and
  `validate --changed-since HEAD` after that change (the repository is put in git for it);
- `dansokh --help`;
- `dansokh new --next` (dry run), `render all` (Markdown) and `allocate` of the largest plan (the nation's),
  each with the cache warm (run once, untimed, before it is timed);
- with `--results`: `progress` of the whole country, cold (no cache), as a summary (the default) and with
  every unit's tables (`--detail`), in JSON and in CSV, and of one province, beside the cold validation
  of the same files (plans + results); and `progress` of the largest plan with the cache warm;
- `dansokh site` of the whole repository, cold (`--no-cache`, no documents: the default for a country),
  beside the cold validation of the same files (the plans, and with `--results` the results too), in
  wall time and in CPU time of the process tree (goal: at most twice validate's).

`--against SRC` times every command a second time with the dansokh of another checkout's `src` folder
(`PYTHONPATH`), on a repository of its own (each version keeps its own cache), in the same rounds, and
prints the ratio this checkout / that one for each: before and after a change, side by side.

`--provinces 16,63,126` generates a repository of each size (the same generator and seed) and times them
in the same rounds; it prints, for every command, a line fitted to the time and to the peak memory of the
process tree against the number of files (intercept + slope per 1,000 files).

CPU is user + system seconds of the process and the workers it waited for (``wait4``): on a shared
machine, what the command itself spent, beside the wall time.

Peak memory is the largest resident set among the process and its workers (``ru_maxrss``), and the
sum over the process and its workers of their proportional set sizes, sampled every 20 ms (Linux:
pages a forked worker shares with its parent count once).

    python benchmarks/run.py [--plans DIR] [--repeat 3] [--shapes pre,post] [--provinces N[,N…]] [--results] [--only NAME,...] [--against SRC]

Without --plans the repository is generated (seed 2025) into a temporary folder first: before the
2025 reform (``--shapes pre``, the default: 63 provinces, about 700 districts, 10,000 communes), after
it (``post``: 34 provinces, about 3,300 communes, two levels), or both, timed side by side in the same
rounds, with the ratios of the two.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

RYML_WALK = """
import sys
from pathlib import Path
import ryml
from ryml import _ryml as R
NONE = ryml.NONE
is_map, is_seq, first, following, key, val = (
    R.Tree_is_map, R.Tree_is_seq, R.Tree_first_child, R.Tree_next_sibling, R.Tree_key, R.Tree_val
)
def build(tree, node):
    if is_map(tree, node):
        result = {}
        child = first(tree, node)
        while child != NONE:
            result[str(key(tree, child), "utf-8")] = build(tree, child)
            child = following(tree, child)
        return result
    if is_seq(tree, node):
        result = []
        child = first(tree, node)
        while child != NONE:
            result.append(build(tree, child))
            child = following(tree, child)
        return result
    return str(val(tree, node), "utf-8")
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    tree = ryml.parse_in_arena(path.read_bytes())
    build(tree, tree.root_id())
"""

PARSERS = {
    "PyYAML C loader": ("yaml", "import yaml\nload = lambda raw: yaml.load(raw, Loader=yaml.CSafeLoader)"),
    "ruamel C safe load": (
        "ruamel.yaml",
        "from ruamel.yaml import YAML\nyaml = YAML(typ='safe')\nassert 'CParser' in yaml.Parser.__name__\nload = yaml.load",
    ),
    "ryaml": ("ryaml", "import ryaml\nload = lambda raw: ryaml.loads(raw.decode())"),
    "yaml-rs": ("yaml_rs", "import yaml_rs\nload = lambda raw: yaml_rs.loads(raw.decode())"),
}
PARSE_ALL = """
import sys
from pathlib import Path
{setup}
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    load(path.read_bytes())
"""


def _tree_kb(pid: int) -> int:
    """Memory of a process and its descendants, in KB: the sum of their proportional set sizes
    (a page shared by a forked worker and its parent counts once), else of their resident sets
    (Linux; 0 elsewhere)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            try:
                with open(f"/proc/{current}/smaps_rollup") as rollup:
                    total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
            except (OSError, StopIteration):
                with open(f"/proc/{current}/status") as status:
                    total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (OSError, StopIteration):
            continue
    return total


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, float, int, float]:
    """Wall seconds, peak resident MiB of the largest process, peak MiB of the process tree
    (sampled), the exit status, and the CPU seconds of the process tree (user + system, the
    process and the workers it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_kb(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    largest = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return seconds, largest, peak_tree / 1024, process.returncode, usage.ru_utime + usage.ru_stime


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@dansokh.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _available(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


class Prepared:
    """One shape's repository, ready to time: its files, the commune changed for the incremental
    cases, and the commands (name -> (command, what to do before it))."""

    def __init__(
        self, shape: str, scratch: Path, args: argparse.Namespace, provinces_given: int | None, labelled: bool, against: str | None = None
    ):
        self.arguments = (shape, scratch, args, provinces_given, labelled)
        self.shape = f"{shape}-{provinces_given}" if labelled else shape  # the label of its columns
        # the commands read compiled modules, as an installed dansokh does: PYTHONDONTWRITEBYTECODE in
        # the caller's environment would compile every changed module again on every run (0.1-0.2 s);
        # --against: dansokh from another checkout's src, on a repository of its own (its own cache)
        compiled = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        self.env = {**compiled, "PYTHONPATH": os.path.abspath(against)} if against else compiled
        if against:
            self.shape += "-against"
        self.root = scratch / self.shape / "repo"
        plans = self.root / "plans"
        if args.plans is not None:
            shutil.copytree(args.plans, plans)
        else:
            provinces = ["--provinces", str(provinces_given)] if provinces_given else []
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(plans), "--shape", shape, *provinces]
                + (["--results"] if args.results else []),
                check=True,
            )
        years = sorted(p for p in plans.iterdir() if p.is_dir() and p.name.isdigit())
        year = years[0] if years else plans  # the plans (results may sit beside them)
        self.files = sorted(year.rglob("*.yaml"))
        self.size = sum(f.stat().st_size for f in self.files)
        # one commune, changed in the same way each round (its third-child rate is not stated, so
        # a comment line keeps the plan valid): a commune of the first province
        self.commune = next(f for f in self.files if "-c" in f.stem)
        self.original = self.commune.read_bytes()
        self.all_files = sum(1 for _ in plans.rglob("*.yaml"))  # plans and results
        schema = scratch / self.shape / "plan.schema.json"
        subprocess.run([sys.executable, "-m", "dansokh", "schema", "-o", str(schema)], check=True, cwd=self.root)
        _git(self.root, "init", "-q")
        (self.root / ".gitignore").write_text(".dansokh_cache/\n", encoding="utf-8")
        _git(self.root, "add", "-A")
        _git(self.root, "commit", "-q", "-m", "plans")
        dansokh = [sys.executable, "-m", "dansokh"]
        self.relative = str(self.commune.relative_to(self.root))
        edits = iter(range(1_000_000))

        def changed() -> None:
            """One commune changed (a comment added, a new one each time: a new file to the cache)."""
            self.commune.write_bytes(self.original + f"# changed ({next(edits)})\n".encode())

        def warm_cache() -> None:
            self.reset()
            subprocess.run([*dansokh, "validate", "plans"], cwd=self.root, capture_output=True, env=self.env)

        def warm_then_changed() -> None:
            warm_cache()
            changed()

        relative_year = str(year.relative_to(self.root))
        largest_id = next(year.glob("*.yaml")).stem  # the nation's plan: the largest (its table of 63 provinces)
        province = next(f.stem for f in sorted(year.iterdir()) if f.is_dir())  # p01: the first province
        cache = self.root / ".dansokh_cache"

        def warm(command: list[str]) -> tuple[list[str], Callable[[], None]]:
            """The command, timed with the cache warm: run once before (untimed)."""

            def run_once() -> None:
                subprocess.run(command, cwd=self.root, capture_output=True, env=self.env)

            return command, run_once

        def cold() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        progress = [*dansokh, "progress", "--period", "Q1", "--year", year.name, "--plans", "plans"]
        commands: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            "rapidyaml parse+walk": ([sys.executable, "-c", RYML_WALK, str(year)], None),
        }
        for name, (module, setup) in PARSERS.items():
            if _available(module):
                commands[name] = ([sys.executable, "-c", PARSE_ALL.format(setup=setup), str(year)], None)
        if args.results:
            commands["validate cold plans+results"] = ([*dansokh, "validate", "plans", "--no-cache"], None)
        if shutil.which("check-jsonschema"):
            commands["check-jsonschema"] = (
                ["check-jsonschema", "--schemafile", str(schema), *[str(f) for f in self.files]],
                None,
            )
        commands.update(
            {
                "validate cold": ([*dansokh, "validate", relative_year, "--no-cache"], None),
                "validate cold serial": ([*dansokh, "validate", relative_year, "--no-cache", "--jobs", "1"], None),
                "validate warm": ([*dansokh, "validate", relative_year], warm_cache),
                "one commune cold": ([*dansokh, "validate", self.relative, "--no-cache"], changed),
                "one commune warm": ([*dansokh, "validate", self.relative], warm_then_changed),
                "changed-since cold": ([*dansokh, "validate", "plans", "--changed-since", "HEAD", "--no-cache"], changed),
                "changed-since warm": ([*dansokh, "validate", "plans", "--changed-since", "HEAD"], warm_then_changed),
                "--help": ([*dansokh, "--help"], None),
                "new --next largest plan": warm([*dansokh, "new", "--next", largest_id, "--dry-run", "--plans", relative_year]),
                "render all largest plan": warm([*dansokh, "render", "all", "--plan", largest_id, "--plans", relative_year]),
                "allocate largest plan": warm([*dansokh, "allocate", "--from", largest_id, "--to", province, "--plans", relative_year]),
            }
        )
        if args.results:
            commands.update(
                {
                    "progress nation summary": (progress, cold),
                    "progress nation tables": ([*progress, "--detail"], cold),
                    "progress nation json": ([*progress, "-f", "json"], cold),
                    "progress nation csv": ([*progress, "-f", "csv"], cold),
                    "progress one province": ([*progress, province], cold),
                    "progress largest plan warm": warm([*progress, largest_id]),
                }
            )
        site = [*dansokh, "site", "plans" if args.results else relative_year, "-o", str(scratch / self.shape / "public"), "--no-cache"]
        commands["site cold"] = (site, None)
        if args.only:
            wanted = set(args.only.split(","))
            commands = {name: command for name, command in commands.items() if name in wanted}
        self.commands = commands

    def reset(self) -> None:
        self.commune.write_bytes(self.original)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=Path, help="an existing plans folder (default: generate one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--provinces", help="default: 63 before the reform, 34 after; several (16,63,126): one repository of each, timed side by side"
    )
    parser.add_argument(
        "--shapes",
        default="pre",
        help="comma-separated: pre (before the 2025 reform: three levels, about 10,000 communes), post (after:"
        " two levels, about 3,300 communes); both are timed side by side in the same rounds",
    )
    parser.add_argument("--only", help="comma-separated names of the commands to run (see the output)")
    parser.add_argument(
        "--against",
        help="the src folder of another checkout of dansokh (git worktree add ../before main): every command is"
        " timed with it too, in the same rounds, on a repository of its own, and the ratios printed",
    )
    parser.add_argument(
        "--results", action="store_true", help="generate a first-quarter result for every unit too, and time their validation"
    )
    args = parser.parse_args(argv)
    shapes = [shape.strip() for shape in args.shapes.split(",") if shape.strip()]
    if not shapes or any(shape not in ("pre", "post") for shape in shapes) or (args.plans and len(shapes) > 1):
        parser.error("--shapes: pre, post or both (and one shape with --plans)")

    sizes: list[int | None] = [int(n) for n in args.provinces.split(",")] if args.provinces else [None]
    if len(sizes) > 1 and (len(shapes) > 1 or args.plans):
        parser.error("several --provinces: one shape, no --plans")

    with tempfile.TemporaryDirectory(prefix="dansokh-bench-") as scratch:
        prepared = [Prepared(shape, Path(scratch), args, size, len(sizes) > 1) for shape in shapes for size in sizes]
        if args.against:  # each repository again, run with the other checkout's dansokh
            prepared = [twin for p in prepared for twin in (Prepared(*p.arguments, against=args.against), p)]
        runs: dict[tuple[str, str], list[tuple[float, float, float]]] = {
            (p.shape, name): [] for p in prepared for name in p.commands
        }
        cpu: dict[tuple[str, str], list[float]] = {key: [] for key in runs}
        for round_ in range(args.repeat):
            for name in dict.fromkeys(name for p in prepared for name in p.commands):
                for repository in prepared:  # the same command on each shape, one after the other
                    if name not in repository.commands:
                        continue
                    command, before = repository.commands[name]
                    repository.reset()
                    if before is not None:
                        before()
                    elapsed, largest_mb, tree_mb, status, cpu_seconds = measure(command, repository.root, repository.env)
                    if status not in (0, 1):
                        print(f"{name} [{repository.shape}] exited {status} on round {round_ + 1}", file=sys.stderr)
                        return 1
                    if status == 1 and round_ == 0:
                        print(f"note: {name} [{repository.shape}] found errors (exit 1)", file=sys.stderr)
                    runs[(repository.shape, name)].append((elapsed, largest_mb, tree_mb))
                    cpu[(repository.shape, name)].append(cpu_seconds)
                    repository.reset()

    medians: dict[tuple[str, str], float] = {}
    cpu_medians: dict[tuple[str, str], float] = {}  # CPU seconds of the process tree
    for repository in prepared:
        shape = repository.shape
        print(
            f"[{shape}] {len(repository.files)} files, {repository.size / 1e6:.1f} MB, {args.repeat} interleaved rounds; "
            f"one commune: {repository.relative}"
        )
        print(f"{'':34} {'median s':>9} {'min':>7} {'max':>7} {'files/s':>8} {'peak MiB':>8} {'tree MiB':>8} {'cpu s':>7}")
        peaks: dict[str, float] = {}
        largest: dict[str, float] = {}
        tree: dict[str, float] = {}
        for name in repository.commands:
            samples = runs[(shape, name)]
            seconds = [s for s, _, _ in samples]
            median = statistics.median(seconds)
            medians[(shape, name)] = median
            cpu_medians[(shape, name)] = statistics.median(cpu[(shape, name)])
            largest[name] = max(p for _, p, _ in samples)
            tree[name] = max(t for _, _, t in samples)
            peaks[name] = max(largest[name], tree[name])
            print(
                f"{name:34} {median:9.2f} {min(seconds):7.2f} {max(seconds):7.2f} {len(repository.files) / median:8.0f}"
                f" {largest[name]:8.0f} {tree[name]:8.0f} {cpu_medians[(shape, name)]:7.2f}"
            )

        def ratio(a: str, b: str, shape: str = shape) -> str:
            return f"{medians[(shape, a)] / medians[(shape, b)]:.2f}" if (shape, a) in medians and (shape, b) in medians else "n/a"

        print()
        print(f"validate cold / rapidyaml parse+walk: {ratio('validate cold', 'rapidyaml parse+walk')} (goal <= 1.5)")
        print(f"check-jsonschema / validate cold: {ratio('check-jsonschema', 'validate cold')} (goal >= 3)")
        print(f"validate cold serial / validate cold: {ratio('validate cold serial', 'validate cold')}")
        print(f"validate warm / validate cold: {ratio('validate warm', 'validate cold')}")
        for name in ("one commune cold", "one commune warm", "changed-since cold", "changed-since warm"):
            if (shape, name) in medians:
                print(f"{name}: {medians[(shape, name)]:.2f} s (goal <= 1 s)")
        for name in ("validate cold", "validate cold serial", "validate warm", "one commune cold"):
            if name in peaks:
                print(
                    f"peak memory, {name}: largest process {largest[name]:.0f} MiB = {largest[name] * 2**20 / repository.size:.1f}x,"
                    f" with its workers {tree[name]:.0f} MiB = {tree[name] * 2**20 / repository.size:.1f}x the repository's bytes (goal <= 10x)"
                )
        base = "validate cold plans+results"
        for name in repository.commands:
            if name.startswith("progress") and (shape, base) in medians:
                cpu_ratio = cpu_medians[(shape, name)] / cpu_medians[(shape, base)]
                print(f"{name} / {base}: {ratio(name, base)}, CPU {cpu_ratio:.2f} (goal <= 1.5)")
        validated = "validate cold plans+results" if args.results else "validate cold"
        if (shape, "site cold") in medians and (shape, validated) in medians:
            print(f"site cold / {validated}: wall {ratio('site cold', validated)},"
                  f" CPU {cpu_medians[(shape, 'site cold')] / cpu_medians[(shape, validated)]:.2f} (goal <= 2)")
        if (shape, "--help") in medians:
            print(f"dansokh --help: {medians[(shape, '--help')]:.3f} s (goal <= 0.15 s)")
        print()
    if len(sizes) > 1:
        _fitted(prepared, runs)
    if args.against:
        print(f"this checkout / {args.against}, measured in the same rounds:")
        for repository in prepared:
            if not repository.shape.endswith("-against"):  # each pair printed once, from the other checkout's side
                continue
            mine = repository.shape.removesuffix("-against")
            for name in repository.commands:
                if (mine, name) in medians and (repository.shape, name) in medians:
                    before_cpu = statistics.median(cpu[(repository.shape, name)])
                    after_cpu = statistics.median(cpu[(mine, name)])
                    print(f"  [{mine}] {name:34} {medians[(repository.shape, name)]:7.2f} -> {medians[(mine, name)]:7.2f} s"
                          f"   ratio {medians[(mine, name)] / medians[(repository.shape, name)]:5.2f};"
                          f" CPU {before_cpu:7.2f} -> {after_cpu:7.2f} s   ratio {after_cpu / before_cpu:5.2f}")
    elif len(prepared) == 2 and len(sizes) == 1:
        pre, post = prepared
        print(
            f"post / pre, measured in the same rounds ({len(post.files)} / {len(pre.files)} files = "
            f"{len(post.files) / len(pre.files):.2f}, bytes {post.size / pre.size:.2f}):"
        )
        for name in pre.commands:
            if ("post", name) in medians and ("pre", name) in medians:
                whole = medians[("post", name)] / medians[("pre", name)]
                per_file = (medians[("post", name)] / len(post.files)) / (medians[("pre", name)] / len(pre.files))
                print(f"  {name:24} time {whole:5.2f}   time per file {per_file:5.2f}")
    return 0


def _line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares: (intercept, slope) of y against x."""
    count = len(points)
    mean_x = sum(x for x, _ in points) / count
    mean_y = sum(y for _, y in points) / count
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return mean_y - slope * mean_x, slope


def _fitted(prepared: list[Prepared], runs: dict[tuple[str, str], list[tuple[float, float, float]]]) -> None:
    """Time and peak memory (the process tree's) against the files read (plans, and results where
    generated): a line per command, intercept + slope per 1,000 files, fitted to the medians."""
    sizes = ", ".join(f"{p.shape}: {p.all_files} files" for p in prepared)
    print(f"fitted against the files ({sizes}): seconds = a + b per 1,000 files; MiB = c + d per 1,000 files")
    print(f"{'':34} {'a s':>7} {'b s/1k':>8} {'c MiB':>7} {'d MiB/1k':>8}")
    for name in dict.fromkeys(name for p in prepared for name in p.commands):
        measured = [(p.all_files / 1000, runs[(p.shape, name)]) for p in prepared if (p.shape, name) in runs]
        if len(measured) < 2:
            continue
        seconds = _line([(x, statistics.median(s for s, _, _ in samples)) for x, samples in measured])
        memory = _line([(x, max(t for _, _, t in samples)) for x, samples in measured])
        print(f"{name:34} {seconds[0]:7.2f} {seconds[1]:8.3f} {memory[0]:7.0f} {memory[1]:8.1f}")
    print()


if __name__ == "__main__":
    sys.exit(main())
