"""Bonus points (điểm thưởng) and penalties (điểm trừ) outside the maximum, each capped by the max
of their field (issue #18, part 3). Every figure is worked out in the test from the framework
below: 10 ordinary points, bonus items of 2 + 2 under a cap of 3, penalties of 3 + 2 under a cap
of 4."""

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.tabular import ImportRejected
from scoring.exports import RANKING_COLUMNS, ranking_csv, ranking_xlsx
from scoring.models import AppraisalAssignment, Kind, Phase, Score
from scoring.selectors import (
    assessment_totals,
    criteria_tree_for_framework,
    ranking_for_period,
    unit_shortcomings,
)
from scoring.services import (
    ScoringError,
    assessment_submit,
    assessment_totals_refresh,
    score_set_appraisal,
    score_set_self,
)
from scoring.services.errors import ReasonRequired

from .conftest import HEADER, assessment_of, import_text, move, open_period, row

pytestmark = pytest.mark.django_db

FRAMEWORK = HEADER + """so-nganh,1,Chỉ đạo điều hành,10,,,,,
so-nganh,1.1,Kế hoạch CCHC,4,,,,no,no
so-nganh,1.2,Kiểm tra CCHC,6,,,,no,no
so-nganh,2,Điểm thưởng,3,bonus,,,,
so-nganh,2.1,Sáng kiến CCHC được công nhận,2,bonus,,Quyết định công nhận sáng kiến,yes,no
so-nganh,2.2,Hoàn thành xuất sắc nhiệm vụ đột xuất,2,điểm thưởng,,,no,no
so-nganh,3,Điểm trừ,4,deduction,,,,
so-nganh,3.1,Chậm gửi báo cáo,3,deduction,,,no,no
so-nganh,3.2,Để xảy ra vi phạm,2,deduction,,,no,no
"""


def put(assessment, code, **values):
    """Scores written past the services, the stored totals refreshed as a save would."""
    Score.objects.filter(assessment=assessment, criterion__code=code).update(**values)
    assessment_totals_refresh(period=assessment.period, assessment_ids=[assessment.pk])


@pytest.fixture
def bonus(sonv_staff, council_member, unit_a_editor, unit_b_editor):
    period = open_period(FRAMEWORK, actor=sonv_staff)
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="2")
    return SimpleNamespace(
        period=period,
        a=assessment_of(period, unit_a_editor.unit),
        b=assessment_of(period, unit_b_editor.unit),
        staff=sonv_staff,
        member=council_member,
        editor_a=unit_a_editor,
    )


# --- The framework --------------------------------------------------------------------------------


def test_the_framework_check_accepts_bonus_and_penalty_items_adding_up_above_their_fields_cap(db):
    period = import_text(FRAMEWORK).period
    tree = criteria_tree_for_framework(period.frameworks.get())
    assert tree.problems == []
    # The maximum is the ordinary points only; the caps are the most a unit gains or loses.
    assert tree.total == 10 and tree.bonus_total == 3 and tree.deduction_total == 4
    assert {node.code: node.kind for node in tree.rows if node.code.startswith("2")} == {"2": Kind.BONUS, "2.1": Kind.BONUS, "2.2": Kind.BONUS}


def test_a_cap_the_items_can_never_reach_is_refused_naming_the_field(db):
    text = FRAMEWORK.replace("so-nganh,2,Điểm thưởng,3,bonus", "so-nganh,2,Điểm thưởng,5,bonus")
    with pytest.raises(ImportRejected) as refused:
        import_text(text)
    messages = [str(e) for e in refused.value.errors]
    assert any("Mức trần điểm thưởng của 2 là 5" in m and "chỉ 4" in m for m in messages)


def test_an_ordinary_item_under_a_bonus_field_is_refused(db):
    text = FRAMEWORK.replace("so-nganh,2.2,Hoàn thành xuất sắc nhiệm vụ đột xuất,2,điểm thưởng", "so-nganh,2.2,Hoàn thành xuất sắc nhiệm vụ đột xuất,2,")
    with pytest.raises(ImportRejected) as refused:
        import_text(text)
    assert any("2.2 thuộc mục điểm thưởng 2 nên phải có loại bonus" in str(e) for e in refused.value.errors)


def test_the_import_reads_the_vietnamese_words_for_a_bonus_kind(db):
    text = FRAMEWORK.replace(",2,điểm thưởng,", ",2,Thưởng,")
    framework = import_text(text).period.frameworks.get()
    assert framework.criteria.get(code="2.2").kind == Kind.BONUS


# --- Totals -----------------------------------------------------------------------------------------


def test_bonus_points_above_the_cap_add_only_the_cap(bonus):
    put(bonus.a, "1.1", final_score=4)
    put(bonus.a, "1.2", final_score=3)
    put(bonus.a, "2.1", final_score=2)
    put(bonus.a, "2.2", final_score=2)
    totals = assessment_totals(bonus.a)
    # 4 + 3 ordinary points; bonus 2 + 2 = 4 is capped at 3: 7 + 3 = 10 of a maximum of 10.
    assert totals.earned == 7 and totals.bonus == 3 and totals.deducted == 0
    assert totals.score == 10 and totals.maximum == 10 and totals.index == 100
    assert totals.fields["2"].bonus == 3 and totals.fields["2"].maximum == 0


