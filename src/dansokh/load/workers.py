"""Worker processes for loading many files, and the garbage collector kept out of the way.

Results come back in the order of the tasks whatever the scheduling, so the output of a command
never depends on how many processes read its files."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .. import i18n
from ..model.catalogue import Catalogue, active, use

PARALLEL_MIN = 200  # fewer files to read than this are read in this process


def default_jobs() -> int:
    count = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    return max(1, min(count, 8))


_INHERITED: list[tuple[Any, ...]] = []  # a forked worker's tasks, inherited instead of sent


def _start_worker(lang: str, catalogue: Catalogue) -> None:
    i18n.setup(lang)
    use(catalogue)  # a spawned worker starts with the shipped catalogue; a forked one has it


def _run_inherited(function: Callable[..., Any], index: int) -> Any:
    return function(*_INHERITED[index])


def _star(call: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    function, arguments = call
    return function(*arguments)


def parallel(
    function: Callable[..., Any], tasks: Sequence[tuple[Any, ...]] | Iterator[tuple[Any, ...]], jobs: int, count: int | None = None,
    least: int = PARALLEL_MIN,
) -> Iterator[Any]:
    """``function`` over ``tasks``, in worker processes when there are at least ``least`` of them;
    results in the order of the tasks, as they come (the caller works on them while the workers go
    on).  ``tasks`` may be an iterator of ``count`` tasks, made as the workers take them (their
    arguments are sent, not inherited: a file's bytes are read only when it is its turn)."""
    size = len(tasks) if count is None else count  # type: ignore[arg-type]
    if jobs <= 1 or size < max(2, least):
        for task in tasks:
            yield function(*task)
        return
    global _INHERITED
    chunk = max(1, min(64, size // (jobs * 8)))
    calls: Any
    if sys.platform.startswith("linux"):  # fork: the workers inherit the code (and a list of tasks)
        context = multiprocessing.get_context("fork")
        if count is None:
            _INHERITED = list(tasks)
            calls = ((_run_inherited, (function, i)) for i in range(len(_INHERITED)))
        else:
            calls = ((function, task) for task in tasks)
    else:
        context = multiprocessing.get_context("spawn")
        calls = ((function, task) for task in tasks)
    try:
        with context.Pool(jobs, _start_worker, (i18n.current(), active())) as pool:
            yield from pool.imap(_star, calls, chunk)
    finally:
        _INHERITED = []


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading builds millions of long-lived objects and no cycles: the cyclic garbage
    collector would spend a third of the run finding nothing.  Afterwards the objects are
    moved out of its sight (``gc.freeze``), or re-enabling it would examine them all at once;
    they are still freed as soon as nothing refers to them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
