"""Plans in git: plan files at a revision, files changed since one, the two sides of a diff.

``git`` runs the git command; ``sides`` loads a revision's or the work tree's plans as one side
of a comparison (``compare.diff`` compares them); ``changed`` keeps the diagnostics that touch a
change (``validate --changed-since``); ``staged`` lays the index out in a tree; ``ci`` finds the
base of ``--changed-since auto``.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load, check.
"""
