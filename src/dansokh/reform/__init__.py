"""The reform: last year's units and figures carried into this year's units through a crosswalk.

``crosswalk`` joins a crosswalk to the repository (``Bridge``) and carries figures through it;
``expected`` judges a crosswalk against the official reform table; ``propose`` proposes a
crosswalk from the official list; ``carry`` makes next year's plan across a reform (its new
units and carried tables).  Pure computation: nothing here prints or writes.

May import: i18n, diagnostics, config, read, model, cascade, official.
"""
