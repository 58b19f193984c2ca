"""Every word the site's pages show that is not data: marked for translation here, looked up in
the language of the run when a page is written (the templates read ``w.key``)."""

from __future__ import annotations

from ..i18n import N_, _

WORDS = {
    "site_title": N_("Population plans"),
    "skip": N_("Skip to the content"),
    "search": N_("Search units and indicators"),
    "search_hint": N_("Type a unit or an indicator, with or without diacritics."),
    "search_none": N_("Nothing found."),
    "breadcrumbs": N_("You are here"),
    "home": N_("Home"),
    "years": N_("Years"),
    "year": N_("Year {year}"),
    "units_tree": N_("Units of {year}"),
    "children": N_("Units below"),
    "tree_levels": N_("The tree shows the first {levels} levels of units; the units below each are listed on its page."),
    "units_below": N_("(units below: {count})"),
    "no_plan": N_("No plan of its own for {year}: what its parent assigned to it is shown."),
    "targets": N_("Targets"),
    "targets_caption": N_("Targets of {unit} for {year}, beside what {parent} assigned"),
    "targets_caption_alone": N_("Targets of {unit} for {year}"),
    "indicator": N_("Indicator"),
    "own": N_("Own target"),
    "assigned": N_("Assigned by the parent"),
    "verdict": N_("Met?"),
    "no_targets": N_("No targets."),
    "appendices": N_("Appendices"),
    "no_appendices": N_("No appendices."),
    "documents": N_("Download:"),
    "diagnostics": N_("Problems found"),
    "no_diagnostics": N_("No problems found in the unit's files."),
    "assigned_only": N_("assigned targets only"),
    "has_results": N_("results"),
    "generated": N_("Made by {version} from commit {commit}."),
    "generated_no_commit": N_("Made by {version}."),
    "plan_file": N_("File: {file}"),
    "indicators": N_("Indicators"),
    "results": N_("Results"),
    "summary": N_("{units} units, {plans} plans, {problems} problems found."),
}


def words() -> dict[str, str]:
    """The words in the language of the run (call after ``i18n.setup``)."""
    return {key: _(text) for key, text in WORDS.items()}
