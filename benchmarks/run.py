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
- `dansokh --help`.

Peak memory is the largest resident set among the process and its workers (``ru_maxrss``), and the
sum over the process and its workers of their proportional set sizes, sampled every 20 ms (Linux:
pages a forked worker shares with its parent count once).

    python benchmarks/run.py [--plans DIR] [--repeat 3] [--provinces 63] [--only NAME,...]

Without --plans the repository is generated (seed 2025) into a temporary folder first.
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


def measure(command: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, peak resident MB of the largest process, peak MB of the process tree
    (sampled), and the exit status."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    return seconds, largest, peak_tree / 1024, process.returncode


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@dansokh.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _available(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=Path, help="an existing plans folder (default: generate one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--provinces", type=int, default=63)
    parser.add_argument("--only", help="comma-separated names of the commands to run (see the output)")
    parser.add_argument(
        "--results", action="store_true", help="generate a first-quarter result for every unit too, and time their validation"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dansokh-bench-") as scratch:
        root = Path(scratch) / "repo"
        plans = root / "plans"
        if args.plans is not None:
            shutil.copytree(args.plans, plans)
        else:
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(plans), "--provinces", str(args.provinces)]
                + (["--results"] if args.results else []),
                check=True,
            )
        files = sorted((plans / "2025").rglob("*.yaml")) if (plans / "2025").is_dir() else sorted(plans.rglob("*.yaml"))
        size = sum(f.stat().st_size for f in files)
        # one commune, changed in the same way each round (its third-child rate is not stated, so
        # a comment line keeps the plan valid): a commune of the first district of the first province
        commune = next(f for f in files if f.stem.count("-") == 2 and "-c" in f.stem)
        original = commune.read_bytes()
        schema = Path(scratch) / "plan.schema.json"
        subprocess.run([sys.executable, "-m", "dansokh", "schema", "-o", str(schema)], check=True, cwd=root)
        _git(root, "init", "-q")
        (root / ".gitignore").write_text(".dansokh_cache/\n", encoding="utf-8")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "plans")
        dansokh = [sys.executable, "-m", "dansokh"]
        relative = str(commune.relative_to(root))

        edits = iter(range(1_000_000))

        def changed() -> None:
            """One commune changed (a comment added, a new one each time: a new file to the cache)."""
            commune.write_bytes(original + f"# changed ({next(edits)})\n".encode())

        def warm_cache() -> None:
            commune.write_bytes(original)
            subprocess.run([*dansokh, "validate", "plans"], cwd=root, capture_output=True)

        def warm_then_changed() -> None:
            warm_cache()
            changed()

        year = plans / "2025" if (plans / "2025").is_dir() else plans  # the plans (results may sit beside them)
        commands: dict[str, tuple[list[str], object]] = {
            "rapidyaml parse+walk": ([sys.executable, "-c", RYML_WALK, str(year)], None),
        }
        for name, (module, setup) in PARSERS.items():
            if _available(module):
                commands[name] = ([sys.executable, "-c", PARSE_ALL.format(setup=setup), str(year)], None)
        if args.results:
            commands["validate cold, plans + results"] = ([*dansokh, "validate", "plans", "--no-cache"], None)
        if shutil.which("check-jsonschema"):
            commands["check-jsonschema"] = (
                ["check-jsonschema", "--schemafile", str(schema), *[str(f) for f in files]],
                None,
            )
        commands.update(
            {
                "validate cold": ([*dansokh, "validate", str(year.relative_to(root)), "--no-cache"], None),
                "validate cold serial": ([*dansokh, "validate", str(year.relative_to(root)), "--no-cache", "--jobs", "1"], None),
                "validate warm": ([*dansokh, "validate", str(year.relative_to(root))], warm_cache),
                "one commune cold": ([*dansokh, "validate", relative, "--no-cache"], changed),
                "one commune warm": ([*dansokh, "validate", relative], warm_then_changed),
                "changed-since cold": ([*dansokh, "validate", "plans", "--changed-since", "HEAD", "--no-cache"], changed),
                "changed-since warm": ([*dansokh, "validate", "plans", "--changed-since", "HEAD"], warm_then_changed),
                "--help": ([*dansokh, "--help"], None),
            }
        )
        if args.only:
            wanted = set(args.only.split(","))
            commands = {name: command for name, command in commands.items() if name in wanted}
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for round_ in range(args.repeat):
            for name, (command, before) in commands.items():
                commune.write_bytes(original)
                if before is not None:
                    before()  # type: ignore[operator]
                seconds, largest, tree, status = measure(command, root)
                if status not in (0, 1):
                    print(f"{name} exited {status} on round {round_ + 1}", file=sys.stderr)
                    return 1
                if status == 1 and round_ == 0:
                    print(f"note: {name} found errors (exit 1)", file=sys.stderr)
                runs[name].append((seconds, largest, tree))
            commune.write_bytes(original)

    print(f"{len(files)} files, {size / 1e6:.1f} MB, {args.repeat} interleaved rounds; "
          f"one commune: {relative}")
    print(f"{'':24} {'median s':>9} {'min':>7} {'max':>7} {'files/s':>8} {'peak MB':>8} {'tree MB':>8}")
    medians: dict[str, float] = {}
    peaks: dict[str, float] = {}
    largest: dict[str, float] = {}
    tree: dict[str, float] = {}
    for name, samples in runs.items():
        seconds = [s for s, _, _ in samples]
        median = statistics.median(seconds)
        medians[name] = median
        largest[name] = max(p for _, p, _ in samples)
        tree[name] = max(t for _, _, t in samples)
        peaks[name] = max(largest[name], tree[name])
        print(
            f"{name:24} {median:9.2f} {min(seconds):7.2f} {max(seconds):7.2f} {len(files) / median:8.0f}"
            f" {max(p for _, p, _ in samples):8.0f} {max(t for _, _, t in samples):8.0f}"
        )

    def ratio(a: str, b: str) -> str:
        return f"{medians[a] / medians[b]:.2f}" if a in medians and b in medians else "n/a"

    print()
    print(f"validate cold / rapidyaml parse+walk: {ratio('validate cold', 'rapidyaml parse+walk')} (goal <= 2)")
    print(f"check-jsonschema / validate cold: {ratio('check-jsonschema', 'validate cold')} (goal >= 3)")
    print(f"validate cold serial / validate cold: {ratio('validate cold serial', 'validate cold')}")
    print(f"validate warm / validate cold: {ratio('validate warm', 'validate cold')}")
    for name in ("one commune cold", "one commune warm", "changed-since cold", "changed-since warm"):
        if name in medians:
            print(f"{name}: {medians[name]:.2f} s (goal <= 1 s)")
    for name in ("validate cold", "validate cold serial", "validate warm", "one commune cold"):
        if name in peaks:
            print(
                f"peak memory, {name}: largest process {largest[name]:.0f} MB = {largest[name] * 1e6 / size:.1f}x,"
                f" with its workers {tree[name]:.0f} MB = {tree[name] * 1e6 / size:.1f}x the repository's bytes (goal <= 10x)"
            )
    if "--help" in medians:
        print(f"dansokh --help: {medians['--help']:.3f} s (goal <= 0.15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
