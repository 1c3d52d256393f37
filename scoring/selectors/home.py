"""What the scoring cycle asks of each person now, for the home page: one selector per section.

Every figure is read through the selector of the page it links to (the appraisal queue, the
progress page and its checklist, the finalisation and explanation sheets, the overview), so
the home page and that page cannot disagree. Each runs a fixed number of queries, whatever the
number of units and rows."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..models import Assessment, Period, Phase, Score
from ..scope import member_scope, results_visible
from . import readiness
from .assessment import Progress, ProgressLine, appraisal_progress, appraisal_queue_lines, assessment_progress, current_period
from .results import BANDS, BlockSummary, group_by_block, published_periods, ranking_for_period

# The rows a unit may explain (`Score.is_deducted`) and has not explained yet.
UNEXPLAINED_DEDUCTION = Score.DEDUCTED & Q(explanation="")
UNDECIDED_EXPLANATION = Score.UNDECIDED_EXPLANATION


@dataclass
class UnitCount:
    """A number of rows of one unit's assessment, for a line that links to its sheet."""

    assessment: Assessment
    count: int


def _per_assessment(rows) -> list[UnitCount]:
    """Rows counted per assessment, in block and unit order: two queries."""
    counts = {row["assessment_id"]: row["n"] for row in rows.order_by().values("assessment_id").annotate(n=Count("id"))}
    assessments = Assessment.objects.select_related("unit", "framework__block").in_bulk(list(counts))
    lines = [UnitCount(assessments[pk], n) for pk, n in counts.items()]
    return sorted(lines, key=lambda line: (line.assessment.framework.block.order, line.assessment.unit.code))


# --- A council member -----------------------------------------------------------------------------


@dataclass
class CouncilWork:
    period: Period
    to_appraise: int = 0  # rows of the queue not appraised, or sent back (the queue's "còn lại")
    returned: int = 0  # of which sent back by Sở Nội vụ (needs_reappraisal)
    explanations: list[UnitCount] = field(default_factory=list)

    @property
    def appraising(self) -> bool:
        return self.period.phase == Phase.APPRAISAL

    @property
    def finalizing(self) -> bool:
        return self.period.phase == Phase.FINALIZATION

    @property
    def explanations_total(self) -> int:
        return sum(line.count for line in self.explanations)


def explanations_to_review(period: Period, user) -> list[UnitCount]:
    """Per unit, the explained rows of the member's scope without their verdict: the rows of the
    unit's finalisation sheet (which shows the member the fields they appraise) still to answer."""
    mine = member_scope(period, user)
    if not mine.assignments:
        return []
    return _per_assessment(Score.objects.filter(UNDECIDED_EXPLANATION, mine.score_q(), assessment__period=period))


def council_work(period: Period, user) -> CouncilWork:
    """The member's queue in figures (the queue page's count of rows left and sent back), and in
    the finalisation the explanations waiting for their verdict."""
    lines = appraisal_queue_lines(period, user)
    work = CouncilWork(period, sum(line.remaining for line in lines), sum(line.returned for line in lines))
    if work.finalizing:
        work.explanations = explanations_to_review(period, user)
    return work


# --- A unit's CCHC contact ------------------------------------------------------------------------


@dataclass
class UnitWork:
    period: Period
    assessment: Assessment | None
    progress: Progress | None = None  # while it self-assesses
    explanations_open: int | None = None  # while it may explain
    explanation_refusal: str | None = None  # why it can no longer explain (the deadline passed)

    @property
    def self_assessing(self) -> bool:
        return self.period.phase == Phase.SELF_ASSESSMENT

    @property
    def explaining(self) -> bool:
        return self.period.phase == Phase.EXPLANATION

    @property
    def submitted(self) -> bool:
        return self.assessment is not None and self.assessment.status == Assessment.Status.SUBMITTED


def explanations_open(assessment: Assessment) -> int:
    """Rows appraised below the unit's own score that it has not explained: the rows of its
    explanation sheet without an explanation."""
    return Score.objects.filter(UNEXPLAINED_DEDUCTION, assessment=assessment).count()


