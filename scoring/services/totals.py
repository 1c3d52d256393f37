"""The stored totals of assessments (điểm đạt, điểm tối đa, chỉ số): recomputed from the score
rows by the same aggregate the live figures use, and written back after every write to a score's
value. The ranking pages read these instead of aggregating every score row of the period."""

from ..models import Assessment, Period, fixed_score
from ..selectors.assessment import Totals, assessment_totals_for_period

BATCH = 500
STORED = ["total_earned", "total_max", "total_deducted", "total_bonus", "total_index", "total_ratio", "field_totals"]


def stored_values(totals: Totals) -> dict:
    return {
        "total_earned": totals.earned,
        "total_max": totals.maximum,
        "total_deducted": totals.deducted,
        "total_bonus": totals.bonus,
        "total_index": totals.index,
        "total_ratio": totals.ratio_key,
        # [earned, maximum, deducted, bonus]; a row stored before bonus points has three.
        "field_totals": {
            code: [fixed_score(value, totals.decimals) for value in (part.earned, part.maximum, part.deducted, part.bonus)]
            for code, part in totals.fields.items()
        },
    }


def assessment_totals_refresh(*, period: Period, assessment_ids=None) -> int:
    """Recompute and store the totals of the given assessments of `period` (all of them when
    `assessment_ids` is None). Runs inside the caller's transaction, so the totals change
    together with the scores they come from. Returns the number of assessments written."""
    ids = None if assessment_ids is None else list(assessment_ids)
    totals = assessment_totals_for_period(period, assessment_ids=ids)
    if ids is not None and len(ids) == 1:
        # The inline saves: one UPDATE, no read of the row first.
        values = stored_values(totals.get(ids[0]) or Totals(ids[0], decimals=period.decimals, index_over_100=period.index_over_100))
        return Assessment.objects.filter(pk=ids[0], period=period).update(**values)
    assessments = Assessment.objects.filter(period=period).only("pk", *STORED)
    if ids is not None:
        assessments = assessments.filter(pk__in=ids)
    changed = []
    for assessment in assessments:
        values = stored_values(totals.get(assessment.pk) or Totals(assessment.pk, decimals=period.decimals, index_over_100=period.index_over_100))
        if any(getattr(assessment, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(assessment, name, value)
            changed.append(assessment)
    Assessment.objects.bulk_update(changed, STORED, batch_size=BATCH)
    return len(changed)
