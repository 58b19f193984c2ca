"""Loading: plan, result and crosswalk files -> the plans, results and crosswalks a command works on.

``loader`` finds the repository around the given paths, reads the files a command needs (every
file, or only those the check of a few needs, found through the repository's index), takes what
the cache has and has the rest checked file by file, in worker processes when there is enough of
it (``workers``); ``job`` says what it is handed to do with each file: the check's per-file work
comes in as a parameter (``FileJob``), so loading never depends on the rules.  Results are
merged in the repository's order, so what a command sees never depends on scheduling.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare.
"""

from .job import Check, Decoded, FileJob
from .loader import Changed, Loaded, Part, Parts, Survey, load, load_parts, load_repository
from .workers import default_jobs

__all__ = [
    "Changed", "Check", "Decoded", "FileJob", "Loaded", "Part", "Parts", "Survey", "default_jobs", "load", "load_parts", "load_repository",
]
