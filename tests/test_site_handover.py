"""The site's appendices rendered by the check's workers (``check.files.check_file_keeping``,
``site.appendices.handed_over``): the same HTML as from the plan file read again, handed over
only by the site's job (validate's keeps nothing), and never from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from dansokh.check.run import JOB
from dansokh.load import load
from dansokh.read.loader import DEFAULT_MAX_BYTES
from dansokh.site.appendices import appendices, shown, whole
from dansokh.site.build import SITE_JOB

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def country(two_provinces: Path) -> Path:
    return two_provinces


def html(found: list) -> list[tuple[str, str]]:
    return [(appendix.key, str(appendix.html)) for appendix in found]


def test_the_workers_appendices_are_those_of_the_file_read_again(country: Path):
    loaded = load([country], SITE_JOB, every_file=True, use_cache=False, jobs=2)
    plans = loaded.plans
    assert len(plans) > 300 and set(loaded.kept) == {plan.file for plan in plans}
    assert all(appendix.get("kind") != "schedule" or not appendix.get("sections") for appendix in loaded.plans[0].plan.model_dump()["appendices"])
    for plan in plans[::7]:
        kept = loaded.kept[plan.file]
        assert html(shown(plan, kept, set(), False, DEFAULT_MAX_BYTES)) == html(appendices(plan, whole(plan, DEFAULT_MAX_BYTES), set(), grid=False))
        assert any("schedule" in text for _key, text in kept)
    # where the month grid is shown, the file is read again (the workers render without it)
    plan = plans[0]
    with_grid = html(shown(plan, loaded.kept[plan.file], set(), True, DEFAULT_MAX_BYTES))
    assert with_grid == html(appendices(plan, whole(plan, DEFAULT_MAX_BYTES), set(), grid=True)) != html(shown(plan, loaded.kept[plan.file], set(), False, DEFAULT_MAX_BYTES))


def test_validate_s_job_keeps_nothing_and_the_cache_hands_nothing_over(country: Path):
    assert load([country], JOB, every_file=True, use_cache=False, jobs=1).kept == {}
    first = load([country], SITE_JOB, every_file=True, use_cache=True, jobs=1)
    assert len(first.kept) == len(first.plans)
    again = load([country], SITE_JOB, every_file=True, use_cache=True, jobs=1)
    assert again.kept == {}  # the cache answered: the site reads each plan again for its page
    plan = again.plans[5]
    assert html(shown(plan, again.kept.get(plan.file), set(), False, DEFAULT_MAX_BYTES)) == html(
        shown(first.plans[5], first.kept[first.plans[5].file], set(), False, DEFAULT_MAX_BYTES)
    )
