"""Computed sub-criteria (issue #18, part 4): a row declares the figures the unit enters and a rule
(ratio, thresholds, steps, or a safe expression); its points follow from the figures, rounded
half-up to the period's decimals and kept between 0 and its max. Every expected figure is worked
out by hand in the test."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cchc.tabular import ImportRejected, read_table, write_csv
from reports.models import GeneratedDocument
from scoring.models import AppraisalAssignment, Criterion, Period, Phase, Score
from scoring.selectors import framework_export_table
from scoring.services import (
    FRAMEWORK_IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    ScoringError,
    assessment_submit,
    criterion_update,
    framework_import,
    period_advance,
    period_clone,
    score_set_appraisal,
    score_set_final,
    score_set_self,
)
from scoring.services.archive import period_export, period_import
from scoring.services.errors import ReasonRequired

from .conftest import assessment_of, move, row

pytestmark = pytest.mark.django_db

HEADER = ",".join(FRAMEWORK_IMPORT_COLUMNS)
# Field 1 (6 points) holds one row of each form; field 2 a penalty computed from a count.
FRAMEWORK = HEADER + """
so-nganh,1,Cải cách thủ tục hành chính,6,,,,,,,
so-nganh,1.1,Tỷ lệ hồ sơ giải quyết đúng hạn,1,,,,no,no,"a:Số hồ sơ giải quyết đúng hạn:hồ sơ:int; b:Tổng số hồ sơ tiếp nhận:hồ sơ:int","thresholds a/b 95:1 80:0,5 0:0"
so-nganh,1.2,Tỷ lệ văn bản gửi nhận điện tử,2,,,,no,no,"a:Số văn bản điện tử:văn bản; b:Tổng số văn bản:văn bản",ratio a b
so-nganh,1.3,Họp giao ban CCHC hằng quý,1,,,,no,no,n:Số cuộc họp giao ban:cuộc:int,steps n 4:1 3:0.75 2:0.5
so-nganh,1.4,Điểm khảo sát nội bộ,2,,,,no,yes,"x:Điểm khảo sát quý I::dec; y:Điểm khảo sát quý II::dec","expr min(x, y) ÷ 5"
so-nganh,2,Điểm trừ,0,,,,,,,
so-nganh,2.1,"Chậm gửi báo cáo (mỗi lần 0,5 điểm)",2,deduction,,,no,no,n:Số lần chậm báo cáo:lần:int,expr 0.5 × n
"""


def table_of(text: str):
    return read_table(text.encode("utf-8"), "bo-chi-so.csv", FRAMEWORK_IMPORT_COLUMNS, required=REQUIRED_COLUMNS)


def import_text(text: str, year: int = 2024):
    return framework_import(table=table_of(text), year=year, actor=None)


def refusals(text: str) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        import_text(text)
    return [str(error) for error in refused.value.errors]


@pytest.fixture
def computed(sonv_staff, council_member, unit_a_editor):
    period = period_advance(actor=sonv_staff, period=import_text(FRAMEWORK).period)
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="1")
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="2")
    return SimpleNamespace(period=period, a=assessment_of(period, unit_a_editor.unit), editor=unit_a_editor, member=council_member, staff=sonv_staff)


def claim(c, code, **figures):
    score = row(c.a, code)
    return score_set_self(actor=c.editor, score=score, expected_version=score.version, inputs={k: str(v) for k, v in figures.items()})


def points(c, code, **figures) -> Decimal:
    return claim(c, code, **figures) and row(c.a, code).self_score


# --- Each form, at its boundaries -----------------------------------------------------------------


@pytest.mark.parametrize(
    "done, total, expected",
    [
        (95, 100, "1"),  # exactly 95 %: the top level
        (19, 20, "1"),  # 95 % again, from other figures
        (94, 100, "0.5"),
        (80, 100, "0.5"),  # exactly 80 %
        (4, 5, "0.5"),
        (79, 100, "0"),
        (0, 7, "0"),
    ],
)
def test_a_threshold_rule_scores_the_level_the_ratio_reaches(computed, done, total, expected):
    assert points(computed, "1.1", a=done, b=total) == Decimal(expected)
    assert row(computed.a, "1.1").self_inputs == {"a": str(done), "b": str(total)}


def test_a_ratio_rule_gives_the_share_of_the_max_rounded_half_up_and_capped(computed):
    assert points(computed, "1.2", a=2, b=3) == Decimal("1.33")  # 2/3 × 2 = 1.333…
    assert points(computed, "1.2", a=5, b=6) == Decimal("1.67")  # 5/6 × 2 = 1.666…
    assert points(computed, "1.2", a=1, b=8) == Decimal("0.25")  # 1/8 × 2 exactly
    assert points(computed, "1.2", a=9, b=6) == Decimal("2")  # 3, capped at the max


def test_a_three_decimal_period_rounds_computed_points_to_three_places(computed):
    Period.objects.filter(pk=computed.period.pk).update(decimals=3)
    assert points(computed, "1.2", a=2, b=3) == Decimal("1.333")
    assert points(computed, "1.2", a=1, b=16) == Decimal("0.125")  # 1/16 × 2 exactly


@pytest.mark.parametrize("meetings, expected", [(5, "1"), (4, "1"), (3, "0.75"), (2, "0.5"), (1, "0"), (0, "0")])
def test_a_steps_rule_gives_a_share_of_the_max_by_count(computed, meetings, expected):
    assert points(computed, "1.3", n=meetings) == Decimal(expected)


def test_an_expression_is_evaluated_on_the_figures_and_capped(computed):
    assert points(computed, "1.4", x="7,5", y=9) == Decimal("1.5")  # min(7.5, 9) / 5
    assert points(computed, "1.4", x=12, y=11) == Decimal("2")  # 11 / 5 = 2.2, capped at 2
    assert row(computed.a, "1.4").self_inputs == {"x": "12", "y": "11"}


def test_the_council_enters_the_count_of_a_computed_penalty_and_it_is_capped(computed):
    move(computed.period, Phase.APPRAISAL, computed.staff)
    score = row(computed.a, "2.1")
    score_set_appraisal(actor=computed.member, score=score, inputs={"n": "3"}, expected_version=score.version)
    assert row(computed.a, "2.1").appraised_score == Decimal("1.5")  # 3 × 0.5
    score = row(computed.a, "2.1")
    score_set_appraisal(actor=computed.member, score=score, inputs={"n": "5"}, expected_version=score.version)
    assert row(computed.a, "2.1").appraised_score == 2  # 2.5, capped at the max of 2


# --- Figures that cannot be scored ------------------------------------------------------------------


def test_a_zero_denominator_is_refused_naming_the_row_and_the_figure(computed):
    with pytest.raises(ScoringError) as refused:
        claim(computed, "1.1", a=0, b=0)
    assert str(refused.value) == "Tiêu chí 1.1: mẫu số 'Tổng số hồ sơ tiếp nhận' bằng 0."
    assert row(computed.a, "1.1").self_score is None


def test_a_zero_divisor_in_an_expression_is_refused_too(computed, sonv_staff):
    text = FRAMEWORK.replace("expr min(x, y) ÷ 5", "expr x / y")
    period = period_advance(actor=sonv_staff, period=import_text(text, year=2025).period)
    assessment = assessment_of(period, computed.editor.unit)
    score = row(assessment, "1.4")
    with pytest.raises(ScoringError, match=r"^Tiêu chí 1.4: mẫu số bằng 0"):
        score_set_self(actor=computed.editor, score=score, inputs={"x": "3", "y": "0"}, expected_version=score.version)


def test_a_missing_figure_is_refused_naming_the_row_and_the_figure(computed):
    with pytest.raises(ScoringError) as refused:
        claim(computed, "1.1", a=12)
    assert str(refused.value) == "Tiêu chí 1.1: chưa nhập 'Tổng số hồ sơ tiếp nhận'."


def test_figures_that_are_not_whole_numbers_or_are_negative_are_refused(computed):
    with pytest.raises(ScoringError, match="'Tổng số hồ sơ tiếp nhận' phải là số nguyên"):
        claim(computed, "1.1", a=3, b="4,5")
    with pytest.raises(ScoringError, match="'Số hồ sơ giải quyết đúng hạn' không được âm"):
        claim(computed, "1.1", a=-1, b=4)


def test_a_typed_score_is_refused_on_a_computed_row(computed):
    score = row(computed.a, "1.1")
    with pytest.raises(ScoringError, match="được tính điểm từ số liệu"):
        score_set_self(actor=computed.editor, score=score, value="1", expected_version=score.version)


def test_no_figures_at_all_means_not_scored_yet(computed):
    claim(computed, "1.1", a=19, b=20)
    claim(computed, "1.1", a="", b="")
    score = row(computed.a, "1.1")
    assert score.self_score is None and score.self_inputs == {}


# --- Bad rules, refused naming the row --------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, words",
    [
        ("expr a + c", "'c' không phải số liệu đã khai báo"),  # an unknown name
        ("expr a.real + b", "Không được dùng thuộc tính 'a.real'"),  # attribute access
        ("expr abs(a - b)", "Hàm 'abs' không được hỗ trợ"),  # a call of an unknown function
        ('expr __import__("os").system("true") + a + b', "Không được gọi '__import__('os').system'"),
        ("expr eval(a) + b", "Hàm 'eval' không được hỗ trợ"),
        ("expr " + " + ".join(["a", "b"] * 60), "Công thức quá dài"),  # too long
        ("ratio a", "cần hai số liệu"),
        ("thresholds a/b 95:2 0:0", "mức 2 điểm của công thức vượt điểm tối đa 1"),
    ],
)
def test_a_bad_rule_is_refused_at_import_naming_the_row(db, formula, words):
    text = FRAMEWORK.replace('"thresholds a/b 95:1 80:0,5 0:0"', '"' + formula.replace('"', '""') + '"')
    messages = refusals(text)
    assert any(m.startswith("Dòng 3, cột formula: Tiêu chí 1.1: ") and words in m for m in messages), messages


def test_an_input_the_rule_never_uses_is_refused(db):
    text = FRAMEWORK.replace("ratio a b", "expr a / 2")
    assert any("Tiêu chí 1.2: Số liệu b được khai báo nhưng công thức không dùng đến" in m for m in refusals(text))


def test_a_rule_without_inputs_and_a_rule_on_a_parent_are_refused(db):
    messages = refusals(FRAMEWORK.replace('"a:Số văn bản điện tử:văn bản; b:Tổng số văn bản:văn bản"', ""))
    assert any("cột inputs: Tiêu chí 1.2: Có công thức tính điểm nhưng chưa khai báo số liệu" in m for m in messages), messages
    messages = refusals(FRAMEWORK.replace("so-nganh,1,Cải cách thủ tục hành chính,6,,,,,,,", "so-nganh,1,Cải cách thủ tục hành chính,6,,,,,,n:Số lần,expr n"))
    assert any("1 có tiêu chí con nên không có số liệu, công thức riêng" in m for m in messages), messages


def test_the_tree_editor_refuses_a_bad_rule_naming_the_row_and_keeps_the_good_one(db, sonv_staff):
    period = import_text(FRAMEWORK).period
    criterion = Criterion.objects.get(framework__period=period, code="1.2")
    with pytest.raises(ValidationError) as refused:
        criterion_update(actor=sonv_staff, criterion=criterion, formula="expr a.b")
    assert refused.value.message_dict["formula"] == ["Tiêu chí 1.2: Không được dùng thuộc tính 'a.b' trong công thức."]
    assert Criterion.objects.get(pk=criterion.pk).formula == "ratio a b"
    criterion_update(actor=sonv_staff, criterion=criterion, inputs="a:Số văn bản điện tử:văn bản:int;b:Tổng số văn bản:văn bản:int", formula="expr  a*2 / b")
    saved = Criterion.objects.get(pk=criterion.pk)
    assert saved.formula == "expr a * 2 / b" and saved.inputs == "a:Số văn bản điện tử:văn bản:int; b:Tổng số văn bản:văn bản:int"
    event = AuditEvent.objects.filter(action="criterion.update").latest("created_at")
    assert event.changes["formula"] == ["ratio a b", "expr a * 2 / b"]


def test_the_tree_editor_form_shows_the_refusal_on_the_formula_field(db, sonv_staff, client_of):
    period = import_text(FRAMEWORK).period
    criterion = Criterion.objects.get(framework__period=period, code="1.1")
    data = {
        "title": criterion.title, "max_score": "1", "kind": "self", "rule": "", "guidance": "",
        "inputs": criterion.inputs, "formula": "expr a + zz",
    }
    response = client_of(sonv_staff).post(reverse("scoring:criterion_edit", args=[criterion.pk]), data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "Tiêu chí 1.1: &#x27;zz&#x27; không phải số liệu đã khai báo" in page


# --- Appraisal corrects the figures, with a reason --------------------------------------------------


def test_the_appraiser_corrects_the_figures_with_a_reason_and_the_points_follow(computed):
    claim(computed, "1.1", a=19, b=20)
    move(computed.period, Phase.APPRAISAL, computed.staff)
    score = row(computed.a, "1.1")
    with pytest.raises(ReasonRequired) as refused:
        score_set_appraisal(actor=computed.member, score=score, inputs={"a": "18", "b": "20"}, expected_version=score.version)
    assert "thấp hơn điểm tự đánh giá 1" in str(refused.value)
    # A correction that does not lower the points still needs its reason.
    with pytest.raises(ReasonRequired, match=r"Số liệu thẩm định của tiêu chí 1.1 khác số liệu đơn vị nhập \(Số hồ sơ giải quyết đúng hạn: 19 → 20; Tổng số hồ sơ tiếp nhận: 20 → 21\)"):
        score_set_appraisal(actor=computed.member, score=score, inputs={"a": "20", "b": "21"}, expected_version=score.version)
    score_set_appraisal(
        actor=computed.member, score=score, inputs={"a": "18", "b": "20"}, reason="Hai hồ sơ trễ hạn theo sổ theo dõi.", expected_version=score.version
    )
    score = row(computed.a, "1.1")
    # 18 / 20 = 90 %: the 80–<95 % level.
    assert score.appraised_score == Decimal("0.5") and score.appraised_inputs == {"a": "18", "b": "20"}
    assert score.self_score == 1 and score.self_inputs == {"a": "19", "b": "20"}
    event = AuditEvent.objects.filter(action="score.appraisal").latest("created_at")
    assert event.changes["appraised_inputs"] == [None, "Số hồ sơ giải quyết đúng hạn: 18 hồ sơ; Tổng số hồ sơ tiếp nhận: 20 hồ sơ"]


def test_confirming_the_units_figures_needs_no_reason(computed):
    claim(computed, "1.3", n=3)
    move(computed.period, Phase.APPRAISAL, computed.staff)
    score = row(computed.a, "1.3")
    score_set_appraisal(actor=computed.member, score=score, inputs={"n": "3"}, expected_version=score.version)
    assert row(computed.a, "1.3").appraised_score == Decimal("0.75")


def test_final_figures_equal_to_the_appraised_ones_mean_as_appraised(computed):
    claim(computed, "1.3", n=2)
    move(computed.period, Phase.APPRAISAL, computed.staff)
    score = row(computed.a, "1.3")
    score_set_appraisal(actor=computed.member, score=score, inputs={"n": "2"}, expected_version=score.version)
    move(computed.period, Phase.FINALIZATION, computed.staff)
    score = row(computed.a, "1.3")
    score_set_final(actor=computed.member, score=score, inputs={"n": "2"}, expected_version=score.version)
    assert row(computed.a, "1.3").final_score is None and row(computed.a, "1.3").final_inputs == {}
    score = row(computed.a, "1.3")
    score_set_final(actor=computed.member, score=score, inputs={"n": "4"}, note="Bổ sung biên bản họp quý IV.", expected_version=score.version)
    assert row(computed.a, "1.3").final_score == 1 and row(computed.a, "1.3").effective_score == 1


# --- Frozen at submission -----------------------------------------------------------------------


def test_the_figures_are_frozen_once_the_unit_submits(computed):
    for code, figures in (("1.1", {"a": 19, "b": 20}), ("1.2", {"a": 1, "b": 2}), ("1.3", {"n": 4}), ("1.4", {"x": 5, "y": 5})):
        claim(computed, code, **figures)
    assessment_submit(actor=computed.editor, assessment=computed.a)
    with pytest.raises(ScoringError, match="Đơn vị đã nộp bản tự đánh giá"):
        claim(computed, "1.1", a=20, b=20)
    score = row(computed.a, "1.1")
    assert score.self_inputs == {"a": "19", "b": "20"} and score.self_score == 1


# --- The sheets -------------------------------------------------------------------------------------


def test_the_self_assessment_sheet_shows_input_boxes_and_saves_the_figures(computed, client_of):
    client = client_of(computed.editor)
    page = client.get(reverse("scoring:assessment_detail", args=[computed.a.pk])).content.decode()
    score = row(computed.a, "1.1")
    assert f'name="in_a" id="in-{score.pk}-a"' in page and f'id="value-{score.pk}"' not in page
    assert "Tỷ lệ Số hồ sơ giải quyết đúng hạn / Tổng số hồ sơ tiếp nhận: từ 95 % trở lên: 1 điểm" in page
    response = client.post(reverse("scoring:score_self", args=[score.pk]), {"version": score.version, "in_a": "17", "in_b": "20", "note": ""})
    assert response.status_code == 200
    assert row(computed.a, "1.1").self_score == Decimal("0.5")  # 85 %
    response = client.post(reverse("scoring:score_self", args=[score.pk]), {"version": score.version + 1, "in_a": "17", "in_b": "0"})
    assert response.status_code == 400 and "mẫu số &#x27;Tổng số hồ sơ tiếp nhận&#x27; bằng 0" in response.content.decode()


def test_save_all_carries_each_rows_figures(computed, client_of):
    one, three = row(computed.a, "1.1"), row(computed.a, "1.3")
    data = {
        f"row-{one.pk}-version": one.version, f"row-{one.pk}-in_a": "20", f"row-{one.pk}-in_b": "20",
        f"row-{three.pk}-version": three.version, f"row-{three.pk}-in_n": "3",
    }
    response = client_of(computed.editor).post(reverse("scoring:sheet_save", args=[computed.a.pk, "self"]), data)
    assert response.status_code == 200
    assert row(computed.a, "1.1").self_score == 1 and row(computed.a, "1.3").self_score == Decimal("0.75")


# --- Carried by the file, the clone and the archive --------------------------------------------------


def test_a_framework_with_computed_rows_goes_through_export_and_import_unchanged(db):
    period = import_text(FRAMEWORK).period
    columns, rows = framework_export_table(period)
    assert columns == FRAMEWORK_IMPORT_COLUMNS
    exported = write_csv(columns, rows)
    by_code = {line[1]: line for line in rows}
    assert by_code["1.1"][-2:] == ["a:Số hồ sơ giải quyết đúng hạn:hồ sơ:int; b:Tổng số hồ sơ tiếp nhận:hồ sơ:int", "thresholds a/b 95:1 80:0.5 0:0"]
    assert by_code["1.4"][-1] == "expr min(x, y) / 5" and by_code["2.1"][-1] == "expr 0.5 * n"
    again = import_text(exported.decode("utf-8-sig"), year=2030).period
    assert write_csv(*framework_export_table(again)) == exported


def test_a_framework_without_computed_rows_exports_its_nine_columns(db):
    from scoring.selectors import FRAMEWORK_COLUMNS

    period = import_text(HEADER + "\nso-nganh,1,Chỉ đạo,1,,,,,,,\nso-nganh,1.1,Kế hoạch,1,,,,no,no,,\n").period
    assert framework_export_table(period)[0] == FRAMEWORK_COLUMNS


def test_cloning_a_period_carries_the_inputs_and_rules(db, sonv_staff):
    period = import_text(FRAMEWORK).period
    clone = period_clone(actor=sonv_staff, source=period, year=2025)
    declared = dict(Criterion.objects.filter(framework__period=clone).exclude(formula="").values_list("code", "formula"))
    assert declared == {"1.1": "thresholds a/b 95:1 80:0.5 0:0", "1.2": "ratio a b", "1.3": "steps n 4:1 3:0.75 2:0.5", "1.4": "expr min(x, y) / 5", "2.1": "expr 0.5 * n"}
    assert Criterion.objects.get(framework__period=clone, code="1.3").inputs == "n:Số cuộc họp giao ban:cuộc:int"


def test_the_archive_carries_the_rules_and_the_figures(computed):
    claim(computed, "1.1", a=17, b=20)
    data = period_export(computed.period)
    GeneratedDocument.objects.all().delete()
    Period.objects.all().delete()
    AuditEvent.objects.all().delete()
    period = period_import(data)
    score = Score.objects.get(assessment__period=period, assessment__unit=computed.editor.unit, criterion__code="1.1")
    assert score.self_inputs == {"a": "17", "b": "20"} and score.self_score == Decimal("0.5")
    assert score.criterion.formula == "thresholds a/b 95:1 80:0.5 0:0"


def test_the_appraisal_sheet_offers_the_units_figures_to_correct_and_shows_them_after(computed, client_of):
    claim(computed, "1.1", a=19, b=20)
    move(computed.period, Phase.APPRAISAL, computed.staff)
    client = client_of(computed.member)
    url = reverse("scoring:appraisal_sheet", args=[computed.a.pk, "1"])
    score = row(computed.a, "1.1")
    page = client.get(url).content.decode()
    assert f'name="in_a" id="in-{score.pk}-a" value="19"' in page
    assert "Số hồ sơ giải quyết đúng hạn: 19 hồ sơ; Tổng số hồ sơ tiếp nhận: 20 hồ sơ" in page
    response = client.post(
        reverse("scoring:score_appraise", args=[score.pk]), {"version": score.version, "in_a": "18", "in_b": "20", "note": ""}
    )
    assert response.status_code == 400 and "cần nêu lý do" in response.content.decode()
    assert 'value="18"' in response.content.decode()  # what was typed stays in the boxes


def test_the_finalisation_sheet_offers_the_appraised_figures(computed, client_of):
    claim(computed, "1.3", n=2)
    move(computed.period, Phase.APPRAISAL, computed.staff)
    score = row(computed.a, "1.3")
    score_set_appraisal(actor=computed.member, score=score, inputs={"n": "2"}, expected_version=score.version)
    move(computed.period, Phase.FINALIZATION, computed.staff)
    page = client_of(computed.member).get(reverse("scoring:assessment_finalization", args=[computed.a.pk])).content.decode()
    assert f'name="in_n" id="in-{score.pk}-n" value="2"' in page
    assert "Số cuộc họp giao ban: 2 cuộc" in page  # the appraised figures, read only above the form


# --- Through a score file --------------------------------------------------------------------------


def score_file(c, text: str, stage: str = "self"):
    from scoring.services.imports import SCORE_COLUMNS, scores_import

    table = read_table(("unit_code,criterion_code,score,note\n" + text).encode("utf-8"), "diem.csv", SCORE_COLUMNS)
    return scores_import(table=table, period=c.period, stage=stage, actor=c.staff, source="diem.csv")


def test_a_score_file_gives_a_computed_row_its_figures_and_the_points_follow(computed):
    code = computed.a.unit.code
    score_file(computed, f'{code},1.1,"a=19; b=20",\n{code},1.2,"a=3; b=4",\n{code},1.3,n=3,\n')
    assert (row(computed.a, "1.1").self_inputs, row(computed.a, "1.1").self_score) == ({"a": "19", "b": "20"}, Decimal("1"))
    assert row(computed.a, "1.2").self_score == Decimal("1.5")  # 3/4 × 2
    assert row(computed.a, "1.3").self_score == Decimal("0.75")  # 3 meetings: ¾ of 1
    totals = type(computed.a).objects.get(pk=computed.a.pk)
    assert totals.total_earned == Decimal("3.25")


@pytest.mark.parametrize(
    "cell, words",
    [
        ("1", "ghi số liệu dạng 'a=…; b=…'"),
        ('"a=19; c=20"', "không có số liệu 'c'"),
        ('"a=19; a=20"', "được ghi hai lần"),
        ("a=19", "chưa nhập 'Tổng số hồ sơ tiếp nhận'"),
        ('"a=19; b=0"', "mẫu số 'Tổng số hồ sơ tiếp nhận' bằng 0"),
    ],
)
def test_a_score_file_with_bad_figures_is_refused_naming_the_row_and_writes_nothing(computed, cell, words):
    code = computed.a.unit.code
    with pytest.raises(ImportRejected) as refused:
        score_file(computed, f"{code},1.3,n=4,\n{code},1.1,{cell},\n")
    message = str(refused.value)
    assert "Dòng 3, cột score: Tiêu chí 1.1" in message and words in message
    assert row(computed.a, "1.3").self_score is None and row(computed.a, "1.1").self_inputs == {}
