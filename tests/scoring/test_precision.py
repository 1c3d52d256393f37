"""A period's precision (issue #18, part 1): 2 or 3 decimals. Typed scores with more decimals than
the period allows are refused, computed ones (survey averages) rounded half-up when stored, the
index rounded once, half-up, from the exact sums, and every page, file and the decision write the
period's decimals. Every expected figure is worked out here with fractions, not by the app."""

import io
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.tabular import ImportRejected, read_table
from reports.registry import KINDS
from scoring.exports import ranking_csv, ranking_xlsx
from scoring.models import Assessment, Period, Phase
from scoring.selectors import ranking_for_period
from scoring.services import (
    SCORE_COLUMNS,
    SCORE_REQUIRED,
    RowChange,
    ScoringError,
    framework_import,
    period_advance,
    score_set_self,
    scores_import,
    scores_save_sheet,
)

from .conftest import HEADER, approve, assessment_of, move, row, table_of

pytestmark = pytest.mark.django_db

# 1.1 can hold 97,685; 2.1 is a survey leaf (its points are averages of the answers).
TYPED = HEADER + """so-nganh,1,Chỉ đạo điều hành,100,,,,,
so-nganh,1.1,Kế hoạch,98,,,,no,no
so-nganh,1.2,Kiểm tra,2,,,,no,no
so-nganh,2,Khảo sát,5,,,,,
so-nganh,2.1,Hài lòng,5,survey,,,no,no
"""
# 200 points: 1.1 (189, may be not applicable) and 1.2 (11).
INDEXED = HEADER + """so-nganh,1,Chỉ đạo điều hành,200,,,,,
so-nganh,1.1,Kế hoạch,189,,,,no,yes
so-nganh,1.2,Kiểm tra,11,,,,no,no
"""


def opened(text: str, *, decimals: int | None = None, year: int = 2024) -> Period:
    """The framework imported with the given precision, then opened for self-assessment."""
    period = framework_import(table=table_of(text), year=year, actor=None, decimals=decimals).period
    return period_advance(actor=None, period=period)


def import_scores(period, stage: str, lines: str):
    table = read_table(("unit_code,criterion_code,score,note\n" + lines).encode(), "diem.csv", SCORE_COLUMNS, required=SCORE_REQUIRED)
    return scores_import(table=table, period=Period.objects.get(pk=period.pk), stage=stage, actor=None)


def half_up(value: Fraction, places: int) -> Decimal:
    """Round half-up, worked out on the exact fraction (no Decimal context involved)."""
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


# --- Typed scores ---------------------------------------------------------------------------------


