"""Reads of units' self-inspection: the standing list, the plan of the year, and the coverage —
sub-units inspected in the year ÷ the standing list — against the province's share."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from units.models import Block, Unit

from ..models import SelfInspection, SelfInspectionFinding, SelfInspectionTarget, SubUnit, monitored_units_on
from .plan import format_share, share

UNDECLARED = "chưa khai báo"


def reference_day(year: int, today: datetime.date) -> datetime.date:
    """The day whose standing list a year's coverage is counted against: today during the year,
    the year's last day once it is over (the first before it starts)."""
    return min(max(today, datetime.date(year, 1, 1)), datetime.date(year, 12, 31))


def min_share(year: int) -> Decimal:
    """The province's share for `year` (SelfInspectionTarget), 50 % unless staff set another."""
    found = SelfInspectionTarget.objects.filter(year=year).values_list("min_share", flat=True).first()
    return SelfInspectionTarget.DEFAULT_SHARE if found is None else found


@dataclass(frozen=True)
class Coverage:
    unit: Unit
    standing: int
    inspected: int
    target: Decimal

    @property
    def declared(self) -> bool:
        return self.standing > 0

    @property
    def rate(self) -> Decimal | None:
        """None when the unit has declared no sub-units: nothing inspected of nothing is not 100 %."""
        return share(self.inspected, self.standing)

    @property
    def rate_text(self) -> str:
        return format_share(self.rate, empty=UNDECLARED)

    @property
    def below_target(self) -> bool:
        return self.declared and self.rate < self.target

    @property
    def meets_target(self) -> bool:
        return self.declared and self.rate >= self.target


def coverage(*, units, year: int, today: datetime.date) -> list[Coverage]:
    """The coverage of each of `units` (a list, in the order to show) in `year`: two queries."""
    day = reference_day(year, today)
    target = min_share(year)
    ids = [u.pk for u in units]
    listed = SubUnit.objects.standing_on(day).filter(unit_id__in=ids)
    standing = dict(listed.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    inspected = dict(
        SelfInspection.objects.filter(unit_id__in=ids, year=year, status=SelfInspection.Status.DONE, subunit__in=listed.values("pk"))
        .order_by()
        .values("unit_id")
        .annotate(n=Count("subunit", distinct=True))
        .values_list("unit_id", "n")
    )
    return [Coverage(u, standing.get(u.pk, 0), inspected.get(u.pk, 0), target) for u in units]


def province_coverage(*, year: int, today: datetime.date, block: Block | None = None, state: str = "") -> list[Coverage]:
    """Every unit followed in the year (existing on its reference day), with its coverage; `state`
    keeps those "below" the share, "undeclared", or "met"."""
    units = monitored_units_on(reference_day(year, today)).select_related("block")
    if block is not None:
        units = units.filter(block=block)
    rows = coverage(units=list(units.order_by("block__order", "block__code", "code")), year=year, today=today)
    keep = {"below": lambda c: c.below_target, "undeclared": lambda c: not c.declared, "met": lambda c: c.meets_target}.get(state)
    return [row for row in rows if keep(row)] if keep else rows


def standing_list(*, unit: Unit, day: datetime.date) -> QuerySet[SubUnit]:
    return SubUnit.objects.standing_on(day).filter(unit=unit).order_by("kind", "name", "id")


def removed_subunits(*, unit: Unit, day: datetime.date) -> QuerySet[SubUnit]:
    return SubUnit.objects.filter(unit=unit, removed_on__lte=day).order_by("-removed_on", "name")


def year_plan(*, unit: Unit, year: int) -> QuerySet[SelfInspection]:
    """The unit's self-inspections of the year, with their sub-unit and findings: two queries."""
    return (
        SelfInspection.objects.filter(unit=unit, year=year)
        .select_related("subunit")
        .prefetch_related(Prefetch("findings", queryset=SelfInspectionFinding.objects.order_by("field", "kind", "id")))
        .order_by("planned_date", "subunit__name", "id")
    )


def self_inspection_detail(*, inspection: SelfInspection) -> SelfInspection:
    return year_plan(unit=inspection.unit, year=inspection.year).select_related("unit").get(pk=inspection.pk)
