"""Reads of a period's results: the index of every assessment, the ranking within each block,
the classification and head-of-unit rating, and whether the results are published.

Everything is read from the totals stored on each assessment (kept by
`scoring.services.assessment_totals_refresh` after every score write), so the pages run the same
few queries for 20 units as for 4,000, and a page of a block reads one narrow row per unit."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, Rank

from units.models import Block, Unit, UnitHead
from units.text import search_text

from ..models import OUTSIDE_MAX_KINDS, Approval, Assessment, Criterion, HeadRating, Kind, Period, Phase, Score, fixed_score, format_score, round_score
from .assessment import FieldTotal, Totals

HEAD_RATING_BY_LABEL = {label: value for value, label in HeadRating.choices}


@dataclass(frozen=True)
class RankingRow:
    """One unit's line of the results. `field_scores` holds the points of each field (level-1
    code): earned + bonus − penalties, so that a field of deductions (điểm trừ) has a negative
    value and a field of bonus points a positive one with no maximum, and the fields add up to
    the score before the floor at zero. `bonus` and `deducted` are the unit's bonus points and
    penalties after their caps (their own columns on the pages, files and the decision)."""

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
    decimals: int = 2  # the period's precision (`Period.decimals`): how the row's numbers are written
    bonus: Decimal = Decimal("0")
    deducted: Decimal = Decimal("0")

    @property
    def head_rating_code(self) -> str:
        return HEAD_RATING_BY_LABEL.get(self.head_rating, "")

    def as_plain(self) -> dict:
        """The row as JSON-safe data (numbers as '88.35' strings, '97.685' in a 3-decimal
        period), as the approval keeps it."""
        return {
            "block": self.block.code,
            "block_name": self.block.name,
            "rank": self.rank,
            "unit_code": self.unit.code,
            "unit_name": self.unit.name,
            "score": fixed_score(self.score, self.decimals),
            "max_score": fixed_score(self.max_score, self.decimals),
            "index": fixed_score(self.index, self.decimals),
            "classification": self.classification,
            "head_name": self.head_name,
            "head_title": self.head_title,
            "head_rating": self.head_rating,
            "head_rating_overridden": self.head_rating_overridden,
        }


def heads_by_unit(period: Period, unit_ids) -> dict[int, UnitHead]:
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
    # Not the snapshot: the ranking as approved (every unit's row) is only read by the void's audit.
    return Approval.objects.filter(period=period, voided_at__isnull=True).select_related("period", "created_by").defer("snapshot").first()


def results_published(period: Period) -> bool:
    """Units and leaders see results only once the period is approved with an active approval.

    No re-hash of the scores here: every score write (services and imports) voids an approval
    whose hash no longer matches, so an active approval is a matching one, and this check runs on
    every dashboard and document panel."""
    if period.phase != Phase.APPROVED:
        return False
    known = getattr(period, "has_active_approval", None)  # read with the period by `with_publication`
    if known is not None:
        return known
    return Approval.objects.filter(period=period, voided_at__isnull=True).exists()


def with_publication(periods: QuerySet[Period]) -> QuerySet[Period]:
    """The periods, each read with whether it has an active approval, so that `results_published`
    (and so `scope.results_visible`) answers for each of them without a query of its own: pages
    that go through every year of a unit's history."""
    active = Approval.objects.filter(period=OuterRef("pk"), voided_at__isnull=True)
    return periods.annotate(has_active_approval=Exists(active))


def stored_totals(assessment: Assessment, *, decimals: int = 2) -> Totals:
    """The totals kept on the assessment (see `assessment_totals_refresh`), as `Totals` of a
    period with `decimals` places."""
    # [earned, maximum, deducted, bonus]; totals stored before bonus points have no fourth.
    fields = {code: FieldTotal(code, *(Decimal(value) for value in values[:4])) for code, values in (assessment.field_totals or {}).items()}
    return Totals(
        assessment.pk, assessment.total_earned, assessment.total_max, assessment.total_deducted, fields, decimals=decimals, bonus=assessment.total_bonus
    )


# --- The tie rule -------------------------------------------------------------------------------------