def test_a_three_decimal_period_accepts_97_685_typed_in_the_row_form(unit_a_editor, client_of):
    period = opened(TYPED, decimals=3)
    score = row(assessment_of(period, unit_a_editor.unit), "1.1")
    response = client_of(unit_a_editor).post(
        reverse("scoring:score_self", args=[score.pk]), {"value": "97,685", "version": score.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert row(score.assessment, "1.1").self_score == Decimal("97.685")
    assert "97,685" in response.content.decode()


def test_a_three_decimal_period_accepts_97_685_in_the_save_all_sheet(unit_a_editor, client_of):
    period = opened(TYPED, decimals=3)
    assessment = assessment_of(period, unit_a_editor.unit)
    first, second = row(assessment, "1.1"), row(assessment, "1.2")
    data = {
        f"row-{first.pk}-value": "97,685", f"row-{first.pk}-note": "", f"row-{first.pk}-version": first.version,
        f"row-{second.pk}-value": "1.005", f"row-{second.pk}-note": "", f"row-{second.pk}-version": second.version,
    }
    response = client_of(unit_a_editor).post(reverse("scoring:sheet_save", args=[assessment.pk, "self"]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Đã lưu 2 tiêu chí" in response.content.decode()
    assert (row(assessment, "1.1").self_score, row(assessment, "1.2").self_score) == (Decimal("97.685"), Decimal("1.005"))
    # The unit's running total is the exact sum of the two stored leaves: 97,685 + 1,005 = 98,69.
    assert Assessment.objects.get(pk=assessment.pk).total_earned == Decimal("98.690")


def test_a_three_decimal_period_accepts_97_685_in_the_score_import(unit_a, tmp_path):
    period = opened(TYPED, decimals=3)
    path = tmp_path / "tu-danh-gia.csv"
    path.write_text("unit_code,criterion_code,score,note\nUNIT-A,1.1,\"97,685\",\nUNIT-A,1.2,0.125,\n", encoding="utf-8")
    call_command("import_scores", str(path), "--year", "2024", "--stage", "self", stdout=io.StringIO())
    assessment = assessment_of(period, unit_a)
    assert (row(assessment, "1.1").self_score, row(assessment, "1.2").self_score) == (Decimal("97.685"), Decimal("0.125"))


def test_a_three_decimal_period_refuses_a_fourth_decimal_and_says_three_are_allowed(unit_a_editor):
    period = opened(TYPED, decimals=3)
    score = row(assessment_of(period, unit_a_editor.unit), "1.1")
    with pytest.raises(ScoringError, match="có quá ba chữ số thập phân"):
        score_set_self(actor=unit_a_editor, score=score, value="97,6851", expected_version=score.version)
    assert row(score.assessment, "1.1").self_score is None


def test_a_two_decimal_period_still_refuses_1_005_in_the_form_the_sheet_and_the_import(unit_a_editor, client_of):
    period = opened(TYPED)
    assert period.decimals == 2
    assessment = assessment_of(period, unit_a_editor.unit)
    score = row(assessment, "1.2")
    response = client_of(unit_a_editor).post(
        reverse("scoring:score_self", args=[score.pk]), {"value": "1,005", "version": score.version}, HTTP_HX_REQUEST="true"
    )
    assert "có quá hai chữ số thập phân" in response.content.decode()
    with pytest.raises(ScoringError):
        scores_save_sheet(actor=unit_a_editor, assessment=assessment, stage="self", changes=[RowChange(score.pk, "1,005", version=score.version)])
    with pytest.raises(ImportRejected) as refused:
        import_scores(period, "self", "UNIT-A,1.2,\"1,005\",\n")
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "score")]
    assert "có quá hai chữ số thập phân" in refused.value.errors[0].message
    assert row(assessment, "1.2").self_score is None
    score_set_self(actor=unit_a_editor, score=score, value="1,25", expected_version=score.version)
    assert row(assessment, "1.2").self_score == Decimal("1.25")


# --- Computed values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decimals, average, stored",
    [
        (3, "2,0005", Decimal("2.001")),  # half-up: banker's rounding would give 2,000
        (2, "2,005", Decimal("2.01")),  # half-up: banker's rounding would give 2,00
        (3, "4,99949", Decimal("4.999")),
        (2, "2.0049", Decimal("2.00")),
    ],
)
def test_survey_averages_are_rounded_half_up_to_the_period_decimals_when_stored(unit_a, decimals, average, stored):
    period = move(opened(TYPED, decimals=decimals), Phase.APPRAISAL)
    import_scores(period, "survey", f'UNIT-A,2.1,"{average}",\n')
    score = row(assessment_of(period, unit_a), "2.1")
    assert score.appraised_score == stored and score.final_score == stored
    assert half_up(Fraction(average.replace(",", ".")), decimals) == stored


# --- The index --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decimals, full, plan, check",
    [
        # Unit A (max 200): 167,073 + 11 = 178,073 → 89,0365 % exactly → 89,037 (half-up).
        # Unit B (1.1 not applicable, max 11): 9,355 → 85,04545… % → 85,045 once; rounding a
        # rounded figure (85,0455) again would give 85,046.
        (3, "167.073", "NA", "9.355"),
        # Two decimals: 165,69 + 11 = 176,69 → 88,345 % → 88,35; 9,4 of 11 → 85,4545… → 85,45.
        (2, "165.69", "NA", "9.4"),
    ],
)
def test_the_index_is_rounded_once_half_up_from_the_exact_sum_of_stored_leaves(unit_a, unit_b, decimals, full, plan, check):
    period = move(opened(INDEXED, decimals=decimals), Phase.FINALIZATION)
    import_scores(period, "final", f"UNIT-A,1.1,{full},\nUNIT-A,1.2,11,\nUNIT-B,1.1,{plan},\nUNIT-B,1.2,{check},\n")
    a, b = assessment_of(period, unit_a), assessment_of(period, unit_b)
    expected_a = half_up((Fraction(full) + 11) / 200 * 100, decimals)
    expected_b = half_up(Fraction(check) / 11 * 100, decimals)
    assert (a.total_index, b.total_index) == (expected_a, expected_b)
    assert (expected_a, expected_b) == ((Decimal("89.037"), Decimal("85.045")) if decimals == 3 else (Decimal("88.35"), Decimal("85.45")))
    assert b.total_max == 11 and b.total_earned == Decimal(check)


