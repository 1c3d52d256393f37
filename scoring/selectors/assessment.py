"""Reads of assessments and scores: totals, the pages' sheets, the appraisal queue and progress.
Every function runs a fixed number of queries, whatever the number of units or criteria."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Case, CharField, Count, DecimalField, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Concat, StrIndex, Substr

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from ..models import OUTSIDE_MAX_KINDS, SELF_CLAIMED_KINDS, Assessment, Criterion, Evidence, Kind, Period, Phase, Score, round_score
from .. import scope
from ..scope import field_of, member_scope
from .framework import criteria_tree_for_framework

ZERO = Decimal("0")
HUNDRED = Decimal("100")
APPRAISED_KINDS = [Kind.SELF, Kind.BONUS, Kind.DEDUCTION]

# The level-1 code of a criterion, in SQL: "2.1.3" → "2" (a field's own code has no dot).
FIELD_CODE = Substr(
    "criterion__code",
    1,
    StrIndex(Concat("criterion__code", Value(".")), Value(".")) - 1,
)
# Sums of stored leaves carry the storage's three places (SQLite hands sums back as floats,
# which Django quantizes to the output field's places: two would cut 97.685 to 97.69).
SUM_FIELD = DecimalField(max_digits=12, decimal_places=3)
EFFECTIVE = Coalesce("final_score", "appraised_score", "self_score", Value(ZERO), output_field=SUM_FIELD)
# ⌊score / max × 10^18⌋: distinct ratios of totals under 10^6 points with three places differ by
# more than 10^-18, so their keys differ; equal ratios (45/50 and 90/100) get the same key.
RATIO_SCALE = 10**18
BIGINT_MAX = 2**63 - 1


def _q(value, decimals: int) -> Decimal:
    # A sum of leaves stored with the period's places has those places: this only fixes the
    # exponent (and undoes a float sum's last-bit noise), it rounds nothing.
    return round_score(Decimal(value) if value is not None else ZERO, decimals)


# --- Totals --------------------------------------------------------------------------------------


@dataclass
class FieldTotal:
    code: str
    earned: Decimal = ZERO  # effective points of applicable ordinary leaves (not bonus, not deduction)
    maximum: Decimal = ZERO  # max points of applicable ordinary leaves
    deducted: Decimal = ZERO  # penalties of the field's deduction leaves, after their caps
    bonus: Decimal = ZERO  # bonus points of the field's bonus leaves, after their caps

    @property
    def points(self) -> Decimal:
        """What the field adds to the total: earned + bonus − penalties."""
        return self.earned + self.bonus - self.deducted


@dataclass
class Totals:
    """Points of one assessment. The index is a percentage of the unit's own maximum, which
    shrinks by the max of every not-applicable leaf (the unit cannot earn those points)."""

    assessment_id: int
    earned: Decimal = ZERO
    maximum: Decimal = ZERO
    deducted: Decimal = ZERO
    fields: dict[str, FieldTotal] = field(default_factory=dict)
    decimals: int = 2  # the period's (`Period.decimals`)
    bonus: Decimal = ZERO  # bonus points after their caps, outside the maximum
    index_over_100: bool = False  # the period's (`Period.index_over_100`)

    @property
    def score(self) -> Decimal:
        """Σ ordinary leaves + bonus − penalties (each capped), never below zero. Bonus points may
        take it above the maximum."""
        return max(self.earned + self.bonus - self.deducted, ZERO)

    @property
    def rated_score(self) -> Decimal:
        """The score the index is taken of: capped at the maximum unless the period lets the
        index exceed 100 %."""
        return self.score if self.index_over_100 else min(self.score, self.maximum)

    @property
    def index(self) -> Decimal:
        # Rounded once, half-up, to the period's decimals, from the exact sums (88,35 %, not
        # banker's rounding, and never a rounded figure rounded again).
        if not self.maximum:
            return round_score(ZERO, self.decimals)
        return round_score(self.rated_score / self.maximum * HUNDRED, self.decimals)

    @property
    def ratio_key(self) -> int:
        """score / max as an exact integer key (⌊ratio × 10^18⌋, see RATIO_SCALE): what the
        exact tie rule ranks on. 0 for a unit with no maximum."""
        if not self.maximum or self.rated_score <= 0:
            return 0
        return min(Fraction(self.rated_score) * RATIO_SCALE // Fraction(self.maximum), BIGINT_MAX)


SELF_ONLY = Coalesce("self_score", Value(ZERO), output_field=SUM_FIELD)


def assessment_totals_for_period(period: Period, *, assessment_ids=None, self_only: bool = False) -> dict[int, Totals]:
    """Totals of every assessment of the period (or of the given ones), per field and overall:
    one aggregate query, and one more for the caps when some bonus or penalty is given.
    Effective score = final, else appraised, else self.

    total = Σ ordinary leaves + min(Σ bonus, cap) − min(Σ penalties, cap): bonus and deduction
    leaves come out of the aggregate one by one and are capped by `_outside_points`.

    `self_only` gives the unit's own running total while it self-assesses: its self scores over
    the leaves it claims itself (its bonus points included; survey points and penalties come
    later, from others)."""
    # The unit's own running total counts what the unit itself said is applicable.
    applicable = Q(self_not_applicable=False) if self_only else Q(not_applicable=False)
    outside = Q(criterion__kind__in=OUTSIDE_MAX_KINDS)
    rows = Score.objects.filter(assessment__period=period)
    if self_only:
        rows = rows.filter(criterion__kind__in=SELF_CLAIMED_KINDS)
    if assessment_ids is not None:
        rows = rows.filter(assessment_id__in=list(assessment_ids))
    rows = (
        rows.order_by()
        .annotate(field_code=FIELD_CODE, outside_id=Case(When(outside, then="criterion_id"), default=None, output_field=IntegerField()))
        .values("assessment_id", "field_code", "outside_id")
        .annotate(
            earned=Sum(SELF_ONLY if self_only else EFFECTIVE, filter=applicable),
            maximum=Sum("criterion__max_score", filter=applicable & ~outside),
        )
    )
    totals: dict[int, Totals] = {}
    places = period.decimals
    outside_leaves: dict[int, dict[int, Decimal]] = {}
    for row in rows:
        total = totals.setdefault(row["assessment_id"], Totals(row["assessment_id"], decimals=places, index_over_100=period.index_over_100))
        part = total.fields.setdefault(row["field_code"], FieldTotal(row["field_code"]))
        if row["outside_id"] is None:
            part.earned += _q(row["earned"], places)
            part.maximum += _q(row["maximum"], places)
        elif row["earned"]:  # a bonus or penalty of 0 adds nothing, capped or not
            outside_leaves.setdefault(total.assessment_id, {})[row["outside_id"]] = _q(row["earned"], places)
    if outside_leaves:
        _outside_points(period, totals, outside_leaves)
    for total in totals.values():
        for part in total.fields.values():
            total.earned += part.earned
            total.maximum += part.maximum
            total.deducted += part.deducted
            total.bonus += part.bonus
    return totals


def _outside_points(period: Period, totals: dict[int, Totals], leaves: dict[int, dict[int, Decimal]]) -> None:
    """Add each assessment's bonus and deduction points to its fields, capped: a bonus or
    deduction parent counts min(Σ its children, its max), so the top of each such subtree gives
    at most its max (the year's cap) whatever its items add up to. One query."""
    nodes = {
        pk: (parent_id, kind, max_score, code)
        for pk, parent_id, kind, max_score, code in Criterion.objects.filter(framework__period=period, kind__in=OUTSIDE_MAX_KINDS).values_list(
            "pk", "parent_id", "kind", "max_score", "code"
        )
    }
    # A node caps with its parent only inside a subtree of one kind (the tree check refuses a
    # mixed one; a framework reopened to draft may hold one for a while, and must not crash).
    children: dict[int, list[int]] = {}
    top_of: dict[int, int] = {}
    for pk, (parent_id, kind, _, _) in nodes.items():
        if parent_id in nodes and nodes[parent_id][1] == kind:
            children.setdefault(parent_id, []).append(pk)

    def top(pk: int) -> int:
        while nodes[pk][0] in nodes and nodes[nodes[pk][0]][1] == nodes[pk][1]:
            pk = nodes[pk][0]
        return pk

    for assessment_id, values in leaves.items():
        total = totals[assessment_id]

        def points(pk: int) -> Decimal:
            if pk not in children:
                return values.get(pk, ZERO)
            return min(sum((points(child) for child in children[pk]), ZERO), Decimal(nodes[pk][2]))

        for head in {top_of.setdefault(pk, top(pk)) for pk in values if pk in nodes}:
            _, kind, _, code = nodes[head]
            part = total.fields.setdefault(field_of(code), FieldTotal(field_of(code)))
            if kind == Kind.BONUS:
                part.bonus += points(head)
            else:
                part.deducted += points(head)


def assessment_totals(assessment: Assessment, *, self_only: bool = False) -> Totals:
    totals = assessment_totals_for_period(assessment.period, assessment_ids=[assessment.pk], self_only=self_only)
    return totals.get(assessment.pk, Totals(assessment.pk, decimals=assessment.period.decimals, index_over_100=assessment.period.index_over_100))


# --- Progress of a self-assessment ---------------------------------------------------------------


@dataclass
class Progress:
    total: int = 0
    scored: int = 0
    missing_evidence: int = 0

    @property
    def unscored(self) -> int:
        return self.total - self.scored

    @property
    def percent(self) -> int:
        return round(self.scored * 100 / self.total) if self.total else 0


def _with_self_evidence(scores: QuerySet[Score]) -> QuerySet[Score]:
    return scores.annotate(has_evidence=Exists(Evidence.objects.filter(score=OuterRef("pk"), stage=Evidence.Stage.SELF)))


# A bonus row is a claim the unit may leave empty (nothing to claim counts 0): only the ordinary
# rows must be scored before submitting, and a bonus row needs its evidence once it is claimed.
MUST_SCORE = Q(criterion__kind=Kind.SELF)
UNCLAIMED_BONUS = Q(criterion__kind=Kind.BONUS) & (Q(self_score__isnull=True) | Q(self_score=0))


def _lacks_evidence() -> Q:
    return Q(criterion__evidence_required=True, self_not_applicable=False, has_evidence=False) & ~UNCLAIMED_BONUS


def assessment_progress(assessment: Assessment) -> Progress:
    """n of m rows the unit must score scored (or marked not applicable), and how many of its
    claims lack the evidence their criterion requires: one query."""
    scored = MUST_SCORE & (Q(self_score__isnull=False) | Q(self_not_applicable=True))
    data = (
        _with_self_evidence(Score.objects.filter(assessment=assessment, criterion__kind__in=SELF_CLAIMED_KINDS))
        .order_by()
        .aggregate(total=Count("id", filter=MUST_SCORE), scored=Count("id", filter=scored), missing=Count("id", filter=_lacks_evidence()))
    )
    return Progress(data["total"], data["scored"], data["missing"])


def unscored_codes(assessment: Assessment) -> list[str]:
    rows = Score.objects.filter(MUST_SCORE, assessment=assessment, self_score__isnull=True, self_not_applicable=False)
    return list(rows.order_by("criterion__order", "criterion_id").values_list("criterion__code", flat=True))


def missing_evidence_codes(assessment: Assessment) -> list[str]:
    rows = _with_self_evidence(Score.objects.filter(assessment=assessment, criterion__kind__in=SELF_CLAIMED_KINDS)).filter(_lacks_evidence())
    return list(rows.order_by("criterion__order", "criterion_id").values_list("criterion__code", flat=True))


def current_period() -> Period | None:
    """The period being scored: the latest one that has left draft."""
    return Period.objects.exclude(phase=Phase.DRAFT).order_by("-year").first()


COUNCIL_PHASES = (Phase.APPRAISAL, Phase.EXPLANATION, Phase.FINALIZATION)


def council_period() -> Period | None:
    """The period the council works on: the latest one being appraised, explained or finalised,
    else the period being scored. A year's appraisal can still run when the next year's
    self-assessment has opened, and the council's queue must not lose it."""
    return Period.objects.filter(phase__in=COUNCIL_PHASES).order_by("-year").first() or current_period()


def open_periods() -> list[Period]:
    """Every period between opening and approval, latest first: what the home page lists when more
    than one year is under way."""
    return list(Period.objects.exclude(phase__in=[Phase.DRAFT, Phase.APPROVED]).order_by("-year"))


# --- Sheets (the rows of a page) -----------------------------------------------------------------


@dataclass
class FieldGroup:
    node: Criterion
    rows: list[Score] = field(default_factory=list)
    total: FieldTotal | None = None

    @property
    def code(self) -> str:
        return self.node.code


def assessment_sheet(assessment: Assessment, *, field_codes=None, kinds=None, only=None) -> list[FieldGroup]:
    """The assessment's rows grouped by field in framework order, each row with its criterion,
    the criterion's parent heading (`row.heading` on the first row under a new parent) and its
    evidence. Three queries whatever the size of the framework."""
    tree = criteria_tree_for_framework(assessment.framework)
    by_criterion = {}
    scores = (
        Score.objects.filter(assessment=assessment)
        .select_related("appraised_by", "finalized_by", "updated_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")))
    )
    for score in scores:
        by_criterion[score.criterion_id] = score
    nodes = {node.pk: node for node in tree.rows}
    groups = []
    for root in tree.roots:
        if field_codes is not None and root.code not in field_codes:
            continue
        group = FieldGroup(root)
        last_parent = None
        stack = list(reversed(root.tree_children)) or [root]
        ordered = []
        while stack:
            node = stack.pop()
            if node.tree_children:
                stack.extend(reversed(node.tree_children))
            else:
                ordered.append(node)
        for node in ordered:
            score = by_criterion.get(node.pk)
            if score is None or (kinds is not None and node.kind not in kinds):
                continue
            if only is not None and not only(score):
                continue
            score.criterion = node
            score.assessment = assessment
            parent = nodes.get(node.parent_id)
            score.heading = parent if parent is not None and parent.parent_id and parent.pk != last_parent else None
            last_parent = parent.pk if parent is not None else None
            score.evidence_list = list(score.evidence.all())
            score.self_evidence = [e for e in score.evidence_list if e.stage == Evidence.Stage.SELF]
            score.explanation_evidence = [e for e in score.evidence_list if e.stage == Evidence.Stage.EXPLANATION]
            group.rows.append(score)
        if group.rows:
            groups.append(group)
    return groups


