"""Jinja templates for `dansokh render`, shipped inside the package as dansokh.templates."""
