"""The command line: thin, one module per command group.  Each command parses its options, calls
the stages below and maps the outcome to an exit status (0 no errors, 1 errors, 2 a usage error).

May import every stage: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load, check, vcs, report, write, render, site.
"""

# Each module registers its commands; the order of the imports is the order of the help.
from . import validate  # noqa: F401  isort: skip
from . import catalogue  # noqa: F401  isort: skip
from . import allocate  # noqa: F401  isort: skip
from . import new  # noqa: F401  isort: skip
from . import ci  # noqa: F401  isort: skip
from . import render  # noqa: F401  isort: skip
from . import results  # noqa: F401  isort: skip
from . import crosswalk  # noqa: F401  isort: skip
from . import site  # noqa: F401  isort: skip
from .app import app, lang_argument, main

__all__ = ["app", "main", "lang_argument"]
