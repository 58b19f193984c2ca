"""Apportionment: the parts add up exactly, whatever the weights."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT
from dansokh.cascade.apportion import ApportionError, Method, Share, apportion
from dansokh.model.numbers import all_given
from dansokh.model.parse import parse_plan
from dansokh.read.loader import load_file

settings.register_profile("dansokh", deadline=None)  # a shared, noisy machine: no per-example deadline
settings.load_profile("dansokh")

weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(any)
wholes = st.integers(min_value=0, max_value=500_000)


def shares_of(values: list[int], minimums: list[int] | None = None) -> list[Share]:
    minimums = minimums or [0] * len(values)
    return [Share(f"u{i}", w, minimum=m) for i, (w, m) in enumerate(zip(values, minimums))]


@given(weights, wholes, st.sampled_from(list(Method)))
def test_parts_sum_exactly_to_the_whole(values, whole, method):
    parts = apportion(whole, shares_of(values), method)
    assert sum(parts) == whole
    assert all(part >= 0 for part in parts)
    assert all(part == 0 for part, w in zip(parts, values) if w == 0)


@given(weights, wholes)
def test_largest_remainder_keeps_every_part_within_one_of_its_quota(values, whole):
    parts = apportion(whole, shares_of(values))
    total = sum(values)
    for part, w in zip(parts, values):
        quota = Fraction(whole * w, total)
        assert quota - 1 < part < quota + 1


@given(weights, st.integers(min_value=0, max_value=20_000), st.sampled_from([Method.DHONDT, Method.SAINTE_LAGUE]))
@settings(max_examples=60)
def test_divisor_methods_never_take_from_a_share_when_the_whole_grows(values, whole, method):
    shares = shares_of(values)
    smaller, larger = apportion(whole, shares, method), apportion(whole + 1, shares, method)
    assert all(b >= a for a, b in zip(smaller, larger))


def test_largest_remainder_shows_the_alabama_paradox():
    """Hamilton's method is not monotone in the whole (why the divisor methods are offered):
    a classic case where a share loses a seat as the whole grows from 10 to 11."""
    shares = shares_of([6, 6, 2])
    assert apportion(10, shares) == [4, 4, 2]
    assert apportion(11, shares) == [5, 5, 1]


@given(st.data(), st.sampled_from(list(Method)))
def test_minimums_and_fixed_parts_are_kept(data, method):
    values = data.draw(weights)
    minimums = data.draw(st.lists(st.integers(0, 50), min_size=len(values), max_size=len(values)))
    fixed_index = data.draw(st.integers(0, len(values) - 1))
    fixed = data.draw(st.integers(minimums[fixed_index], minimums[fixed_index] + 50))
    floor = sum(m for i, m in enumerate(minimums) if i != fixed_index) + fixed
    whole = data.draw(st.integers(floor, floor + 5_000))
    shares = shares_of(values, minimums)
    shares[fixed_index] = Share(shares[fixed_index].key, values[fixed_index], minimum=minimums[fixed_index], fixed=fixed)
    free_weight = sum(w for i, w in enumerate(values) if i != fixed_index)
    if free_weight == 0 and whole != floor:
        with pytest.raises(ApportionError):
            apportion(whole, shares, method)
        return
    parts = apportion(whole, shares, method)
    assert sum(parts) == whole
    assert parts[fixed_index] == fixed
    assert all(part >= m for part, m in zip(parts, minimums))


def test_ties_go_to_the_larger_weight_then_to_the_first_listed():
    assert apportion(1, shares_of([1, 1])) == [1, 0]
    assert apportion(3, shares_of([1, 2, 1, 2]), Method.LARGEST_REMAINDER) == [1, 1, 0, 1]  # remainders ½, 0, ½, 0: the first of the tied
    assert apportion(1, shares_of([1, 1]), Method.DHONDT) == [1, 0]


def test_the_citys_total_split_by_its_own_column_gives_the_column_back():
    """Hà Nội's 416.950 new users, split by the districts' "Tổng số" column of Phụ lục 2 (which sums
    to it), come back exactly as the column, under every method; 420.000 still adds up exactly."""
    city = parse_plan(load_file(ROOT / "plans" / "2025" / "city.yaml"))[0]
    assert city is not None
    (_, table), = [(i, t) for i, t in city.allocation_tables if t.column_index("new_users_total") is not None]
    column = table.column_index("new_users_total")
    assert column is not None
    figures = all_given([row.values[column] for _, row in table.unit_rows])
    assert figures is not None
    districts = [int(value) for value in figures]
    assert len(districts) == 30 and sum(districts) == 416_950
    for method in Method:
        assert apportion(416_950, shares_of(districts), method) == districts
        assert sum(apportion(420_000, shares_of(districts), method)) == 420_000


@pytest.mark.parametrize(
    ("whole", "shares", "message"),
    [
        (10, [Share("a", 1, minimum=6), Share("b", 1, minimum=5)], "minimums (11) add up to 11, more than the whole 10"),
        (10, [Share("a", 1, fixed=4), Share("b", 1, fixed=5)], "every part is fixed and they add up to 9, not the whole 10"),
        (10, [Share("a", 0), Share("b", 0)], "10 is left to split and no share has a weight to take it"),
        (10, [Share("a", -1)], "a: a weight must not be negative"),
        (-1, [Share("a", 1)], "the whole must not be negative"),
        (10, [Share("a", 1, minimum=3, fixed=2)], "a: fixed at 2, below its minimum 3"),
    ],
)
def test_impossible_constraints_are_clear_errors(whole, shares, message):
    with pytest.raises(ApportionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        apportion(whole, shares)