def score_for_row(pk: int) -> Score:
    """One row with what its partial shows (criterion, evidence, the people who wrote it)."""
    score = (
        Score.objects.select_related(
            "criterion", "assessment", "assessment__period", "assessment__unit", "assessment__framework", "appraised_by", "finalized_by", "updated_by"
        )
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")))
        .get(pk=pk)
    )
    score.heading = None
    score.evidence_list = list(score.evidence.all())
    score.self_evidence = [e for e in score.evidence_list if e.stage == Evidence.Stage.SELF]
    score.explanation_evidence = [e for e in score.evidence_list if e.stage == Evidence.Stage.EXPLANATION]
    return score


def score_history(score: Score, access) -> list[AuditEvent]:
    """The row's changes that the user may read (`AssessmentAccess.event_visible`): a unit does
    not read the council's appraisal in the history before it may read it on the row."""
    events = audit_events_for(score).select_related("target_type", "actor")
    return [event for event in events if access.event_visible(event)]


# --- The appraisal queue and progress ------------------------------------------------------------


@dataclass
class QueueItem:
    assessment_id: int
    field_code: str
    field_title: str
    total: int
    done: int
    returned: int = 0
    assessment: Assessment | None = None

    @property
    def remaining(self) -> int:
        return self.total - self.done


