"""The indicator catalogue: every target a plan may state, in one place.

An indicator has a key (used in the YAML), a Vietnamese name, a unit and a
direction.  The direction decides what "meets or exceeds" means in the cascade:

- ``floor``: the child's value must be at least the assigned one;
- ``ceiling``: at most the assigned one (the sex ratio at birth);
- ``reduction``: a reduction against the previous year, at least the assigned one;
- ``info``: informational, never compared (average population).

``quota`` indicators are counts that add up across children (persons, sessions);
the others are rates, whose total row is a weighted mean, not a sum.
``parts`` names the indicators that a total is the sum of (methods of a quota).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ..i18n import _


class Direction(str, Enum):
    FLOOR = "floor"
    CEILING = "ceiling"
    REDUCTION = "reduction"
    INFO = "info"


@dataclass(frozen=True)
class Unit:
    """A unit of measure; units of one dimension convert by ``factor`` into its base."""

    code: str
    name: str
    dimension: str
    factor: Decimal = Decimal(1)


UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit("%", "phần trăm", "ratio", Decimal(1)),
        Unit("‰", "phần nghìn", "ratio", Decimal("0.1")),
        Unit("người", "người", "persons"),
        Unit("buổi", "buổi", "sessions"),
        Unit("lượt", "lượt", "broadcasts"),
        Unit("trẻ trai/100 trẻ gái", "số trẻ trai trên 100 trẻ gái", "sex-ratio"),
    )
}


class UnitMismatch(ValueError):
    """Two values of different dimensions were about to be compared."""


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert between units of one dimension; never silently across dimensions."""
    if from_unit == to_unit:
        return value
    source, target = UNITS[from_unit], UNITS[to_unit]
    if source.dimension != target.dimension:
        raise UnitMismatch(_("cannot compare {source} with {target}").format(source=from_unit, target=to_unit))
    return value * source.factor / target.factor


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    direction: Direction
    quota: bool = False
    parts: tuple[str, ...] = ()
    denominator: str | None = None


METHODS = (
    "new_users_iud",
    "new_users_implant",
    "new_users_injectable",
    "new_users_pill",
    "new_users_condom",
    "new_users_sterilisation",
)

_F, _C, _R, _I = Direction.FLOOR, Direction.CEILING, Direction.REDUCTION, Direction.INFO

CATALOGUE: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("third_child_reduction", "Mức giảm tỷ lệ sinh con thứ 3 trở lên so với năm trước", "%", _R),
        Indicator("third_child_rate", "Tỷ lệ sinh con thứ 3 trở lên", "%", _C, denominator="births"),
        Indicator("prenatal_screening", "Tỷ lệ sàng lọc trước sinh (4 bệnh)", "%", _F, denominator="pregnant_women"),
        Indicator("newborn_screening", "Tỷ lệ sàng lọc sơ sinh (5 bệnh)", "%", _F, denominator="births"),
        Indicator(
            "prenatal_screening_counselling",
            "Tỷ lệ bà mẹ được truyền thông, tư vấn sàng lọc trước sinh",
            "%",
            _F,
            denominator="pregnant_women",
        ),
        Indicator(
            "newborn_screening_counselling",
            "Tỷ lệ trẻ em được quản lý, tư vấn sàng lọc sơ sinh",
            "%",
            _F,
            denominator="births",
        ),
        Indicator(
            "premarital_checkup",
            "Tỷ lệ cặp nam, nữ được tư vấn, khám sức khỏe trước khi kết hôn",
            "%",
            _F,
            denominator="marrying_people",
        ),
        Indicator("elderly_checkup", "Tỷ lệ người cao tuổi được khám sức khỏe định kỳ", "%", _F, denominator="elderly"),
        Indicator(
            "elderly_health_records",
            "Tỷ lệ người cao tuổi được lập hồ sơ quản lý sức khỏe",
            "%",
            _F,
            denominator="elderly",
        ),
        Indicator("sex_ratio_at_birth", "Tỷ số giới tính khi sinh", "trẻ trai/100 trẻ gái", _C),
        Indicator("cpr", "Tỷ lệ cặp vợ chồng trong độ tuổi sinh đẻ áp dụng biện pháp tránh thai", "%", _F),
        Indicator("cpr_modern", "Tỷ lệ cặp vợ chồng áp dụng biện pháp tránh thai hiện đại (CPR hiện đại)", "%", _F),
        Indicator("direct_communication_sessions", "Truyền thông trực tiếp", "buổi", _F, quota=True),
        Indicator("communication_sessions", "Truyền thông công tác dân số và phát triển", "buổi", _F, quota=True),
        Indicator(
            "conference_communication_sessions",
            "Truyền thông công tác dân số và phát triển tại Hội nghị tuyên vận",
            "buổi",
            _F,
            quota=True,
        ),
        Indicator("mass_media_broadcasts", "Truyền thông trên phương tiện thông tin đại chúng", "lượt", _F, quota=True),
        Indicator(
            "new_users_total",
            "Số người áp dụng biện pháp tránh thai mới",
            "người",
            _F,
            quota=True,
            parts=METHODS,
        ),
        Indicator("new_users_iud", "Dụng cụ tử cung (đặt vòng)", "người", _F, quota=True),
        Indicator("new_users_implant", "Thuốc cấy tránh thai", "người", _F, quota=True),
        Indicator("new_users_injectable", "Thuốc tiêm tránh thai", "người", _F, quota=True),
        Indicator("new_users_pill", "Thuốc uống tránh thai", "người", _F, quota=True),
        Indicator("new_users_condom", "Bao cao su", "người", _F, quota=True),
        Indicator("new_users_sterilisation", "Đình sản", "người", _F, quota=True),
        Indicator("average_population", "Dân số trung bình", "người", _I),
    )
}

DENOMINATORS: dict[str, str] = {
    "births": "số trẻ sinh ra",
    "pregnant_women": "số phụ nữ mang thai",
    "marrying_people": "số người, cặp đăng ký kết hôn",
    "elderly": "số người cao tuổi (từ 60 tuổi)",
}


def is_convertible(unit_a: str, unit_b: str) -> bool:
    return UNITS[unit_a].dimension == UNITS[unit_b].dimension
