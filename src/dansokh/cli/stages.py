"""The stages whose modules load pydantic's models, the YAML parsers, openpyxl or the renderers,
each imported when a command first uses it (``stages.lookup.find(…)``): ``dansokh --help`` and the
start of every command stay quick (``tests/test_context.py``: --help imports none of them).  Every
other module of the command line imports what it needs at its top."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type checker, each name is its module

    from ..cascade import drafts, edge, lookup, split
    from ..check import examples, rules as rule_registry, run as check_run, selection
    from ..compare import diff as compare_diff
    from ..model import catalogue as model_catalogue, catalogue_file, parse, plan, schema
    from ..official import placing as official
    from ..read import crosswalk_form as read_crosswalk_form, form as read_form, loader, plan_form as read_plan_form
    from ..reform import carry, crosswalk as reform_crosswalk, propose
    from ..render import (
        crosswalk_form as render_crosswalk_form,
        form as render_form,
        form_examples,
        formats,
        pdf,
        plan_form as render_plan_form,
        report as render_report,
        report_view,
        templates,
        view,
    )
    from ..report import (
        allocation,
        catalogue as report_catalogue,
        crosswalk as report_crosswalk,
        diff as report_diff,
        progress as report_progress,
        progress_summary,
        rules as report_rules,
    )
    from ..results import book as results_book, progress, summary
    from ..site import build as site_build, output as site_output, pages as site_pages
    from ..vcs import changed, sides as vcs_sides
    from ..write import (
        apply,
        crosswalk as write_crosswalk,
        crosswalk_import,
        form_import,
        new as write_new,
        plan_form as write_plan_form,
        results as write_results,
        split as write_split,
        targets,
    )

__all__ = ["allocation", "apply", "carry", "catalogue_file", "changed", "check_run", "compare_diff", "crosswalk_import", "drafts", "edge", "examples", "form_examples", "form_import", "formats", "loader", "lookup", "model_catalogue", "official", "parse", "pdf", "plan", "progress", "progress_summary", "propose", "read_crosswalk_form", "read_form", "read_plan_form", "reform_crosswalk", "render_crosswalk_form", "render_form", "render_plan_form", "render_report", "report_catalogue", "report_crosswalk", "report_diff", "report_progress", "report_rules", "report_view", "results_book", "rule_registry", "schema", "selection", "site_build", "site_output", "site_pages", "split", "summary", "targets", "templates", "vcs_sides", "view", "write_crosswalk", "write_new", "write_plan_form", "write_results", "write_split"]

MODULES = {
    # the check and its rules: pydantic's models, the YAML parsers
    "check_run": "dansokh.check.run",
    "selection": "dansokh.check.selection",
    "rule_registry": "dansokh.check.rules",
    "examples": "dansokh.check.examples",
    # the cascade over typed plans (pydantic's models)
    "carry": "dansokh.reform.carry",
    "reform_crosswalk": "dansokh.reform.crosswalk",
    "drafts": "dansokh.cascade.drafts",
    "edge": "dansokh.cascade.edge",
    "lookup": "dansokh.cascade.lookup",
    "official": "dansokh.official.placing",
    "progress": "dansokh.results.progress",
    "propose": "dansokh.reform.propose",
    "results_book": "dansokh.results.book",
    "split": "dansokh.cascade.split",
    "summary": "dansokh.results.summary",
    # the typed models, the catalogue and the YAML parsers
    "model_catalogue": "dansokh.model.catalogue",
    "catalogue_file": "dansokh.model.catalogue_file",
    "parse": "dansokh.model.parse",
    "plan": "dansokh.model.plan",
    "schema": "dansokh.model.schema",
    "loader": "dansokh.read.loader",
    # Excel forms (openpyxl)
    "read_form": "dansokh.read.form",
    "read_plan_form": "dansokh.read.plan_form",
    "read_crosswalk_form": "dansokh.read.crosswalk_form",
    "render_form": "dansokh.render.form",
    "render_plan_form": "dansokh.render.plan_form",
    "render_crosswalk_form": "dansokh.render.crosswalk_form",
    "form_examples": "dansokh.render.form_examples",
    "form_import": "dansokh.write.form_import",
    "crosswalk_import": "dansokh.write.crosswalk_import",
    "write_plan_form": "dansokh.write.plan_form",
    # the renderers (jinja2, python-docx, Chromium) and the views they print
    "formats": "dansokh.render.formats",
    "templates": "dansokh.render.templates",
    "render_report": "dansokh.render.report",
    "report_view": "dansokh.render.report_view",
    "view": "dansokh.render.view",
    "pdf": "dansokh.render.pdf",
    # the reports over typed plans
    "allocation": "dansokh.report.allocation",
    "report_catalogue": "dansokh.report.catalogue",
    "report_crosswalk": "dansokh.report.crosswalk",
    "report_diff": "dansokh.report.diff",
    "report_progress": "dansokh.report.progress",
    "progress_summary": "dansokh.report.progress_summary",
    "report_rules": "dansokh.report.rules",
    # git revisions read as plans, and plans compared
    "changed": "dansokh.vcs.changed",
    "vcs_sides": "dansokh.vcs.sides",
    "compare_diff": "dansokh.compare.diff",
    # the website (the renderers, over the whole repository)
    "site_build": "dansokh.site.build",
    "site_output": "dansokh.site.output",
    "site_pages": "dansokh.site.pages",
    # writing plans and results back (typed plans, ruamel)
    "apply": "dansokh.write.apply",
    "write_crosswalk": "dansokh.write.crosswalk",
    "write_new": "dansokh.write.new",
    "write_results": "dansokh.write.results",
    "write_split": "dansokh.write.split",
    "targets": "dansokh.write.targets",
}
"""Each name of this module, the module it stands for."""


if not TYPE_CHECKING:  # for the type checker, the names are the modules imported above

    def __getattr__(name: str) -> ModuleType:
        """The module ``name`` stands for, imported now and kept as this module's attribute."""
        try:
            path = MODULES[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        module = importlib.import_module(path)
        globals()[name] = module
        return module