def rank_field(tie_rule: str) -> str:
    """The stored column a ranking orders on under a tie rule (`Period.tie_rule`): the index as
    published ("displayed": equal shown indexes share a rank) or the exact score/max ratio
    ("exact": `Totals.ratio_key`, shared only by exactly equal ratios). Every rank of the app —
    the ranking, one unit's row, the block's leader, past years — asks this."""
    return "total_ratio" if tie_rule == Period.TieRule.EXACT else "total_index"


@dataclass(frozen=True)
class RankedLine:
    """A unit's place, before anything else about it is read: what paging needs."""

    assessment_id: int
    block_id: int
    unit_id: int
    rank: int


def _assessments(period: Period, block: Block | None, block_ids=None):
    # The block is the framework's: the one the unit was scored in that year (its roster entry's
    # block), even if it has moved since.
    assessments = Assessment.objects.filter(period=period)
    if block is not None:
        assessments = assessments.filter(framework__block=block)
    if block_ids is not None:
        assessments = assessments.filter(framework__block_id__in=list(block_ids))
    return assessments.order_by()


def ranked_lines(period: Period, *, block: Block | None = None, block_ids=None, tie_rule: str | None = None) -> QuerySet:
    """Every assessment of the period (or of one block, or of the given blocks) in ranking order
    — block order, block code, rank, unit code — as a lazy query of `RankedLine`s: the database
    ranks on the stored totals (competition ranking, 1, 2, 2, 4, on the column of the period's
    tie rule, `rank_field`; `tie_rule` asks what another rule would give), so a page of a block
    of thousands reads only its own rows (slice it, or hand it to a Paginator). A block is
    ranked on its own, so leaving blocks out changes no rank."""
    key = rank_field(tie_rule or period.tie_rule)
    return (
        _assessments(period, block, block_ids)
        .annotate(rank=Window(Rank(), partition_by=[F("framework_id")], order_by=F(key).desc()))
        .order_by("framework__block__order", "framework__block__code", f"-{key}", "unit__code")
        .values_list("pk", "framework__block_id", "unit_id", "rank")
    )


def lines_of(rows) -> list[RankedLine]:
    return [RankedLine(*row) for row in rows]


def ranked_position(period: Period, block: Block, wanted: str) -> tuple[int, int] | None:
    """(position from 0 in the block's list, assessment id) of the first unit, in ranking order,
    whose code is `wanted` or whose name has its words: the ranking page's "find a unit". A long
    paste is cut down as in the unit directory (`units.text.search_words`)."""
    from units.selectors import unit_list

    wanted = search_text(wanted)
    candidates = Unit.objects.filter(code__iexact=wanted).values("pk")
    by_name = unit_list(q=wanted, include_inactive=True).prefetch_related(None).values("pk")
    key = rank_field(period.tie_rule)
    found = (
        _assessments(period, block).filter(Q(unit__in=candidates) | Q(unit__in=by_name))
        .order_by(f"-{key}", "unit__code").values_list("pk", "unit__code", key).first()
    )
    if found is None:
        return None
    pk, code, value = found
    before = _assessments(period, block).filter(Q(**{f"{key}__gt": value}) | Q(**{key: value}, unit__code__lt=code)).count()
    return before, pk


def ranking_rows(period: Period, lines: list[RankedLine], *, provisional: bool | None = None) -> list[RankingRow]:
    """The full rows of the given ranked lines, in their order: a fixed number of queries, and
    work only for these lines (one page of a block of thousands)."""
    if provisional is None:
        provisional = not results_published(period)
    assessments = (
        Assessment.objects.filter(pk__in=[line.assessment_id for line in lines])
        .select_related("unit", "framework__block", "head_rating_override")
        .in_bulk()
    )
    heads = heads_by_unit(period, {a.unit_id for a in assessments.values()})
    rows: list[RankingRow] = []
    for line in lines:
        assessment = assessments[line.assessment_id]
        total = stored_totals(assessment, decimals=period.decimals)
        index = round_score(assessment.total_index, period.decimals)  # stored with three places
        head = heads.get(assessment.unit_id)
        override = getattr(assessment, "head_rating_override", None)
        fields = sorted(total.fields.items(), key=_code_key)
        rows.append(
            RankingRow(
                block=assessment.framework.block,
                rank=line.rank,
                unit=assessment.unit,
                assessment_id=assessment.pk,
                score=round_score(total.score, period.decimals),
                max_score=round_score(total.maximum, period.decimals),
                index=index,
                classification=period.classify(index),
                head_name=head.full_name if head else "",
                head_title=head.title if head else "",
                head_rating=override.get_rating_display() if override else period.head_rating(index),
                head_rating_overridden=override is not None,
                field_scores={code: round_score(part.points, period.decimals) for code, part in fields},
                field_max={code: round_score(part.maximum, period.decimals) for code, part in fields},
                provisional=provisional,
                head_rating_reason=override.reason if override else "",
                decimals=period.decimals,
                bonus=round_score(total.bonus, period.decimals),
                deducted=round_score(total.deducted, period.decimals),
            )
        )
    return rows


