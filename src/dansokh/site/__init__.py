"""``dansokh site``: the plans repository as a static website (one folder that opens from disk).

Adding pages (for the results, indicator, crosswalk and diff pages): write a module here with
``build(site: Site) -> None`` that writes its pages through ``site.page(path, "<name>.html.j2",
title=…, crumbs=[(title, path), …], body={…}, **context)`` (templates in ``templates/site/``,
extending ``layout.html.j2``) and adds what search should find with ``site.add_search(name,
kind, path, detail)``; set ``PROVIDES = {"indicator"}`` (say) when other pages should link to
your kind of page.  Then register it with ONE line: append the module to ``BUILDERS`` in
``site/build.py`` (the import beside it).  What a builder reads: ``site.repo`` (the cascade's
Repository), ``site.findings`` (validate's check), ``site.book`` (the results, or ``None``),
``site.years`` (each year's units as a tree, ``tree.UnitNode``: ``.path`` is the unit's page),
``site.w`` (the words, ``words.py``), ``site.lang``.  Builders run in order; the search index,
the assets and the ``.dansokh-site`` marker are written after the last.

Modules: ``output`` (the folder built aside, swapped in, never over a folder that is not a
site), ``tree`` (units by year), ``pages`` (the Jinja environment, the layout, links, sizes),
``targets`` (a unit's targets beside its parent's assignment, from ``cascade.edge``),
``appendices`` and ``documents`` (as ``render`` renders them), ``home`` and ``unit`` (the pages),
``search`` and ``fold`` (the index and the folding the browser repeats), ``words`` (the labels); the results pages:
``results_pages`` (their builder, before the unit pages: the figures it computes once are the workers'),
``results_data`` (each unit's progress per period, computed once; how far behind), ``unit_results``
(the section of a unit's page), ``indicator_page``, ``period_page``, ``crosswalk_page``, ``diff_page``,
``charts`` (SVG laid out), ``figures`` (numbers and words), ``addresses`` (where the pages are).

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load, check, vcs, report, write, render.
"""

from .build import BUILDERS, Built, build_site
from .output import MARKER, SiteRefused

__all__ = ["BUILDERS", "MARKER", "Built", "SiteRefused", "build_site"]
