"""A unit's history through the lineage: the results its predecessors had before the
reorganisation that formed it (the 2025 reform merged 209 communes into 69).

A unit a reorganisation forms is a new row with no results of its own for the earlier years, so
its dashboard and the province overview show, for each predecessor, that predecessor's own result
of each year — index, rank in its block, classification — marked as the predecessor's. Nothing is
merged, added up or averaged: the figures are the ones published for the unit that earned them.

Predecessors are followed backwards through every generation (a 2030 successor of a 2025
successor sees both), a partial link (a split, a transfer of part of a unit) marked "một phần".
A predecessor's years stop at the year of the day before the reorganisation: after it, a unit
that goes on (a transfer) has results of its own, not its successor's. Which years a user may read
is the results rule itself (`scope.results_visible`): a unit's contact and a leader read the
published years, Sở Nội vụ and the council every year, the unpublished ones marked provisional.

Each read runs a fixed number of queries whatever the number of units, predecessors, generations
and years."""

import datetime
from dataclasses import dataclass, field

from units.models import LineageLink, Unit

from ..models import Period, Phase
from ..scope import may_read_unit_results, results_visible
from .results import PastResult, past_results, results_published, with_publication

# What a predecessor was to its successor, by the kind of the link out of it.
ROLE_WORDS = {
    LineageLink.Kind.MERGE: "đơn vị trước sáp nhập",
    LineageLink.Kind.SPLIT: "đơn vị trước chia tách",
    LineageLink.Kind.RENAME: "đơn vị trước đổi tên",
    LineageLink.Kind.TRANSFER: "đơn vị điều chuyển một phần",
}


@dataclass(frozen=True)
class _Step:
    """How the walk reached a predecessor: the link out of it, towards the unit."""

    predecessor_id: int
    successor_id: int  # the unit it went into: the unit itself, or a nearer predecessor
    kind: str
    partial: bool  # this link or a later one on the way took only part of a unit
    effective_date: datetime.date
    legal_basis: str
    generation: int  # 1: a predecessor of the unit itself; 2: of one of those; ...


@dataclass
class PastYear:
    """A predecessor's result of one year, with whether it is published yet."""

    result: PastResult
    provisional: bool


@dataclass
class Predecessor:
    """One predecessor of a unit, and its own results of the years before it went into it."""

    unit: Unit
    into: Unit  # the unit it went into (the unit itself for the nearest generation)
    kind: str
    partial: bool
    effective_date: datetime.date
    legal_basis: str
    generation: int
    years: list[PastYear] = field(default_factory=list)  # newest first

    @property
    def role_words(self) -> str:
        return ROLE_WORDS.get(self.kind, "đơn vị trước sắp xếp")

    @property
    def heading(self) -> str:
        """'Kết quả của UBND xã Thạch Văn (đơn vị trước sáp nhập)'."""
        return f"Kết quả của {self.unit.name} ({self.role_words})"

    @property
    def move_words(self) -> str:
        """'Sáp nhập vào Xã Đông Kinh từ ngày 01/07/2025'."""
        into = self.into.name
        words = {
            LineageLink.Kind.MERGE: f"Sáp nhập vào {into}",
            LineageLink.Kind.SPLIT: f"Chia tách, một phần vào {into}",
            LineageLink.Kind.RENAME: f"Đổi tên thành {into}",
            LineageLink.Kind.TRANSFER: f"Điều chuyển một phần sang {into}",
        }.get(self.kind, f"Sắp xếp vào {into}")
        return f"{words} từ ngày {self.effective_date:%d/%m/%Y}"

    @property
    def last_year(self) -> int:
        """The last year whose results are this predecessor's to show: the year of the day before
        the reorganisation took effect."""
        return (self.effective_date - datetime.timedelta(days=1)).year


