"""A small framework for the results tests: a 1000-point field (so that indexes have three
decimals before rounding), a field with a not-applicable leaf and a survey leaf, and a field of
deductions. Scores are written directly: the results read them, not the forms."""

from decimal import Decimal

from scoring.models import Phase, Score
from scoring.services import assessment_totals_refresh

from .conftest import HEADER, move, open_period

RESULTS_FRAMEWORK = HEADER + """so-nganh,1,Chỉ đạo điều hành,1000,,,,,
so-nganh,1.1,Kế hoạch,1000,,,,no,no
so-nganh,2,Tác động,10,,,,,
so-nganh,2.1,Kiểm tra,4,,,,no,yes
so-nganh,2.2,Hài lòng,6,survey,,,no,no
so-nganh,3,Điểm trừ,0,,,,,
so-nganh,3.1,Vi phạm,5,deduction,,,no,no
"""


def results_period(*, year: int = 2024, actor=None, phase=Phase.FINALIZATION):
    period = open_period(RESULTS_FRAMEWORK, year=year, actor=actor)
    return move(period, phase, actor) if phase != Phase.SELF_ASSESSMENT else period


def put(period, unit, code, **values):
    """Written past the services, so the assessment's stored totals are refreshed as they would."""
    Score.objects.filter(assessment__period=period, assessment__unit=unit, criterion__code=code).update(**values)
    assessment_totals_refresh(period=period)


def give(period, unit, plan: Decimal | str, *, field2=("4", "6"), deduction="0"):
    """Final scores: `plan` on 1.1 (of 1000), field 2 as given ("NA" for a not-applicable 2.1)."""
    put(period, unit, "1.1", final_score=Decimal(plan))
    if field2[0] == "NA":
        put(period, unit, "2.1", final_score=None, not_applicable=True)
    else:
        put(period, unit, "2.1", final_score=Decimal(field2[0]), not_applicable=False)
    put(period, unit, "2.2", final_score=Decimal(field2[1]))
    put(period, unit, "3.1", final_score=Decimal(deduction))
