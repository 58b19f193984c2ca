"""Numbers written the Vietnamese way: 416.950 and 0,15."""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal | int | str | None) -> str | None:
    """A number as YAML and the machine formats write it, with the digits the plan wrote
    (``Decimal("0.00")`` -> ``0.00``, never ``0``); ``None`` stays ``None``."""
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def vn(value: Decimal | int | None, places: int | None = None) -> str:
    """``Decimal("416950")`` -> ``416.950``; ``Decimal("0.15")`` -> ``0,15``; the written digits are kept."""
    if value is None:
        return ""
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + fraction if fraction else "")
