"""Time `dansokh validate` on a nationwide repository against a bare parse of the same files.

The bare parse loads every file with ruamel's C-backed safe loader and does nothing else: it is
the floor any YAML-based checker stands on.  Each runs as a separate process, interleaved, several
times; the medians and their ratios are printed (the machine is shared: only the ratios are stable).

Two repositories in one run: the plans alone (``2025/``), and the plans with a first-quarter
result for every unit (``2025/`` and ``results/``), each against the bare parse of its own files;
the last line sets the validation of plans and results against the plans' bare parse.

    python benchmarks/run.py [--plans DIR] [--repeat 3] [--provinces 63]

Without --plans the repository is generated (seed 2025, with results) into a temporary folder first;
a --plans folder is timed as it is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE_PARSE = """
import sys
from pathlib import Path
from ruamel.yaml import YAML
yaml = YAML(typ="safe")
assert "CParser" in yaml.Parser.__name__, yaml.Parser
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes())
"""


def measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory in MB, and exit status of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return seconds, peak_mb, process.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=Path, help="an existing plans folder (default: generate one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--provinces", type=int, default=63)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dansokh-bench-") as scratch:
        plans = args.plans
        trees = {"plans": plans}
        if plans is None:
            root = Path(scratch) / "plans"
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(root), "--provinces", str(args.provinces), "--results"],
                check=True,
            )
            trees = {"plans": root / "2025", "plans + results": root}
        sizes = {}
        commands = {}
        for label, tree in trees.items():
            files = sorted(tree.rglob("*.yaml"))
            sizes[label] = (len(files), sum(f.stat().st_size for f in files))
            commands[f"bare parse, {label}"] = [sys.executable, "-c", BARE_PARSE, str(tree)]
            commands[f"validate, {label}"] = [sys.executable, "-m", "dansokh", "validate", str(tree)]
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for round_ in range(args.repeat):
            for name, command in commands.items():
                seconds, peak, status = measure(command)
                if status != 0:
                    print(f"{name} exited {status} on round {round_ + 1}", file=sys.stderr)
                    return 1
                runs[name].append((seconds, peak))

    for label, (count, size) in sizes.items():
        print(f"{label}: {count} files, {size / 1e6:.1f} MB")
    print(f"median of {args.repeat} interleaved runs")
    print(f"{'':27} {'seconds':>8} {'files/s':>8} {'MB/s':>6} {'peak MB':>8}")
    medians = {}
    for name, samples in runs.items():
        count, size = sizes[name.split(", ", 1)[1]]
        seconds = statistics.median(s for s, _ in samples)
        peak = max(p for _, p in samples)
        medians[name] = seconds
        print(f"{name:27} {seconds:8.2f} {count / seconds:8.0f} {size / 1e6 / seconds:6.2f} {peak:8.0f}")
    for label in trees:
        ratio = medians[f"validate, {label}"] / medians[f"bare parse, {label}"]
        print(f"ratio validate / bare parse, {label}: {ratio:.2f}")
    if len(trees) > 1:
        ratio = medians["validate, plans + results"] / medians["bare parse, plans"]
        print(f"ratio validate of plans + results / bare parse of plans: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