# --- Display, exports and the decision ------------------------------------------------------------


@pytest.fixture
def three_decimals(unit_a, unit_b, sonv_staff):
    """A 3-decimal year in finalisation: unit A 97,685 of 98 + 2 + 5 (97,685 + 2 + 4,5 = 104,185
    of 105 → 99,22380… % → 99,224), unit B 90 + 1,005 + 3,25 = 94,255 → 89,76666… % → 89,767.
    (Sở Nội vụ's own unit is on the roster too, with nothing scored.)"""
    period = move(opened(TYPED, decimals=3), Phase.FINALIZATION, sonv_staff)
    import_scores(period, "final", "UNIT-A,1.1,\"97,685\",\nUNIT-A,1.2,2,\nUNIT-B,1.1,90,\nUNIT-B,1.2,\"1,005\",\n")
    import_scores(period, "survey", "UNIT-A,2.1,\"4,5\",\nUNIT-B,2.1,\"3,2500\",\n")
    return Period.objects.get(pk=period.pk)


def test_a_three_decimal_ranking_carries_three_decimals_computed_exactly(three_decimals):
    rows = {r.unit.code: r for r in ranking_for_period(three_decimals)}
    assert rows["UNIT-A"].score == Decimal("104.185") and rows["UNIT-A"].index == half_up(Fraction("104.185") / 105 * 100, 3) == Decimal("99.224")
    assert rows["UNIT-B"].score == Decimal("94.255") and rows["UNIT-B"].index == half_up(Fraction("94.255") / 105 * 100, 3) == Decimal("89.767")
    assert rows["UNIT-A"].field_scores == {"1": Decimal("99.685"), "2": Decimal("4.500")}
    assert rows["UNIT-A"].as_plain()["index"] == "99.224" and rows["UNIT-A"].as_plain()["score"] == "104.185"


def test_the_ranking_page_shows_the_period_decimals_with_a_comma(three_decimals, client_of, sonv_staff):
    page = client_of(sonv_staff).get(reverse("scoring:results_ranking", args=[2024, "so-nganh"])).content.decode()
    assert "99,224" in page and "89,767" in page and "104,185 / 105,000" in page


def test_exports_write_the_period_decimals(three_decimals):
    lines = ranking_csv(three_decimals).decode("utf-8").splitlines()
    assert lines[0] == "block,rank,unit_code,unit_name,score,max_score,index,classification,head_rating"
    assert lines[1].startswith("so-nganh,1,UNIT-A,") and ",104.185,105.000,99.224,Xuất sắc," in lines[1]
    assert ",94.255,105.000,89.767,Tốt," in lines[2]
    sheet = load_workbook(io.BytesIO(ranking_xlsx(three_decimals))).active
    index = sheet.cell(row=2, column=7)
    assert index.value == pytest.approx(99.224) and index.number_format == "0.000"


def test_a_two_decimal_period_exports_exactly_as_before(unit_a, unit_b):
    period = move(opened(INDEXED), Phase.FINALIZATION)
    import_scores(period, "final", "UNIT-A,1.1,165.69,\nUNIT-A,1.2,11,\nUNIT-B,1.1,NA,\nUNIT-B,1.2,9.4,\n")
    lines = ranking_csv(Period.objects.get(pk=period.pk)).decode("utf-8").splitlines()
    assert ",176.69,200.00,88.35,Tốt," in lines[1] and ",9.40,11.00,85.45,Tốt," in lines[2]
    sheet = load_workbook(io.BytesIO(ranking_xlsx(Period.objects.get(pk=period.pk)))).active
    assert sheet.cell(row=2, column=7).number_format == "0.00"


def test_the_decision_prints_three_decimals_for_a_three_decimal_period(three_decimals, sonv_staff):
    period = approve(three_decimals, sonv_staff)
    context = KINDS["decision"].build_context(period)
    printed = {r["unit"]: r for table in context["results"] for r in table["rows"]}
    unit_a = next(r for name, r in printed.items() if name == "Sở Khoa học và Công nghệ thử nghiệm")
    assert (unit_a["score"], unit_a["max"], unit_a["index"]) == ("104,185", "105,000", "99,224")
    assert unit_a["fields"] == ["99,685", "4,500"]
    heads = {r["unit"]: r["index"] for table in context["heads"] for r in table["rows"]}
    assert heads["Sở Ngoại vụ thử nghiệm"] == "89,767"