def unit_work(period: Period, user) -> UnitWork | None:
    """The unit's assessment of the period and what it has to do on it in the current phase:
    the self-assessment's progress (the sheet's own counts), the deductions left to explain."""
    from ..scope import assessment_access
    from ..services.assessment import explanation_window_refusal  # the services import this package

    if not user.unit_id:
        return None
    assessment = Assessment.objects.select_related("period", "unit", "framework").filter(period=period, unit_id=user.unit_id).first()
    work = UnitWork(period, assessment)
    if assessment is None:
        return work
    if work.self_assessing:
        work.progress = assessment_progress(assessment)
    elif work.explaining:
        work.explanations_open = explanations_open(assessment)
        work.explanation_refusal = explanation_window_refusal(assessment_access(user, assessment))
    return work


# --- Sở Nội vụ ------------------------------------------------------------------------------------


@dataclass
class StaffWork:
    period: Period
    unsubmitted: readiness.ReadinessItem | None = None  # in self-assessment
    members_behind: list[ProgressLine] | None = None  # from the appraisal on
    units_to_explain: int | None = None  # in the explanation round

    @property
    def reminds(self) -> bool:
        """The phases whose deadline the reminders are about."""
        return self.period.phase in (Phase.SELF_ASSESSMENT, Phase.APPRAISAL, Phase.EXPLANATION)


def unsubmitted_units(period: Period) -> readiness.ReadinessItem:
    """The units that have not handed in their self-assessment: the same item, with the same
    count, as the checklist before the period leaves self-assessment."""
    return readiness.unsubmitted_item(period)


def members_behind(period: Period) -> list[ProgressLine]:
    """The council members whose rows are not all appraised: the progress page's member lines."""
    members, _ = appraisal_progress(period)
    return [line for line in members if line.done < line.total]


def staff_work(period: Period) -> StaffWork:
    work = StaffWork(period)
    phase = Phase(period.phase)
    if phase == Phase.SELF_ASSESSMENT:
        work.unsubmitted = unsubmitted_units(period)
    if phase in (Phase.APPRAISAL, Phase.EXPLANATION, Phase.FINALIZATION):
        work.members_behind = members_behind(period)
    if phase == Phase.EXPLANATION:
        work.units_to_explain = (
            Score.objects.filter(UNEXPLAINED_DEDUCTION, assessment__period=period).values("assessment__unit_id").distinct().count()
        )
    return work


# --- Leaders --------------------------------------------------------------------------------------


@dataclass
class ProvinceGlance:
    period: Period | None  # the latest year whose results are published
    blocks: list[BlockSummary] = field(default_factory=list)
    unpublished: Period | None = None  # a later year under way, whose results are not published

    bands = BANDS

    @property
    def units(self) -> int:
        return sum(block.count for block in self.blocks)

    @property
    def distribution(self) -> list[int]:
        return [sum(counts) for counts in zip(*(block.distribution for block in self.blocks))] if self.blocks else [0] * len(BANDS)

    @property
    def band_counts(self) -> list[tuple[str, int]]:
        return list(zip(BANDS, self.distribution))


def province_glance(user) -> ProvinceGlance:
    """The latest published year's blocks (units, average index, units per band) as the overview
    shows them; nothing of a year whose results are not published (the results rule)."""
    published = [period for period in published_periods() if results_visible(user, period)]
    latest = published[0] if published else None
    glance = ProvinceGlance(latest)
    if latest is not None:
        glance.blocks = group_by_block(ranking_for_period(latest, provisional=False))
    current = current_period()
    if current is not None and (latest is None or current.year > latest.year):
        glance.unpublished = current
    return glance


__all__ = [
    "CouncilWork", "ProvinceGlance", "StaffWork", "UNDECIDED_EXPLANATION", "UNEXPLAINED_DEDUCTION", "UnitCount", "UnitWork",
    "council_work", "explanations_open", "explanations_to_review", "members_behind", "province_glance", "staff_work",
    "unit_work", "unsubmitted_units",
]