def ranking_for_period(
    period: Period, *, block: Block | None = None, block_ids=None, provisional: bool | None = None
) -> list[RankingRow]:
    """Every assessed unit of the period (or of one block) with its score, index, rank in its
    block, classification and head rating; rows by block order, block code, rank, unit code.

    Before the results are published the rows are marked provisional: the figures come from the
    latest stage each score has reached (final, else appraised, else self). Pass `provisional`
    when the caller already knows, to save the publication check. Reads the totals stored on
    each assessment, so it costs one row per unit, not one per score."""
    return ranking_rows(period, lines_of(ranked_lines(period, block=block, block_ids=block_ids)), provisional=provisional)


def decision_block_ids(period: Period) -> set[int] | None:
    """The blocks the province's decision approves (`Period.decision_blocks`), or None when none
    is chosen: then it approves every block of the period. Before 2025 each district approved
    its own communes' index, so Hà Tĩnh's QĐ 519/QĐ-UBND left the communes' block out."""
    return set(period.decision_blocks.values_list("pk", flat=True)) or None


def decision_ranking(period: Period, *, provisional: bool | None = None) -> list[RankingRow]:
    """The ranking of the blocks the decision covers: what the decision's appendices, the public
    results and the ranking file for the emulation review (thi đua, khen thưởng) carry. The
    internal ranking pages show every block."""
    return ranking_for_period(period, block_ids=decision_block_ids(period), provisional=provisional)


def ranking_row(assessment: Assessment, *, provisional: bool | None = None) -> RankingRow:
    """One unit's row, ranked among its block without building the block's other rows: its rank
    is one more than the number of the block's assessments ranked above it (`rank_field`)."""
    key = rank_field(assessment.period.tie_rule)
    higher = Assessment.objects.filter(
        period_id=assessment.period_id, framework_id=assessment.framework_id, **{f"{key}__gt": getattr(assessment, key)}
    ).count()
    line = RankedLine(assessment.pk, assessment.framework.block_id, assessment.unit_id, higher + 1)
    return ranking_rows(assessment.period, [line], provisional=provisional)[0]


def unit_ranking_row(period: Period, block: Block, unit_id: int | None, *, provisional: bool | None = None) -> RankingRow | None:
    """The row of the given unit in the block's ranking, if it was assessed in that block."""
    if unit_id is None:
        return None
    assessment = _assessments(period, block).filter(unit_id=unit_id).select_related("period", "framework").first()
    return ranking_row(assessment, provisional=provisional) if assessment else None


def block_leader(assessment: Assessment, *, provisional: bool | None = None) -> RankingRow:
    """The first-ranked row of the assessment's block (the lowest unit code among equals)."""
    pk, unit_id = (
        Assessment.objects.filter(period_id=assessment.period_id, framework_id=assessment.framework_id)
        .order_by(f"-{rank_field(assessment.period.tie_rule)}", "unit__code")
        .values_list("pk", "unit_id")
        .first()
    )
    return ranking_rows(assessment.period, [RankedLine(pk, assessment.framework.block_id, unit_id, 1)], provisional=provisional)[0]


def block_size(assessment: Assessment) -> int:
    return Assessment.objects.filter(period_id=assessment.period_id, framework_id=assessment.framework_id).count()


