"""The official units: the repository's units placed in the official list of administrative units
in force for their plans (``model.official`` reads the list), and the units a text names that
the list no longer has.

``placing`` finds each declared unit in the list (by code, or by name under its parent's
official unit), says why one does not place (the O rules report it), and names where the
territory of a unit abolished by the 2025 reform went.  Pure computation.

May import: i18n, diagnostics, config, read, model, cascade.
"""
