"""Reads of a period's results: the index of every assessment, the ranking within each block,
the classification and head-of-unit rating, and whether the results are published.

Everything is computed from `assessment_totals_for_period` (one aggregate query), so the pages
run the same few queries for 20 units as for 2,000."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from units.models import Block, Unit, UnitHead

from ..models import CENT, Approval, Assessment, Criterion, HeadRating, Period, Phase, Score, format_score
from .assessment import Totals, assessment_totals_for_period

HEAD_RATING_BY_LABEL = {label: value for value, label in HeadRating.choices}


@dataclass(frozen=True)
class RankingRow:
    """One unit's line of the results. `field_scores` holds the points of each field (level-1
    code); a field of deductions (điểm trừ) has its own code and a negative value, so that the
    fields add up to the score before the floor at zero."""

    block: Block
    rank: int
    unit: Unit
    assessment_id: int
    score: Decimal
    max_score: Decimal
    index: Decimal
    classification: str
    head_name: str
    head_title: str
    head_rating: str
    head_rating_overridden: bool
    field_scores: dict[str, Decimal]
    field_max: dict[str, Decimal]
    provisional: bool
    head_rating_reason: str = ""

    @property
    def head_rating_code(self) -> str:
        return HEAD_RATING_BY_LABEL.get(self.head_rating, "")

    def as_plain(self) -> dict:
        """The row as JSON-safe data (numbers as '88.35' strings), as the approval keeps it."""
        return {
            "block": self.block.code,
            "block_name": self.block.name,
            "rank": self.rank,
            "unit_code": self.unit.code,
            "unit_name": self.unit.name,
            "score": f"{self.score:.2f}",
            "max_score": f"{self.max_score:.2f}",
            "index": f"{self.index:.2f}",
            "classification": self.classification,
            "head_name": self.head_name,
            "head_title": self.head_title,
            "head_rating": self.head_rating,
            "head_rating_overridden": self.head_rating_overridden,
        }


def _heads_by_unit(period: Period, unit_ids) -> dict[int, UnitHead]:
    """The head rated for the year of each unit, in one query: the one serving at the year's end,
    else the last one who served in it (as `units.selectors.unit_head_in_year` picks one)."""
    heads = (
        UnitHead.objects.serving_in_year(period.year)
        .filter(unit_id__in=list(unit_ids))
        .order_by("unit_id", F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "-id")
    )
    chosen: dict[int, UnitHead] = {}
    for head in heads:
        chosen.setdefault(head.unit_id, head)
    return chosen


def scores_hash(period: Period) -> str:
    """sha256 of every score row's effective value and not-applicable flag, in one query. Sorted
    in Python so that the hash does not depend on the database's collation."""
    rows = Score.objects.filter(assessment__period=period).values_list(
        "assessment__unit__code", "criterion__code", "final_score", "appraised_score", "self_score", "not_applicable"
    )
    lines = []
    for unit_code, code, final, appraised, own, na in rows.order_by():
        value = next((v for v in (final, appraised, own) if v is not None), None)
        lines.append(f"{unit_code}|{code}|{format_score(value)}|{'NA' if na else ''}")
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def approval_for_period(period: Period) -> Approval | None:
    """The active (not voided) approval of the period, if the council has given one."""
    return Approval.objects.filter(period=period, voided_at__isnull=True).select_related("period", "created_by").first()


def results_published(period: Period) -> bool:
    """Units and leaders see results only once the period is approved with an active approval.

    No re-hash of the scores here: every score write (services and imports) voids an approval
    whose hash no longer matches, so an active approval is a matching one, and this check runs on
    every dashboard and document panel."""
    if period.phase != Phase.APPROVED:
        return False
    return approval_for_period(period) is not None


def _rank(rows: list[dict]) -> None:
    """Competition ranking (1, 2, 2, 4) on the index at two decimals; a tie is listed by unit code."""
    rows.sort(key=lambda r: (-r["index"], r["unit"].code))
    previous = None
    for position, row in enumerate(rows, start=1):
        if previous is None or row["index"] != previous["index"]:
            row["rank"] = position
        else:
            row["rank"] = previous["rank"]
        previous = row


def ranking_for_period(period: Period, *, block: Block | None = None, provisional: bool | None = None) -> list[RankingRow]:
    """Every assessed unit of the period (or of one block) with its score, index, rank in its
    block, classification and head rating; rows by block order, block code, rank, unit code.

    Before the results are published the rows are marked provisional: the figures come from the
    latest stage each score has reached (final, else appraised, else self). Pass `provisional`
    when the caller already knows, to save the publication check."""
    totals = assessment_totals_for_period(period)
    assessments = Assessment.objects.filter(period=period).select_related("unit", "unit__block", "head_rating_override")
    if block is not None:
        assessments = assessments.filter(unit__block=block)
    assessments = list(assessments.order_by())
    heads = _heads_by_unit(period, {a.unit_id for a in assessments})
    if provisional is None:
        provisional = not results_published(period)
    by_block: dict[int, list[dict]] = {}
    for assessment in assessments:
        total = totals.get(assessment.pk) or Totals(assessment.pk)
        by_block.setdefault(assessment.unit.block_id, []).append(
            {"assessment": assessment, "unit": assessment.unit, "total": total, "index": total.index}
        )
    rows: list[RankingRow] = []
    blocks = sorted({a.unit.block_id: a.unit.block for a in assessments}.values(), key=lambda b: (b.order, b.code))
    for each in blocks:
        lines = by_block[each.pk]
        _rank(lines)
        for line in lines:
            assessment, total = line["assessment"], line["total"]
            head = heads.get(assessment.unit_id)
            override = getattr(assessment, "head_rating_override", None)
            rows.append(
                RankingRow(
                    block=each,
                    rank=line["rank"],
                    unit=assessment.unit,
                    assessment_id=assessment.pk,
                    score=total.score.quantize(CENT),
                    max_score=total.maximum.quantize(CENT),
                    index=line["index"],
                    classification=period.classify(line["index"]),
                    head_name=head.full_name if head else "",
                    head_title=head.title if head else "",
                    head_rating=override.get_rating_display() if override else period.head_rating(line["index"]),
                    head_rating_overridden=override is not None,
                    field_scores={code: (part.earned - part.deducted).quantize(CENT) for code, part in sorted(total.fields.items(), key=_code_key)},
                    field_max={code: part.maximum.quantize(CENT) for code, part in sorted(total.fields.items(), key=_code_key)},
                    provisional=provisional,
                    head_rating_reason=override.reason if override else "",
                )
            )
    return rows


