from decimal import Decimal

import pytest

from scoring.models import Score
from scoring.services import assessment_totals_refresh
from scoring.selectors import Totals, assessment_totals, assessment_totals_for_period
from tests.factories import UnitFactory

from .conftest import HEADER, assessment_of, open_period

pytestmark = pytest.mark.django_db

# Field 1: two self leaves (1 and 2 points, the second may be not applicable); field 2: a survey
# leaf of 3; field 3: a deduction of up to 5.
SMALL = HEADER + """so-nganh,1,Chỉ đạo điều hành,3,,,,,
so-nganh,1.1,Kế hoạch,1,,1=Đủ; 0.5=Chậm; 0=Không,,no,no
so-nganh,1.2,Kiểm tra,2,,,,no,yes
so-nganh,2,Tác động,3,,,,,
so-nganh,2.1,Hài lòng,3,survey,,,no,no
so-nganh,3,Điểm trừ,0,,,,,
so-nganh,3.1,Vi phạm,5,deduction,,,no,no
"""


@pytest.fixture
def small(db):
    unit = UnitFactory(code="U1")
    period = open_period(SMALL)
    return period, assessment_of(period, unit)


def put(assessment, code, **values):
    Score.objects.filter(assessment=assessment, criterion__code=code).update(**values)
    assessment_totals_refresh(period=assessment.period, assessment_ids=[assessment.pk])


def test_the_effective_score_is_final_else_appraised_else_self(small):
    period, a = small
    put(a, "1.1", self_score=1)
    put(a, "1.2", self_score=2, appraised_score=Decimal("1.5"))
    put(a, "2.1", appraised_score=Decimal("2.4"), final_score=Decimal("2.7"))
    totals = assessment_totals(a)
    assert totals.earned == Decimal("5.2") and totals.maximum == 6 and totals.score == Decimal("5.2")
    assert totals.fields["1"].earned == Decimal("2.5") and totals.fields["1"].maximum == 3
    assert totals.fields["2"].earned == Decimal("2.7")
    assert totals.index == Decimal("86.67")


def test_a_not_applicable_leaf_leaves_both_the_score_and_the_maximum(small):
    period, a = small
    put(a, "1.1", self_score=1)
    put(a, "1.2", self_score=2, not_applicable=True)
    put(a, "2.1", final_score=3)
    totals = assessment_totals(a)
    assert totals.maximum == 4 and totals.score == 4 and totals.index == 100
    assert totals.fields["1"].maximum == 1


def test_deductions_subtract_and_the_total_never_goes_below_zero(small):
    period, a = small
    put(a, "1.1", self_score=1)
    put(a, "3.1", appraised_score=Decimal("0.5"))
    totals = assessment_totals(a)
    assert totals.deducted == Decimal("0.5") and totals.score == Decimal("0.5") and totals.maximum == 6
    assert totals.fields["3"].deducted == Decimal("0.5") and totals.fields["3"].maximum == 0
    put(a, "3.1", appraised_score=5)
    assert assessment_totals(a).score == 0 and assessment_totals(a).index == 0


def test_the_index_is_rounded_half_up_to_two_places():
    assert Totals(1, earned=Decimal("2"), maximum=Decimal("3")).index == Decimal("66.67")
    assert Totals(1, earned=Decimal("1.00005"), maximum=Decimal("2")).index == Decimal("50.00")
    assert Totals(1, earned=Decimal("0.88345"), maximum=Decimal("1")).index == Decimal("88.35")
    assert Totals(1, earned=Decimal("1"), maximum=Decimal("0")).index == 0


def test_self_only_totals_count_the_units_own_scores_of_self_assessed_leaves(small):
    period, a = small
    put(a, "1.1", self_score=1, appraised_score=0)
    put(a, "2.1", final_score=3)
    totals = assessment_totals(a, self_only=True)
    assert totals.score == 1 and totals.maximum == 3 and set(totals.fields) == {"1"}


def test_totals_of_a_whole_period_take_one_query_whatever_the_number_of_units(small, django_assert_num_queries):
    period, a = small
    with django_assert_num_queries(1):
        assert len(assessment_totals_for_period(period)) == 1
    for i in range(12):
        UnitFactory(code=f"U{i + 2}")
    from scoring.services import assessments_create_missing

    assessments_create_missing(actor=None, period=period)
    with django_assert_num_queries(1):
        totals = assessment_totals_for_period(period)
    assert len(totals) == 13 and all(t.maximum == 6 for t in totals.values())


def test_field_codes_of_two_digits_group_apart_from_one_digit_codes(db):
    text = HEADER + "".join(
        f"so-nganh,{n},Lĩnh vực {n},1,,,,,\nso-nganh,{n}.1,Tiêu chí {n}.1,1,,,,no,no\n" for n in range(1, 12)
    )
    unit = UnitFactory(code="U1")
    period = open_period(text)
    a = assessment_of(period, unit)
    put(a, "1.1", self_score=1)
    put(a, "11.1", self_score=1)
    totals = assessment_totals(a)
    assert totals.fields["1"].earned == 1 and totals.fields["11"].earned == 1 and totals.fields["10"].earned == 0