def _field_titles(period: Period) -> dict[tuple[int, str], str]:
    rows = Criterion.objects.filter(framework__period=period, parent__isnull=True).values_list("framework_id", "code", "title")
    return {(framework_id, code): title for framework_id, code, title in rows}


# Rows to appraise, appraised (and not sent back), sent back: what the queue and progress count.
APPRAISAL_COUNTS = {
    "total": Count("id"),
    "done": Count("id", filter=Q(appraised_at__isnull=False, needs_reappraisal=False)),
    "returned": Count("id", filter=Q(needs_reappraisal=True)),
}


def _appraisal_counts(scores: QuerySet[Score], *group_by: str):
    return (
        scores.filter(criterion__kind__in=APPRAISED_KINDS)
        .order_by()
        .annotate(field_code=FIELD_CODE)
        .values("assessment_id", "field_code", *group_by)
        .annotate(**APPRAISAL_COUNTS)
    )


def _queue_leaves(period: Period, user) -> dict[str, list[int]]:
    """The appraised leaves the user works on, by field code: staff every one, a member those of
    the fields assigned to them (in the assigned block, or in every block). Criteria belong to one
    block's framework, so the ids alone carry the block and the period."""
    staff_only = scope.is_staff(user) and not scope.is_council(user)
    mine = member_scope(period, user)
    leaves = Criterion.objects.filter(framework__period=period, kind__in=APPRAISED_KINDS, children__isnull=True)
    by_field: dict[str, list[int]] = {}
    for pk, code, block_id in leaves.values_list("pk", "code", "framework__block_id"):
        field = field_of(code)
        if staff_only or mine.assigns(block_id=block_id, field_code=field):
            by_field.setdefault(field, []).append(pk)
    return by_field


