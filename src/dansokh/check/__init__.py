"""Checking: the rules, which diagnostics are reported, and one run of the whole check.

``rules`` is the registry and the rule families (one module each); ``run`` loads plan files,
runs every rule and returns the ``Findings``; ``suppress`` applies inline suppressions and
``selection`` the ``--select``/``--ignore``/``--severity`` choices; ``examples`` runs each
rule's passing and failing case.  Rules yield diagnostics and never print.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load.
"""
