"""Plans in git: plan files at a revision, files changed since one, and what changed between two.

``git`` runs the git command; ``diff`` compares the plans of two sides item by item;
``changed`` keeps the diagnostics that touch a change (``validate --changed-since``).

May import: i18n, diagnostics, config, read, model, cascade, load, check.
"""