def appraisal_queue_lines(period: Period, user) -> list[QueueItem]:
    """The member's work, one line per unit × assigned field with rows done / total, in block
    and unit order, without the assessments themselves (`queue_attach` loads those for the lines
    shown): three queries whatever the number of units, and the counts read the score rows of the
    assigned leaves through their index rather than every row of the period."""
    by_field = _queue_leaves(period, user)
    if not by_field:
        return []
    field_case = Case(*[When(criterion_id__in=ids, then=Value(code)) for code, ids in by_field.items()], output_field=CharField())
    scores = Score.objects.filter(criterion_id__in=[pk for ids in by_field.values() for pk in ids])
    excluded = member_scope(period, user).excluded_unit_ids
    if excluded:
        scores = scores.exclude(assessment__unit_id__in=excluded)
    counts = scores.order_by().values("assessment_id", field=field_case).annotate(**APPRAISAL_COUNTS)
    order = {
        pk: (block_order, unit_code, framework_id)
        for pk, block_order, unit_code, framework_id in Assessment.objects.filter(period=period).values_list(
            "pk", "framework__block__order", "unit__code", "framework_id"
        )
    }
    titles = _field_titles(period)
    items = [
        QueueItem(row["assessment_id"], row["field"], titles.get((order[row["assessment_id"]][2], row["field"]), ""), row["total"], row["done"], row["returned"])
        for row in counts
    ]
    items.sort(key=lambda i: (*order[i.assessment_id][:2], int(i.field_code) if i.field_code.isdigit() else 0))
    return items


