"""The cascade: plans as a hierarchy of units, the edges between them, and exact apportionment.

``repository`` builds the hierarchy from the plans and records every assignment (one cell of a
parent's allocation table); ``lookup`` finds the plan a user means, by unit and year; ``edge``
compares what a parent assigned to a child with what the child states; ``apportion`` and
``split`` divide a quota among children so that the parts add up exactly; ``drafts`` makes new
plans (a child's first plan, next year's plan).  Pure computation: nothing here prints or writes.

May import: i18n, diagnostics, config, read, model.
"""
