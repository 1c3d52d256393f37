"""The index, the ranking within each block, the classification and the head's rating."""

import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from scoring.models import Assessment, HeadRating, Period, Phase
from scoring.selectors import ranking_for_period
from scoring.services import ScoringError, head_rating_override_remove, head_rating_override_set
from tests.factories import UnitFactory, UnitHeadFactory
from units.models import Block

from .results_helpers import RESULTS_FRAMEWORK, give, put, results_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return [UnitFactory(code=f"S{n}", name=f"Sở số {n}") for n in range(1, 6)]


def by_code(rows):
    return {r.unit.code: r for r in rows}


def test_not_applicable_leaves_leave_both_the_score_and_the_maximum(units):
    period = results_period()
    give(period, units[0], "900", field2=("NA", "6"))
    row = by_code(ranking_for_period(period))["S1"]
    assert row.score == Decimal("906.00") and row.max_score == Decimal("1006.00")
    assert row.index == Decimal("90.06")
    assert row.field_scores == {"1": Decimal("900.00"), "2": Decimal("6.00"), "3": Decimal("0.00")}
    assert row.field_max == {"1": Decimal("1000.00"), "2": Decimal("6.00"), "3": Decimal("0.00")}


def test_deductions_subtract_as_their_own_field_and_the_score_never_goes_below_zero(units):
    period = results_period()
    give(period, units[0], "800", deduction="2.5")
    give(period, units[1], "0", field2=("0", "1"), deduction="5")
    rows = by_code(ranking_for_period(period))
    assert rows["S1"].score == Decimal("807.50") and rows["S1"].max_score == Decimal("1010.00")
    assert rows["S1"].field_scores["3"] == Decimal("-2.50") and rows["S1"].field_max["3"] == 0
    assert sum(rows["S1"].field_scores.values()) == rows["S1"].score
    assert rows["S2"].score == 0 and rows["S2"].index == 0


def test_the_index_is_rounded_half_up_at_two_decimals(units):
    period = results_period()
    put(period, units[0], "2.1", not_applicable=True)
    put(period, units[0], "2.2", not_applicable=True)
    put(period, units[0], "1.1", final_score=Decimal("883.45"))
    row = by_code(ranking_for_period(period))["S1"]
    assert row.max_score == Decimal("1000.00") and row.score == Decimal("883.45")
    assert row.index == Decimal("88.35")  # 88.345 → 88.35, not banker's 88.34


def test_the_effective_score_is_final_else_appraised_else_self_and_is_provisional_before_approval(units):
    period = results_period()
    put(period, units[0], "1.1", self_score=Decimal("1000"), appraised_score=Decimal("950"))
    put(period, units[0], "2.2", appraised_score=Decimal("5"), final_score=Decimal("6"))
    row = by_code(ranking_for_period(period))["S1"]
    assert row.score == Decimal("956.00") and row.provisional


def test_equal_indexes_share_a_rank_the_next_rank_skips_and_ties_list_by_unit_code(units):
    period = results_period()
    for unit in units:
        put(period, unit, "2.1", not_applicable=True)
        put(period, unit, "2.2", not_applicable=True)
    # S3 and S2 tie at 88.34 (88.344 and 88.336 both round to it); S5 and S4 tie at 70.00.
    for unit, plan in zip(units, ["950", "883.36", "883.44", "700", "700"]):
        put(period, unit, "1.1", final_score=Decimal(plan))
    rows = ranking_for_period(period)
    assert [(r.rank, r.unit.code, r.index) for r in rows] == [
        (1, "S1", Decimal("95.00")),
        (2, "S2", Decimal("88.34")),
        (2, "S3", Decimal("88.34")),
        (4, "S4", Decimal("70.00")),
        (4, "S5", Decimal("70.00")),
    ]


def test_each_block_is_ranked_on_its_own_in_block_order(units):
    central = Block.objects.get(code="co-quan-tw")
    agencies = [UnitFactory(code=code, name=f"Cục {code}", block=central) for code in ("C2", "C1")]
    text = RESULTS_FRAMEWORK + "\n".join(
        line.replace("so-nganh,", "co-quan-tw,", 1) for line in RESULTS_FRAMEWORK.splitlines()[1:]
    ) + "\n"
    from .conftest import move, open_period

    period = move(open_period(text), Phase.FINALIZATION)
    give(period, units[0], "500")
    give(period, agencies[0], "990")
    give(period, agencies[1], "100")
    rows = ranking_for_period(period)
    assert [(r.block.code, r.rank, r.unit.code) for r in rows] == [
        ("so-nganh", 1, "S1"), ("so-nganh", 2, "S2"), ("so-nganh", 2, "S3"), ("so-nganh", 2, "S4"), ("so-nganh", 2, "S5"),
        ("co-quan-tw", 1, "C2"), ("co-quan-tw", 2, "C1"),
    ]
    assert [r.unit.code for r in ranking_for_period(period, block=central)] == ["C2", "C1"]