def block_field_averages(period: Period, block: Block, *, published: bool = False) -> dict[str, float]:
    """The block's average, over its units, of each field's points as a percentage of the unit's
    maximum for the field (fields a unit has no maximum in are left out of its average).

    Once the results are published they no longer change (a score write voids the approval
    first), so the figures are kept in the cache under the approval's id: every unit of a block
    of thousands opens its page after publication, and each would read the whole block."""
    if published:
        approval = approval_for_period(period)
        stamp = f"{approval.pk}-{approval.created_at.timestamp()}" if approval else "none"
        key = f"scoring:block-averages:{period.pk}:{block.pk}:{stamp}"
        found = cache.get(key)
        if found is None:
            found = _block_field_averages(period, block)
            cache.set(key, found, timeout=24 * 3600)
        return found
    return _block_field_averages(period, block)


def _block_field_averages(period: Period, block: Block) -> dict[str, float]:
    sums: dict[str, list[float]] = {}
    for field_totals in _assessments(period, block).values_list("field_totals", flat=True):
        for code, (earned, maximum, deducted, *bonus) in (field_totals or {}).items():
            if float(maximum):
                points = float(earned) + sum(float(b) for b in bonus) - float(deducted)
                sums.setdefault(code, []).append(points * 100 / float(maximum))
    return {code: round(sum(values) / len(values), 2) for code, values in sums.items()}


def _code_key(item) -> tuple:
    code = item[0]
    return (int(code),) if code.isdigit() else (10**6, code)


@dataclass
class FieldHeading:
    code: str
    title: str
    max_score: Decimal = Decimal("0")
    kind: str = Kind.SELF

    @property
    def ordinary(self) -> bool:
        """A field of points within the maximum; not one made only of bonus points or penalties
        (a bonus or deduction field, or a field of maximum 0 holding them), which the pages and
        the decision show in columns of their own."""
        return self.kind not in OUTSIDE_MAX_KINDS and self.max_score > 0


def field_headings(period: Period, *, block: Block | None = None) -> dict[int, list[FieldHeading]]:
    """The fields (level-1 criteria) of each block's framework, by block id, in code order."""
    nodes = Criterion.objects.filter(framework__period=period, parent__isnull=True).values_list(
        "framework__block_id", "code", "title", "max_score", "kind"
    )
    if block is not None:
        nodes = nodes.filter(framework__block=block)
    headings: dict[int, list[FieldHeading]] = {}
    for block_id, code, title, max_score, kind in nodes:
        headings.setdefault(block_id, []).append(FieldHeading(code, title, max_score, kind))
    for items in headings.values():
        items.sort(key=lambda h: _code_key((h.code,)))
    return headings


@dataclass(frozen=True)
class OutsideColumns:
    """Whether a period's frameworks (or one block's) have bonus rows and deduction rows: the
    pages, the ranking file and the decision show a "Điểm thưởng" / "Điểm trừ" column only then."""

    bonus: bool = False
    deduction: bool = False

    @property
    def any(self) -> bool:
        return self.bonus or self.deduction

    @property
    def count(self) -> int:
        return int(self.bonus) + int(self.deduction)


def outside_columns(period: Period, *, block: Block | None = None, block_ids=None) -> OutsideColumns:
    """One query: the kinds of the period's criteria outside the maximum."""
    criteria = Criterion.objects.filter(framework__period=period, kind__in=OUTSIDE_MAX_KINDS)
    if block is not None:
        criteria = criteria.filter(framework__block=block)
    if block_ids is not None:
        criteria = criteria.filter(framework__block_id__in=list(block_ids))
    kinds = set(criteria.order_by().values_list("kind", flat=True).distinct())
    return OutsideColumns(bonus=Kind.BONUS in kinds, deduction=Kind.DEDUCTION in kinds)


# The classification bands of `Period.classify`, best first: the overview's columns and chart.
BANDS = ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]


