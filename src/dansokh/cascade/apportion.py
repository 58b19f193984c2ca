"""Apportionment: splitting a whole number among weighted shares so the parts sum exactly.

Largest remainder (Hamilton) keeps every part within one of its exact quota; the divisor
methods (D'Hondt, Sainte-Laguë) never take from a share when the whole grows.  All arithmetic
is exact (fractions); ties go to the larger weight, then to the share listed first.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from ..i18n import _


class Method(str, Enum):
    LARGEST_REMAINDER = "largest-remainder"
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"


class ApportionError(ValueError):
    """The constraints cannot be met; the message says which."""


@dataclass(frozen=True)
class Share:
    key: str
    weight: Decimal | int | Fraction
    minimum: int = 0
    fixed: int | None = None


def apportion(whole: int, shares: list[Share], method: Method = Method.LARGEST_REMAINDER) -> list[int]:
    """The parts of ``whole``, one per share, in the shares' order; they sum to ``whole``."""
    _check(whole, shares)
    parts = [share.fixed if share.fixed is not None else share.minimum for share in shares]
    free = [i for i, share in enumerate(shares) if share.fixed is None]
    left = whole - sum(parts)
    if left == 0:
        return parts
    weights = {i: Fraction(shares[i].weight) for i in free}
    if not free or sum(weights.values()) == 0:
        raise ApportionError(_("{left} is left to split and no share has a weight to take it").format(left=left))
    if method is Method.LARGEST_REMAINDER:
        return _largest_remainder(whole - sum(p for i, p in enumerate(parts) if i not in weights), shares, weights, parts)
    return _highest_averages(left, weights, parts, method)


def _check(whole: int, shares: list[Share]) -> None:
    if whole < 0:
        raise ApportionError(_("the whole must not be negative (got {whole})").format(whole=whole))
    seen: set[str] = set()
    for share in shares:
        if share.key in seen:
            raise ApportionError(_("{share} is listed twice").format(share=share.key))
        seen.add(share.key)
        if share.weight < 0:
            raise ApportionError(_("{share}: a weight must not be negative (got {weight})").format(share=share.key, weight=share.weight))
        if share.minimum < 0 or (share.fixed is not None and share.fixed < 0):
            raise ApportionError(_("{share}: minimums and fixed parts must not be negative").format(share=share.key))
        if share.fixed is not None and share.fixed < share.minimum:
            raise ApportionError(_("{share}: fixed at {fixed}, below its minimum {minimum}").format(share=share.key, fixed=share.fixed, minimum=share.minimum))
    fixed = sum(s.fixed for s in shares if s.fixed is not None)
    floor = fixed + sum(s.minimum for s in shares if s.fixed is None)
    if floor > whole:
        raise ApportionError(
            f"fixed parts ({fixed}) and minimums ({floor - fixed}) add up to {floor}, more than the whole {whole}"
        )
    if all(s.fixed is not None for s in shares) and fixed != whole:
        raise ApportionError(_("every part is fixed and they add up to {fixed}, not the whole {whole}").format(fixed=fixed, whole=whole))


def _largest_remainder(free_whole: int, shares: list[Share], weights: dict[int, Fraction], parts: list[int]) -> list[int]:
    """Exact quotas, raised to minimums where they fall short; floors, then the remainders in order."""
    pinned: set[int] = set()
    while True:
        rest = free_whole - sum(shares[i].minimum for i in pinned)
        open_ = [i for i in weights if i not in pinned]
        total = sum(weights[i] for i in open_)
        quotas = {i: rest * weights[i] / total if total else Fraction(0) for i in open_}
        short = {i for i in open_ if quotas[i] < shares[i].minimum}
        if not short:
            break
        pinned |= short
    if total == 0 and rest > 0:
        raise ApportionError(_("{rest} is left to split and only shares of weight 0 remain").format(rest=rest))
    for i in open_:
        parts[i] = int(quotas[i])  # floor: quotas are non-negative
    left = rest - sum(parts[i] for i in open_)
    order = sorted(open_, key=lambda i: (-(quotas[i] - parts[i]), -weights[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def _divisor(method: Method, seats: int) -> Fraction:
    return Fraction(seats + 1) if method is Method.DHONDT else Fraction(2 * seats + 1, 2)


def _seats_above(weight: Fraction, threshold: Fraction, method: Method) -> int:
    """How many of a share's averages weight/d(0), weight/d(1), ... lie strictly above threshold."""
    if weight == 0:
        return 0
    # d(k) < ratio  <=>  k < bound (D'Hondt: k + 1 < ratio; Sainte-Laguë: k + 1/2 < ratio)
    bound = weight / threshold - _divisor(method, 0)
    return math.ceil(bound) if bound > 0 else 0


def _highest_averages(left: int, weights: dict[int, Fraction], parts: list[int], method: Method) -> list[int]:
    """Seat by seat to the highest average weight/d(seats).  Every average strictly above a
    threshold is handed out in bulk first (they come first whatever the tie-breaking),
    so a large whole costs no more than a small one."""
    start = {i: parts[i] for i in weights}
    # Below this threshold at most left - n/2 averages lie above it, so the bulk never overshoots.
    threshold = sum(weights.values(), Fraction(0)) / max(left - len(weights), 1)
    while True:
        bulk = {i: max(start[i], _seats_above(w, threshold, method)) for i, w in weights.items()}
        if sum(bulk.values()) - sum(start.values()) <= left:
            break
        threshold *= 2
    for i, seats in bulk.items():
        parts[i] = seats
    left -= sum(bulk.values()) - sum(start.values())
    heap = [(-(w / _divisor(method, parts[i])), -w, i) for i, w in weights.items() if w > 0]
    heapq.heapify(heap)
    for _seat in range(left):  # not `_`: that is gettext's
        _quotient, negative_weight, i = heapq.heappop(heap)
        parts[i] += 1
        heapq.heappush(heap, (-(-negative_weight / _divisor(method, parts[i])), negative_weight, i))
    return parts
