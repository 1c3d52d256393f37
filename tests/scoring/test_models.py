from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring.models import Criterion, Kind, Period, format_rule, format_score, parse_rule

RULE = "1=Đầy đủ, đúng hạn; 0.5=Chậm; 0=Không thực hiện"


def leaf(max_score="1", rule=RULE, **fields) -> Criterion:
    return Criterion(code="1.1.1", title="Ban hành kế hoạch", max_score=Decimal(max_score), rule=rule, **fields)


def test_a_rule_lists_its_levels_highest_first_with_their_labels():
    assert parse_rule("0=Không thực hiện; 1=Đầy đủ, đúng hạn; 0,5=Chậm") == [
        (Decimal("1"), "Đầy đủ, đúng hạn"),
        (Decimal("0.5"), "Chậm"),
        (Decimal("0"), "Không thực hiện"),
    ]


def test_a_rule_may_put_one_level_per_line():
    assert [v for v, _ in parse_rule("1,5=Đầy đủ\n0,75=Chậm\n0=Không")] == [Decimal("1.5"), Decimal("0.75"), Decimal("0")]


def test_the_canonical_rule_uses_a_dot_and_no_trailing_zeros():
    assert format_rule(parse_rule("1.50=Đủ;  0,75 = Chậm ;0.00=Không")) == "1.5=Đủ; 0.75=Chậm; 0=Không"


@pytest.mark.parametrize(
    "rule, message",
    [
        ("1 Đầy đủ; 0=Không", "thiếu dấu '='"),
        ("một=Đầy đủ", "không phải là số điểm hợp lệ"),
        ("1=; 0=Không", "chưa có mô tả"),
        ("1=Đủ; 1,0=Cũng đủ", "bị lặp"),
        ("0.125=Lẻ", "không phải là số điểm hợp lệ"),
    ],
)
def test_a_malformed_rule_is_refused_with_a_vietnamese_message(rule, message):
    with pytest.raises(ValueError, match=message):
        parse_rule(rule)


def test_check_score_accepts_a_decimal_comma_and_a_decimal_point():
    criterion = leaf()
    assert criterion.check_score("0,5") == Decimal("0.50")
    assert criterion.check_score("0.5") == Decimal("0.50")
    assert criterion.check_score(Decimal("1")) == Decimal("1.00")


def test_check_score_refuses_a_value_outside_the_rule():
    with pytest.raises(ValidationError, match="chỉ chấm một trong các mức: 1; 0,5; 0"):
        leaf().check_score("0,75")


def test_check_score_refuses_a_value_above_the_max():
    with pytest.raises(ValidationError, match="vượt điểm tối đa"):
        leaf(max_score="2", rule="").check_score("2,5")


def test_without_a_rule_any_value_from_zero_to_the_max_in_hundredths_is_allowed():
    criterion = leaf(max_score="2", rule="")
    assert criterion.check_score("1,37") == Decimal("1.37")
    for bad in ("-0,5", "1,375", "abc", ""):
        with pytest.raises(ValidationError):
            criterion.check_score(bad)


def test_a_deduction_is_scored_as_the_penalty_up_to_its_max():
    penalty = leaf(max_score="2", rule="", kind=Kind.DEDUCTION)
    assert penalty.check_score("1,5") == Decimal("1.50")
    with pytest.raises(ValidationError):
        penalty.check_score("3")


def test_a_rule_level_above_the_max_is_a_problem_of_the_row():
    assert ("rule", "Mức điểm 2 của cách chấm vượt điểm tối đa 1.") in leaf(rule="2=Đủ; 0=Không").field_problems()


def test_the_highest_rule_level_must_be_the_max():
    problems = dict(leaf(max_score="2", rule="1=Đủ; 0=Không").field_problems())
    assert "phải bằng điểm tối đa 2" in problems["rule"]


@pytest.mark.parametrize("code", ["1", "1.2", "1.2.3", "10.12.3"])
def test_dotted_codes_are_valid(code):
    assert Criterion(code=code, title="x", max_score=Decimal("1")).field_problems() == []


@pytest.mark.parametrize("code", ["", "1.", "a.1", "1..2", "0", "1.2.3.4.5.6"])
def test_other_codes_are_refused(code):
    assert "code" in dict(Criterion(code=code, title="x", max_score=Decimal("1")).field_problems())


def test_the_level_follows_the_code():
    assert [Criterion(code=c).level_label for c in ("3", "3.2", "3.2.1")] == ["Lĩnh vực", "Tiêu chí", "Tiêu chí thành phần"]


def test_scores_print_without_trailing_zeros():
    assert [format_score(Decimal(v)) for v in ("12.00", "0.50", "0.75", "0", "100")] == ["12", "0.5", "0.75", "0", "100"]


def test_a_period_classifies_with_the_default_bands_of_the_domain():
    period = Period(year=2024)
    assert [period.classify(Decimal(v)) for v in ("90", "89.99", "80", "70", "50", "49.99")] == [
        "Xuất sắc",
        "Tốt",
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
    ]
    assert [period.head_rating(Decimal(v)) for v in ("95", "85", "50", "10")] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]


def test_band_thresholds_must_decrease():
    period = Period(year=2024, title="x", band_good_min=Decimal("95"))
    with pytest.raises(ValidationError, match="giảm dần"):
        period.clean()


def test_deadlines_must_follow_the_phases():
    import datetime

    period = Period(year=2024, title="x", self_assessment_deadline=datetime.date(2024, 12, 15), appraisal_deadline=datetime.date(2024, 12, 1))
    with pytest.raises(ValidationError, match="không được trước"):
        period.clean()