@dataclass
class BlockSummary:
    block: Block
    rows: list[RankingRow] = field(default_factory=list)

    @property
    def distribution(self) -> list[int]:
        """The block's units in each band of BANDS: read by the overview page and the leaders'
        home page alike, so that both show the same counts."""
        return [sum(1 for r in self.rows if r.classification == band) for band in BANDS]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def indexes(self) -> list[Decimal]:
        return [r.index for r in self.rows]

    @property
    def average(self) -> Decimal:
        return round_score(sum(self.indexes) / len(self.rows), self.rows[0].decimals) if self.rows else Decimal("0")

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
    one query. Bonus points not earned are no shortcoming: they lie beyond the maximum."""
    rows = Score.objects.filter(assessment_id=assessment_id, not_applicable=False).select_related("criterion")
    found = []
    for score in rows:
        value = score.effective_score or Decimal("0")
        if score.criterion.is_bonus:
            continue
        if score.criterion.is_deduction:
            lost = value
        else:
            lost = score.criterion.max_score - value
        if lost > 0:
            found.append(Shortcoming(score, lost))  # exact: both sides are stored with the period's places
    found.sort(key=lambda s: tuple(int(p) for p in s.score.criterion.code.split(".") if p.isdigit()))
    return found


@dataclass
class TrendPoint:
    year: int
    index: Decimal
    rank: int
    of: int
    classification: str
    decimals: int = 2  # that year's precision


def unit_trend(unit: Unit, periods: list[Period]) -> list[TrendPoint]:
    """The unit's index and rank in each of the given (published) periods, oldest first."""
    return [TrendPoint(r.year, r.index, r.rank, r.of, r.classification, r.period.decimals) for r in past_results([unit.pk], periods)]


@dataclass(frozen=True)
class PastResult:
    """One unit's result of one year as it stands: its stored index, its rank in the block it
    was assessed in that year (its framework's block, even if it has moved since), the block's
    number of units, and the classification by that year's bands."""

    period: Period
    unit_id: int
    block: Block
    index: Decimal
    rank: int
    of: int
    classification: str

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def rank_words(self) -> str:
        """'hạng 3/12 khối UBND xã, phường, thị trấn'."""
        name = self.block.name
        block = name[0].lower() + name[1:] if name.lower().startswith("khối") else f"khối {name}"
        return f"hạng {self.rank}/{self.of} {block}"


def _block_count(**condition) -> Coalesce:
    """The number of the outer assessment's block's assessments that year (those of its
    framework) meeting `condition`, as a subquery (the `assessment_rank` index answers it)."""
    peers = (
        Assessment.objects.filter(framework_id=OuterRef("framework_id"), **condition)
        .order_by().values("framework_id").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(peers), 0)


def past_results(unit_ids, periods: list[Period]) -> list[PastResult]:
    """The result of each given unit in each given period it was assessed in, oldest first, in
    one query whatever the number of units and periods. The rank is `ranking_row`'s (one more
    than the number of the block's assessments with a higher index: the ranking's competition
    rank) and the size `block_size`'s. Which periods a user may read is the caller's question
    (`scope.results_visible`)."""
    by_pk = {period.pk: period for period in periods}
    if not by_pk:
        return []
    # Each year ranks by its own tie rule (`rank_field`).
    higher = Case(
        *[
            When(period__tie_rule=rule, then=_block_count(**{f"{rank_field(rule)}__gt": OuterRef(rank_field(rule))}))
            for rule in Period.TieRule.values
        ],
        default=Value(0),
    )
    assessments = (
        Assessment.objects.filter(unit_id__in=list(unit_ids), period_id__in=list(by_pk))
        .annotate(higher=higher, size=_block_count())
        .select_related("framework__block")
        .order_by()
    )
    results = []
    for assessment in assessments:
        period = by_pk[assessment.period_id]
        index = round_score(assessment.total_index, period.decimals)
        results.append(
            PastResult(period, assessment.unit_id, assessment.framework.block, index, assessment.higher + 1, assessment.size, period.classify(index))
        )
    return sorted(results, key=lambda r: (r.year, r.unit_id))


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
    "Move", "PastResult", "Shortcoming", "TrendPoint", "movers", "past_results", "with_publication", "previous_published_period", "unit_shortcomings", "unit_trend",
    "BANDS", "BlockSummary", "FieldHeading", "RankingRow", "approval_for_period", "field_headings", "group_by_block",
    "published_periods", "ranking_for_period", "results_published", "scores_hash", "decision_block_ids", "decision_ranking",
    "OutsideColumns", "outside_columns", "RankedLine", "block_field_averages", "block_leader", "unit_ranking_row", "block_size", "lines_of", "rank_field", "ranked_lines", "ranked_position", "ranking_row", "ranking_rows", "stored_totals",
]
