"""Results against targets: what units achieved (result files), measured against what they
were set.

``book`` indexes the results by unit, year and period beside the plans (``Book``) and finds a
unit's targets (``Goal``: its own plan's, or what its parent assigned) and the sums of its
children; ``progress`` measures each figure against its target (pace, verdicts, ranking), across
a reform through a crosswalk; ``summary`` sums many units up per indicator.  Pure computation.

May import: i18n, diagnostics, config, read, model, cascade, official, reform.
"""