def _steps_back(unit_ids: list[int]) -> dict[int, list[_Step]]:
    """For each unit, every predecessor reached through the links, nearest generation first.

    One query reads every link with a successor (a province's reorganisations are a few hundred
    links), and the walk goes through any number of generations in memory. A predecessor reached
    twice keeps the nearer way, and of two as near the whole (not partial) one."""
    into: dict[int, list[tuple]] = {}
    links = LineageLink.objects.filter(successor__isnull=False).values_list(
        "predecessor_id", "successor_id", "kind", "event__effective_date", "event__legal_basis"
    )
    for predecessor_id, successor_id, kind, day, basis in links.order_by("event__effective_date", "id"):
        into.setdefault(successor_id, []).append((predecessor_id, kind, day, basis))
    found: dict[int, list[_Step]] = {}
    for unit_id in unit_ids:
        steps: dict[int, _Step] = {}
        frontier = [unit_id]
        generation = 0
        while frontier:
            generation += 1
            ahead = []
            for successor_id in frontier:
                partial_after = successor_id != unit_id and steps[successor_id].partial
                for predecessor_id, kind, day, basis in into.get(successor_id, ()):
                    if predecessor_id == unit_id:
                        continue  # a unit is never its own predecessor, even through a loop of links
                    partial = partial_after or kind in LineageLink.PARTIAL
                    known = steps.get(predecessor_id)
                    if known is not None and not (known.generation == generation and known.partial and not partial):
                        continue
                    steps[predecessor_id] = _Step(predecessor_id, successor_id, kind, partial, day, basis, generation)
                    if known is None:
                        ahead.append(predecessor_id)
            frontier = ahead
        if steps:
            found[unit_id] = list(steps.values())
    return found


def _visible_periods(user, up_to_year: int | None) -> list[Period]:
    """The years whose results the user may read (the results rule), one query."""
    periods = Period.objects.exclude(phase=Phase.DRAFT)
    if up_to_year is not None:
        periods = periods.filter(year__lte=up_to_year)
    return [period for period in with_publication(periods) if results_visible(user, period)]


def predecessors_by_unit(user, units, *, up_to_year: int | None = None) -> dict[int, list[Predecessor]]:
    """The predecessors of each of the given units, by unit id (units without any left out),
    each with its results of the years the user may read: nearest generation first, then the
    latest reorganisation, then the predecessor's code; years newest first. `up_to_year` leaves
    out later years (the overview of a year)."""
    # A predecessor's results are part of its successor's: who may not read the successor's
    # (another unit's contact, an inspector) reads none of its predecessors' either.
    units = {unit.pk: unit for unit in units if may_read_unit_results(user, unit.pk)}
    if not units:
        return {}
    steps = _steps_back(list(units))
    if not steps:
        return {}
    wanted = {step.predecessor_id for found in steps.values() for step in found}
    named = Unit.objects.in_bulk(list(wanted - set(units)))
    named.update(units)
    periods = _visible_periods(user, up_to_year)
    published = {period.pk: results_published(period) for period in periods}
    results: dict[int, list[PastResult]] = {}
    for result in past_results(wanted, periods):
        results.setdefault(result.unit_id, []).append(result)
    history: dict[int, list[Predecessor]] = {}
    for unit_id, found in steps.items():
        lines = []
        for step in found:
            line = Predecessor(
                unit=named[step.predecessor_id], into=named[step.successor_id], kind=step.kind, partial=step.partial,
                effective_date=step.effective_date, legal_basis=step.legal_basis, generation=step.generation,
            )
            line.years = [
                PastYear(result, not published[result.period.pk])
                for result in reversed(results.get(step.predecessor_id, []))
                if result.year <= line.last_year
            ]
            lines.append(line)
        lines.sort(key=lambda line: (line.generation, -line.effective_date.toordinal(), line.unit.code))
        history[unit_id] = lines
    return history


def predecessors_of(user, unit: Unit | None, *, up_to_year: int | None = None) -> list[Predecessor]:
    """`predecessors_by_unit` for one unit (the unit's dashboard, its page in the directory)."""
    if unit is None:
        return []
    return predecessors_by_unit(user, [unit], up_to_year=up_to_year).get(unit.pk, [])


@dataclass
class SuccessorHistory:
    """A unit of a year's ranking formed by a reorganisation, with its predecessors' results."""

    unit: Unit
    block_name: str
    predecessors: list[Predecessor]


def successors_in_ranking(user, rows, period: Period) -> list[SuccessorHistory]:
    """The units of the year's ranking rows that have predecessors, in the rows' order, each with
    its predecessors' results up to that year: the province overview."""
    history = predecessors_by_unit(user, [row.unit for row in rows], up_to_year=period.year)
    return [SuccessorHistory(row.unit, row.block.name, history[row.unit.pk]) for row in rows if row.unit.pk in history]


__all__ = ["PastYear", "Predecessor", "SuccessorHistory", "predecessors_by_unit", "predecessors_of", "successors_in_ranking"]