def queue_attach(items: list[QueueItem]) -> list[QueueItem]:
    """Give the lines their assessment (with unit and block), in one query."""
    assessments = Assessment.objects.select_related("unit", "framework__block", "period").in_bulk({i.assessment_id for i in items})
    for item in items:
        item.assessment = assessments[item.assessment_id]
    return items


def next_queue_item(period: Period, user, *, assessment_id: int, field_code: str) -> QueueItem | None:
    """"Đơn vị tiếp theo": the next line of the user's queue after this one that still has rows to
    appraise (from the top again at the end), with its assessment; None when nothing is left."""
    lines = appraisal_queue_lines(period, user)
    here = next((i for i, line in enumerate(lines) if line.assessment_id == assessment_id and line.field_code == field_code), -1)
    for line in lines[here + 1:] + lines[: max(here, 0)]:
        if line.remaining:
            return queue_attach([line])[0]
    return None


def appraisal_queue(period: Period, user) -> list[QueueItem]:
    """Every line of the member's queue with its assessment."""
    return queue_attach(appraisal_queue_lines(period, user))


@dataclass
class ProgressLine:
    label: str
    total: int = 0
    done: int = 0
    detail: str = ""
    obj: object = None

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


def appraisal_progress(period: Period) -> tuple[list[ProgressLine], list[ProgressLine]]:
    """Rows appraised / to appraise per council member (over their scope) and per unit."""
    counts = list(
        _appraisal_counts(Score.objects.filter(assessment__period=period), "assessment__unit_id", "assessment__framework__block_id")
    )
    members: list[ProgressLine] = []
    for member_scope_ in scope.member_scopes_for_period(period).values():
        member = member_scope_.assignments[0].member
        line = ProgressLine(str(member), detail=member.unit.name if member.unit_id else "", obj=member)
        for row in counts:
            if member_scope_.covers(unit_id=row["assessment__unit_id"], block_id=row["assessment__framework__block_id"], field_code=row["field_code"]):
                line.total += row["total"]
                line.done += row["done"]
        members.append(line)
    assessments = Assessment.objects.filter(period=period).select_related("unit", "framework__block").in_bulk()
    units: dict[int, ProgressLine] = {}
    for row in counts:
        assessment = assessments[row["assessment_id"]]
        line = units.setdefault(assessment.pk, ProgressLine(assessment.unit.name, detail=assessment.framework.block.name, obj=assessment))
        line.total += row["total"]
        line.done += row["done"]
    member_lines = sorted(members, key=lambda line: line.label)
    unit_lines = sorted(units.values(), key=lambda line: (line.obj.framework.block.order, line.obj.unit.code))
    return member_lines, unit_lines


def remediation_findings(assessment: Assessment):
    """Shortcomings the previous year's inspections found at the unit, and those of that year
    handed to it after a reorganisation, with their remediation status: what the remediation
    sub-criterion (kết quả khắc phục tồn tại, hạn chế) scores."""
    from inspections.selectors import remediation_findings_for_unit

    return remediation_findings_for_unit(unit=assessment.unit, year=assessment.period.year - 1)


__all__ = [
    "FIELD_CODE", "FieldGroup", "FieldTotal", "Progress", "ProgressLine", "QueueItem", "Totals",
    "appraisal_progress", "appraisal_queue", "appraisal_queue_lines", "next_queue_item", "queue_attach", "assessment_progress", "assessment_sheet",
    "assessment_totals", "assessment_totals_for_period", "current_period", "council_period", "open_periods",
    "missing_evidence_codes", "remediation_findings", "score_for_row", "score_history", "unscored_codes",
]