@pytest.mark.parametrize(
    "index, band, head",
    [
        ("90.00", "Xuất sắc", "Hoàn thành xuất sắc nhiệm vụ"),
        ("89.99", "Tốt", "Hoàn thành tốt nhiệm vụ"),
        ("80.00", "Tốt", "Hoàn thành tốt nhiệm vụ"),
        ("79.99", "Khá", "Hoàn thành nhiệm vụ"),
        ("70.00", "Khá", "Hoàn thành nhiệm vụ"),
        ("69.99", "Trung bình", "Hoàn thành nhiệm vụ"),
        ("50.00", "Trung bình", "Hoàn thành nhiệm vụ"),
        ("49.99", "Yếu", "Không hoàn thành nhiệm vụ"),
    ],
)
def test_classification_and_head_rating_follow_the_period_thresholds_at_the_band_edges(units, index, band, head):
    period = results_period()
    put(period, units[0], "2.1", not_applicable=True)
    put(period, units[0], "2.2", not_applicable=True)
    put(period, units[0], "1.1", final_score=Decimal(index) * 10)
    row = by_code(ranking_for_period(period))["S1"]
    assert (row.index, row.classification, row.head_rating) == (Decimal(index), band, head)


def test_the_periods_own_thresholds_apply(units):
    period = results_period()
    Period.objects.filter(pk=period.pk).update(band_excellent_min=Decimal("95"), head_excellent_min=Decimal("92"))
    period.refresh_from_db()
    give(period, units[0], "920", field2=("NA", "6"))
    put(period, units[0], "2.2", not_applicable=True)
    row = by_code(ranking_for_period(period))["S1"]
    assert row.index == Decimal("92.00") and row.classification == "Tốt" and row.head_rating == "Hoàn thành xuất sắc nhiệm vụ"


def test_the_rated_head_is_the_one_serving_at_the_years_end_else_the_last_who_served(units):
    period = results_period()
    UnitHeadFactory(unit=units[0], full_name="Người cũ", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2024, 6, 30))
    UnitHeadFactory(unit=units[0], full_name="Người mới", title="Giám đốc", start_date=datetime.date(2024, 7, 1))
    UnitHeadFactory(unit=units[1], full_name="Đã nghỉ", start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2024, 3, 31))
    UnitHeadFactory(unit=units[1], full_name="Nghỉ sớm hơn", start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2024, 1, 31))
    UnitHeadFactory(unit=units[2], full_name="Năm sau", start_date=datetime.date(2025, 1, 1))
    rows = by_code(ranking_for_period(period))
    assert (rows["S1"].head_name, rows["S1"].head_title) == ("Người mới", "Giám đốc")
    assert rows["S2"].head_name == "Đã nghỉ"
    assert rows["S3"].head_name == "" and rows["S3"].head_title == ""


def test_the_ranking_runs_a_fixed_number_of_queries(units, django_assert_num_queries):
    period = results_period()
    # totals, assessments with their overrides, heads, and the publication check (the period's phase is not approved).
    with django_assert_num_queries(3):
        ranking_for_period(period)


def test_the_council_overrides_a_head_rating_with_a_reason_audited_and_shown(units, council_member, sonv_staff, unit_a_editor):
    period = results_period()
    give(period, units[0], "950")
    assessment = Assessment.objects.get(period=period, unit=units[0])
    with pytest.raises(ScoringError, match="lý do"):
        head_rating_override_set(actor=council_member, assessment=assessment, rating=HeadRating.GOOD, reason=" ")
    with pytest.raises(ScoringError, match="Chỉ Sở Nội vụ hoặc thành viên Hội đồng"):
        head_rating_override_set(actor=unit_a_editor, assessment=assessment, rating=HeadRating.GOOD, reason="x")
    head_rating_override_set(actor=council_member, assessment=assessment, rating=HeadRating.GOOD, reason="Để xảy ra vi phạm kỷ luật")
    row = by_code(ranking_for_period(period))["S1"]
    assert row.head_rating == "Hoàn thành tốt nhiệm vụ" and row.head_rating_overridden
    assert row.head_rating_reason == "Để xảy ra vi phạm kỷ luật" and row.classification == "Xuất sắc"
    event = AuditEvent.objects.get(action="head_rating.override")
    assert event.changes == {"head_rating": [None, "Hoàn thành tốt nhiệm vụ"]} and event.reason == "Để xảy ra vi phạm kỷ luật"
    head_rating_override_remove(actor=sonv_staff, assessment=assessment, reason="Hội đồng xem xét lại")
    row = by_code(ranking_for_period(period))["S1"]
    assert row.head_rating == "Hoàn thành xuất sắc nhiệm vụ" and not row.head_rating_overridden
    assert AuditEvent.objects.filter(action="head_rating.override_remove", actor=sonv_staff).exists()


def test_a_head_rating_cannot_be_overridden_outside_the_councils_work(units, council_member):
    period = results_period(phase=Phase.APPRAISAL)
    assessment = Assessment.objects.get(period=period, unit=units[0])
    with pytest.raises(ScoringError, match="hoàn thiện kết quả"):
        head_rating_override_set(actor=council_member, assessment=assessment, rating=HeadRating.GOOD, reason="x")