def test_penalties_above_the_cap_subtract_only_the_cap(bonus):
    put(bonus.a, "1.1", final_score=4)
    put(bonus.a, "1.2", final_score=6)
    put(bonus.a, "3.1", final_score=3)
    put(bonus.a, "3.2", final_score=2)
    totals = assessment_totals(bonus.a)
    # 10 earned; penalties 3 + 2 = 5 capped at 4: 10 − 4 = 6, an index of 60 %.
    assert totals.deducted == 4 and totals.score == 6 and totals.index == 60


def test_bonus_and_penalties_below_their_caps_count_in_full(bonus):
    put(bonus.a, "1.1", final_score=4)
    put(bonus.a, "1.2", final_score=Decimal("4.5"))
    put(bonus.a, "2.1", final_score=Decimal("1.5"))
    put(bonus.a, "3.2", final_score=Decimal("0.5"))
    totals = assessment_totals(bonus.a)
    # 8.5 + 1.5 − 0.5 = 9.5 of 10.
    assert totals.score == Decimal("9.5") and totals.index == Decimal("95.00")


def test_the_index_stops_at_100_unless_the_period_allows_it_to_exceed(bonus):
    put(bonus.a, "1.1", final_score=4)
    put(bonus.a, "1.2", final_score=5)
    put(bonus.a, "2.1", final_score=2)
    put(bonus.a, "2.2", final_score=1)
    bonus.a.refresh_from_db()
    # 9 + 3 = 12 points of a maximum of 10: the index is 100 %, the points stay 12.
    assert bonus.a.total_index == 100 and bonus.a.total_earned + bonus.a.total_bonus == 12
    bonus.period.index_over_100 = True
    bonus.period.save(update_fields=["index_over_100"])
    assessment_totals_refresh(period=bonus.period)
    bonus.a.refresh_from_db()
    assert bonus.a.total_index == Decimal("120.00")


# --- Claimed by the unit, appraised like its other rows ----------------------------------------------


def test_the_unit_claims_bonus_points_itself_and_the_council_appraises_them_with_a_reason(bonus):
    score = row(bonus.a, "2.2")
    score_set_self(actor=bonus.editor_a, score=score, value="2", expected_version=score.version)
    assert row(bonus.a, "2.2").self_score == 2
    # Its running total counts the claim (bonus rows are the unit's own).
    assert assessment_totals(bonus.a, self_only=True).bonus == 2
    penalty = row(bonus.a, "3.1")
    with pytest.raises(ScoringError, match="không do đơn vị tự chấm"):
        score_set_self(actor=bonus.editor_a, score=penalty, value="1", expected_version=penalty.version)
    move(bonus.period, Phase.APPRAISAL, bonus.staff)
    score = row(bonus.a, "2.2")
    with pytest.raises(ReasonRequired, match="thấp hơn điểm tự đánh giá 2"):
        score_set_appraisal(actor=bonus.member, score=score, value="1", expected_version=score.version)
    score_set_appraisal(actor=bonus.member, score=score, value="1", reason="Chỉ một nhiệm vụ có văn bản ghi nhận.", expected_version=score.version)
    assert row(bonus.a, "2.2").appraised_score == 1 and row(bonus.a, "2.2").is_deducted


def test_a_bonus_row_left_empty_claims_nothing_and_a_claimed_one_needs_its_evidence(bonus):
    from scoring.selectors import assessment_progress, unscored_codes

    for code, value in (("1.1", "4"), ("1.2", "6")):
        score = row(bonus.a, code)
        score_set_self(actor=bonus.editor_a, score=score, value=value, expected_version=score.version)
    assert unscored_codes(bonus.a) == [] and assessment_progress(bonus.a).unscored == 0
    assert assessment_progress(bonus.a).missing_evidence == 0  # 2.1 requires evidence, but is not claimed
    score = row(bonus.a, "2.1")
    score_set_self(actor=bonus.editor_a, score=score, value="2", expected_version=score.version)
    with pytest.raises(ScoringError, match="bắt buộc tài liệu kiểm chứng nhưng chưa có: 2.1"):
        assessment_submit(actor=bonus.editor_a, assessment=bonus.a)


def test_bonus_points_not_earned_are_no_shortcoming(bonus):
    put(bonus.a, "1.1", final_score=3)
    put(bonus.a, "1.2", final_score=6)
    put(bonus.a, "2.1", final_score=0)
    put(bonus.a, "3.1", final_score=1)
    lost = {item.score.criterion.code: item.lost for item in unit_shortcomings(bonus.a.pk)}
    assert lost == {"1.1": 1, "3.1": 1}


# --- Pages, files and the decision --------------------------------------------------------------------


