"""Reads of a period's roster (RosterEntry): which units are assessed in a year, and in which
block. Every read of a period takes a unit's block from here (or from its assessment's framework,
which is the same block: a unit cannot change block once its assessment exists), never from the
unit's current block, so that moving or closing a unit today does not rewrite an earlier year.

A roster is filled from the units that exist on the last day of the year (`roster_day`): the
index scores the units that close the year and self-assess on it (the communes formed on
01/07/2025 are 2025's, the 209 communes closed on 30/06/2025 are not)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from units.models import Block, Unit

from ..models import Assessment, Framework, Period, RosterEntry


def roster_day(period: Period) -> datetime.date:
    """The day whose units `roster_fill` takes by default: 31 December of the period's year."""
    return datetime.date(period.year, 12, 31)


def year_start(period: Period) -> datetime.date:
    return datetime.date(period.year, 1, 1)


def roster_entries(period: Period) -> QuerySet[RosterEntry]:
    """The period's roster with each entry's unit and block, in block order then unit code."""
    return (
        RosterEntry.objects.filter(period=period)
        .select_related("unit", "unit__block", "block")
        .order_by("block__order", "block__code", "unit__code")
    )


def roster_block_ids(period: Period) -> set[int]:
    """The blocks the period's roster holds units of."""
    return set(RosterEntry.objects.filter(period=period).values_list("block_id", flat=True).distinct())


def roster_blocks(period: Period) -> list[Block]:
    """The blocks of the roster, in block order."""
    return list(Block.objects.filter(pk__in=RosterEntry.objects.filter(period=period).values("block_id")).order_by("order", "code"))


def roster_block_of(period: Period, unit_id: int | None) -> int | None:
    """The block the unit is assessed in that year (None: not on the roster)."""
    if unit_id is None:
        return None
    return RosterEntry.objects.filter(period=period, unit_id=unit_id).values_list("block_id", flat=True).first()


def roster_block_ids_by_unit(year: int, unit_ids) -> dict[int, int]:
    """{unit id: block id} of the given units on that year's roster; a unit not on it (or a year
    with no period) has no entry. One query."""
    rows = RosterEntry.objects.filter(period__year=year, unit_id__in=list(unit_ids)).values_list("unit_id", "block_id")
    return dict(rows)


def units_existing_in_year(year: int) -> QuerySet[Unit]:
    """Units that existed on some day of the year (formed before its end, not closed before its
    start): those a period of that year may assess."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))


def units_to_fill(day: datetime.date) -> QuerySet[Unit]:
    """The units `roster_fill` adds: those existing on `day`, less those deactivated without a
    closing date (how a unit was closed before units had dates: when is not known)."""
    return Unit.objects.existing_on(day).exclude(active=False, valid_to__isnull=True)


def roster_candidates(period: Period) -> QuerySet[Unit]:
    """Units that existed in the period's year and are not on its roster: the "add" choice."""
    return (
        units_existing_in_year(period.year)
        .exclude(pk__in=RosterEntry.objects.filter(period=period).values("unit_id"))
        .select_related("block")
        .order_by("block__order", "code")
    )


def roster_closed_before_year(period: Period) -> QuerySet[RosterEntry]:
    """Roster units closed before 1 January of the year (a reorganisation recorded after the
    roster was made): they did not exist in the year and cannot be assessed in it."""
    return roster_entries(period).filter(unit__valid_to__lt=year_start(period))


@dataclass
class RosterBlock:
    """One block of the roster page: its entries, whether it has a framework in the period."""

    block: Block
    entries: list[RosterEntry] = field(default_factory=list)
    has_framework: bool = False

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass
class RosterPage:
    period: Period
    blocks: list[RosterBlock]
    assessed_unit_ids: set[int]

    @property
    def count(self) -> int:
        return sum(block.count for block in self.blocks)


def roster_page(period: Period) -> RosterPage:
    """The roster per block with counts, each entry marked with whether it has its assessment:
    three queries whatever the number of units."""
    frameworks = set(Framework.objects.filter(period=period).values_list("block_id", flat=True))
    assessed = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    blocks: dict[int, RosterBlock] = {}
    for entry in roster_entries(period):
        group = blocks.setdefault(entry.block_id, RosterBlock(entry.block, has_framework=entry.block_id in frameworks))
        entry.assessed = entry.unit_id in assessed
        entry.closed_before = entry.unit.valid_to is not None and entry.unit.valid_to < year_start(period)
        group.entries.append(entry)
    return RosterPage(period, list(blocks.values()), assessed)


__all__ = [
    "RosterBlock", "RosterPage", "roster_block_ids", "roster_block_ids_by_unit", "roster_block_of", "roster_blocks",
    "roster_candidates", "roster_closed_before_year", "roster_day", "roster_entries", "roster_page", "units_existing_in_year",
    "units_to_fill", "year_start",
]