def _code_key(item) -> tuple:
    code = item[0]
    return (int(code),) if code.isdigit() else (10**6, code)


@dataclass
class FieldHeading:
    code: str
    title: str
    max_score: Decimal = Decimal("0")


def field_headings(period: Period, *, block: Block | None = None) -> dict[int, list[FieldHeading]]:
    """The fields (level-1 criteria) of each block's framework, by block id, in code order."""
    nodes = Criterion.objects.filter(framework__period=period, parent__isnull=True).values_list(
        "framework__block_id", "code", "title", "max_score"
    )
    if block is not None:
        nodes = nodes.filter(framework__block=block)
    headings: dict[int, list[FieldHeading]] = {}
    for block_id, code, title, max_score in nodes:
        headings.setdefault(block_id, []).append(FieldHeading(code, title, max_score))
    for items in headings.values():
        items.sort(key=lambda h: _code_key((h.code,)))
    return headings


@dataclass
class BlockSummary:
    block: Block
    rows: list[RankingRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def indexes(self) -> list[Decimal]:
        return [r.index for r in self.rows]

    @property
    def average(self) -> Decimal:
        return (sum(self.indexes) / len(self.rows)).quantize(CENT) if self.rows else Decimal("0")

    @property
    def minimum(self) -> Decimal:
        return min(self.indexes) if self.rows else Decimal("0")

    @property
    def maximum(self) -> Decimal:
        return max(self.indexes) if self.rows else Decimal("0")


def group_by_block(rows: list[RankingRow]) -> list[BlockSummary]:
    groups: dict[int, BlockSummary] = {}
    for row in rows:
        groups.setdefault(row.block.pk, BlockSummary(row.block)).rows.append(row)
    return list(groups.values())


def published_periods() -> list[Period]:
    """Approved periods whose results are published, newest first."""
    return [p for p in Period.objects.filter(phase=Phase.APPROVED).order_by("-year") if results_published(p)]


# --- A unit's results page -------------------------------------------------------------------------


@dataclass
class Shortcoming:
    """A sub-criterion where the unit lost points, as the unit must read it to fix it."""

    score: Score
    lost: Decimal

    @property
    def outcome(self) -> str:
        """The explanation's outcome: accepted when the council's final score departs from the
        appraisal (it only writes a final score where it changes the appraised one)."""
        if not self.score.explanation:
            return ""
        changed = self.score.final_score is not None and self.score.final_score != self.score.appraised_score
        return "Chấp nhận" if changed else "Không chấp nhận"

    @property
    def reason(self) -> str:
        return "\n".join(t for t in (self.score.appraisal_reason, self.score.council_note) if t)


def unit_shortcomings(assessment_id: int) -> list[Shortcoming]:
    """Every leaf that lost points — scored below its max, or a penalty given — in code order,
    one query."""
    rows = Score.objects.filter(assessment_id=assessment_id, not_applicable=False).select_related("criterion")
    found = []
    for score in rows:
        value = score.effective_score or Decimal("0")
        if score.criterion.is_deduction:
            lost = value
        else:
            lost = score.criterion.max_score - value
        if lost > 0:
            found.append(Shortcoming(score, lost.quantize(CENT)))
    found.sort(key=lambda s: tuple(int(p) for p in s.score.criterion.code.split(".") if p.isdigit()))
    return found


@dataclass
class TrendPoint:
    year: int
    index: Decimal
    rank: int
    of: int
    classification: str


def unit_trend(unit: Unit, periods: list[Period]) -> list[TrendPoint]:
    """The unit's index and rank in each of the given (published) periods, oldest first: a fixed
    number of queries per period, and periods are a handful of years."""
    points = []
    for period in sorted(periods, key=lambda p: p.year):
        rows = ranking_for_period(period, block=unit.block, provisional=False)
        mine = next((r for r in rows if r.unit.pk == unit.pk), None)
        if mine is not None:
            points.append(TrendPoint(period.year, mine.index, mine.rank, len(rows), mine.classification))
    return points


@dataclass
class Move:
    row: RankingRow
    previous_rank: int

    @property
    def change(self) -> int:
        return self.previous_rank - self.row.rank


def movers(rows: list[RankingRow], previous_rows: list[RankingRow]) -> list[Move]:
    """Units ranked in the same block in both periods, with the change of their rank."""
    before = {(r.block.pk, r.unit.pk): r.rank for r in previous_rows}
    return [Move(row, before[(row.block.pk, row.unit.pk)]) for row in rows if (row.block.pk, row.unit.pk) in before]


def previous_published_period(period: Period) -> Period | None:
    return next((p for p in published_periods() if p.year < period.year), None)


__all__ = [
    "Move", "Shortcoming", "TrendPoint", "movers", "previous_published_period", "unit_shortcomings", "unit_trend",
    "BlockSummary", "FieldHeading", "RankingRow", "approval_for_period", "field_headings", "group_by_block",
    "published_periods", "ranking_for_period", "results_published", "scores_hash",
]