def _scored(bonus):
    """Unit A: 9 + bonus 3 (capped) − penalty 1 = 11 → index 100; unit B: 8 − penalty 4 (capped) = 4
    → index 40. Both in finalisation."""
    for code, value in (("1.1", 4), ("1.2", 5), ("2.1", 2), ("2.2", 2), ("3.1", 1)):
        put(bonus.a, code, final_score=value)
    for code, value in (("1.1", 4), ("1.2", 4), ("3.1", 3), ("3.2", 2)):
        put(bonus.b, code, final_score=value)
    return move(bonus.period, Phase.FINALIZATION, bonus.staff)


def test_the_ranking_rows_carry_bonus_and_penalties_after_their_caps(bonus):
    period = _scored(bonus)
    rows = {r.unit.code: r for r in ranking_for_period(period)}
    a, b = rows["UNIT-A"], rows["UNIT-B"]
    assert (a.score, a.bonus, a.deducted, a.index) == (Decimal("11.00"), Decimal("3.00"), Decimal("1.00"), Decimal("100.00"))
    assert (b.score, b.bonus, b.deducted, b.index) == (Decimal("4.00"), Decimal("0.00"), Decimal("4.00"), Decimal("40.00"))
    # The field of bonus points and the field of penalties, with their signs.
    assert a.field_scores["2"] == 3 and a.field_scores["3"] == -1 and b.field_scores["3"] == -4


def test_the_ranking_page_shows_bonus_and_penalties_in_columns_of_their_own(bonus, client_of):
    period = _scored(bonus)
    page = client_of(bonus.staff).get(reverse("scoring:results_ranking", args=[period.year, "so-nganh"])).content.decode()
    assert "Điểm thưởng</th>" in page and "Điểm trừ</th>" in page
    assert "+3,00</td>" in page and "−4,00</td>" in page
    # The fields made only of bonus points or penalties are not field columns as well.
    assert "LV 2</th>" not in page and "LV 3</th>" not in page and "LV 1</th>" in page


def test_the_unit_results_page_shows_its_bonus_and_penalties(bonus, client_of):
    period = _scored(bonus)
    url = reverse("scoring:results_unit", args=[period.year, bonus.a.unit_id])
    page = client_of(bonus.staff).get(url).content.decode()
    assert "gồm +3,00 điểm thưởng, −1,00 điểm trừ" in page
    assert "bonus-line" in page and "deduction-line" in page


def test_the_xlsx_ranking_has_bonus_and_penalty_columns_and_the_csv_keeps_its_nine(bonus):
    period = _scored(bonus)
    sheet = load_workbook(io.BytesIO(ranking_xlsx(period))).active
    header = [c.value for c in sheet[1]]
    assert header == RANKING_COLUMNS + ["bonus", "deducted"]
    lines = {row[2].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert lines["UNIT-A"][4] == 11 and lines["UNIT-A"][-2:] == [3, 1]
    assert lines["UNIT-B"][-2:] == [0, 4]
    csv_lines = ranking_csv(period).decode("utf-8-sig").splitlines()
    assert csv_lines[0] == ",".join(RANKING_COLUMNS)
    assert any(line.startswith("so-nganh,1,UNIT-A,") and ",11.00,10.00,100.00," in line for line in csv_lines)


def test_the_decision_appendix_has_bonus_and_penalty_columns(bonus, sonv_staff):
    from reports.decision import build_context
    from tests.scoring.conftest import approve

    period = approve(_scored(bonus), sonv_staff)
    context = build_context(period)
    table = context["results"][0]
    assert table["bonus_column"] and table["deduction_column"]
    assert [f["code"] for f in table["fields"]] == ["1"]
    lines = {r["unit"]: r for r in table["rows"]}
    a = lines[bonus.a.unit.name]
    assert (a["bonus"], a["deducted"], a["score"], a["index"]) == ("3,00", "−1,00", "11,00", "100,00")


def test_a_period_without_bonus_rows_has_no_bonus_column(db):
    from scoring.selectors import outside_columns

    period = import_text(FRAMEWORK.split("so-nganh,2,")[0]).period
    assert not outside_columns(period).any


def test_period_settings_lets_the_index_exceed_100_and_the_stored_indexes_follow(bonus, capsys):
    from django.core.management import call_command

    from audit.models import AuditEvent

    for code, value in (("1.1", 4), ("1.2", 6), ("2.1", 2)):
        put(bonus.a, code, final_score=value)
    bonus.a.refresh_from_db()
    assert bonus.a.total_index == 100  # 10 + 2 = 12 of 10, capped
    call_command("period_settings", "--year", "2024", "--index-over-100", "yes")
    assert "Chỉ số được vượt 100%" in capsys.readouterr().out
    bonus.a.refresh_from_db()
    assert bonus.a.total_index == Decimal("120.00")
    event = AuditEvent.objects.filter(action="period.settings").latest("created_at")
    assert event.changes["index_over_100"] == [False, True]
    call_command("period_settings", "--year", "2024", "--index-over-100", "no")
    bonus.a.refresh_from_db()
    assert bonus.a.total_index == 100


def test_the_period_form_sets_whether_the_index_may_exceed_100(bonus, client_of):
    from scoring.forms import PeriodForm

    form = PeriodForm(instance=bonus.period)
    assert "index_over_100" in form.fields and not form.fields["index_over_100"].disabled
