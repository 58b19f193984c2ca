"""Plans compared: what changed between two sets of plans, item by item, in the plans' own terms.

``diff`` matches plans, headline targets, allocation tables and schedules of two sides (two
revisions, this year's plan against last year's, or across a reform through a crosswalk) and
lists the changes.  Where the sides come from is not its business: ``vcs`` loads them from git.
Pure computation.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results.
"""
