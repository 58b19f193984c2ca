"""Writing back into plan files: position-exact edits and atomic writes.

``edits`` changes a plan file's text at the positions of its values, so that only the changed
lines differ; ``targets`` and ``split`` are the edits ``allocate --write`` makes; ``atomic``
replaces a file all at once; ``apply`` is the one way a command changes a plan file (check,
show the diff, check again, write); ``new`` creates a new plan's file (``plan_text`` lays it out);
``output`` writes what a command makes for the user, never over a plan read in the run.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load, check, vcs, report.
"""
