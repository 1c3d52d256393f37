import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from scoring.models import AppraisalAssignment, Assessment, Criterion, Evidence, Kind, Phase, Score
from scoring.scope import assessment_access
from scoring.selectors import score_history
from scoring.services import (
    PhaseError,
    ScoringError,
    assessment_submit,
    assessments_create_missing,
    assignment_create,
    conflict_declare,
    evidence_add,
    evidence_delete,
    period_advance,
    period_reopen,
    score_return_to_appraiser,
    score_set_appraisal,
    score_set_explanation,
    score_set_final,
    score_set_self,
)
from tests.factories import UnitFactory, make_user
from units import roles

from .conftest import PDF, approve, fill_self, move, row, submit

pytestmark = pytest.mark.django_db


def self_save(cycle, code, value, *, editor=None, **kwargs):
    score = row(cycle.a, code)
    return score_set_self(actor=editor or cycle.editor_a, score=score, value=value, expected_version=score.version, **kwargs)


def to_appraisal(cycle):
    fill_self(cycle.a)
    fill_self(cycle.b)
    return move(cycle.period, Phase.APPRAISAL)


def appraise(cycle, code, value, reason="", actor=None, assessment=None):
    score = row(assessment or cycle.a, code)
    return score_set_appraisal(actor=actor or cycle.member, score=score, value=value, reason=reason, expected_version=score.version)


# --- Opening and closing ------------------------------------------------------------------------


def test_opening_self_assessment_creates_an_assessment_per_active_unit_and_a_row_per_leaf(cycle):
    leaves = Criterion.objects.filter(framework=cycle.a.framework, children__isnull=True).count()
    assert leaves == Score.objects.filter(assessment=cycle.a).count() == 41
    assert not Score.objects.filter(assessment=cycle.a, criterion__children__isnull=False).exists()
    units = set(Assessment.objects.filter(period=cycle.period).values_list("unit__code", flat=True))
    assert units == {"UNIT-A", "UNIT-B", "SNV", "STP-T"}
    assert all(a.status == Assessment.Status.OPEN for a in Assessment.objects.filter(period=cycle.period))


def test_reopening_to_draft_and_advancing_again_keeps_assessments_and_scores(cycle):
    self_save(cycle, "1.1.1", "1")
    period_reopen(actor=cycle.staff, period=cycle.period, to_phase=Phase.DRAFT, reason="Sửa bộ chỉ số")
    period_advance(actor=cycle.staff, period=cycle.period)
    assert Assessment.objects.filter(period=cycle.period).count() == 4
    assert Score.objects.filter(assessment=cycle.a).count() == 41
    assert row(cycle.a, "1.1.1").self_score == 1


def test_staff_create_assessments_for_units_added_later_and_a_second_run_adds_nothing(cycle):
    UnitFactory(code="UNIT-NEW", name="Sở mới thành lập")
    UnitFactory(code="UNIT-OLD", name="Sở đã giải thể", active=False)
    assert assessments_create_missing(actor=cycle.staff, period=cycle.period) == 1
    assert assessments_create_missing(actor=cycle.staff, period=cycle.period) == 0
    assert Score.objects.filter(assessment__unit__code="UNIT-NEW").count() == 41
    assert not Assessment.objects.filter(unit__code="UNIT-OLD").exists()


def test_leaving_self_assessment_closes_the_unsubmitted_assessments_as_they_stand(cycle):
    submit(cycle.b)
    self_save(cycle, "1.1.1", "0,5")
    move(cycle.period, Phase.APPRAISAL)
    cycle.a.refresh_from_db()
    cycle.b.refresh_from_db()
    assert cycle.a.status == Assessment.Status.CLOSED and cycle.b.status == Assessment.Status.SUBMITTED
    assert row(cycle.a, "1.1.1").self_score == Decimal("0.5")
    assert AuditEvent.objects.filter(action="assessment.close").exists()


# --- Self-assessment ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0,5", "0.5", " 0,50 "])
def test_a_self_score_is_read_with_a_decimal_comma_or_dot(cycle, typed):
    score = self_save(cycle, "1.1.1", typed, note="Kế hoạch số 12/KH-UBND")
    assert score.self_score == Decimal("0.5") and score.version == 2 and score.self_note == "Kế hoạch số 12/KH-UBND"


@pytest.mark.parametrize(
    "value, message",
    [("2", "vượt điểm tối đa 1"), ("0,25", "chỉ chấm một trong các mức: 1; 0,5; 0"), ("-1", "không được âm"), ("abc", "không phải")],
)
def test_a_self_score_over_the_max_or_not_allowed_by_the_rule_is_refused(cycle, value, message):
    with pytest.raises(ScoringError, match=message):
        self_save(cycle, "1.1.1", value)
    assert row(cycle.a, "1.1.1").self_score is None


def test_not_applicable_is_refused_where_the_criterion_does_not_allow_it(cycle):
    with pytest.raises(ScoringError, match="không được đánh dấu “không áp dụng”"):
        self_save(cycle, "1.1.1", None, not_applicable=True)
    score = self_save(cycle, "1.3.1", "1", not_applicable=True)
    assert score.not_applicable and score.self_score is None


def test_survey_and_deduction_rows_are_not_self_assessed(cycle):
    for code in ("8.1", "9.1"):
        with pytest.raises(ScoringError, match="không do đơn vị tự chấm"):
            self_save(cycle, code, "0")


def test_the_editor_of_another_unit_cannot_self_assess_unit_a(cycle):
    with pytest.raises(ScoringError, match="Chỉ cán bộ đầu mối CCHC của đơn vị"):
        self_save(cycle, "1.1.1", "1", editor=cycle.editor_b)
    with pytest.raises(ScoringError):
        self_save(cycle, "1.1.1", "1", editor=cycle.staff)


def test_the_unit_cannot_edit_after_submission_and_the_message_says_when(cycle):
    fill_self(cycle.a)
    Evidence.objects.all().delete()
    assessment_submit(actor=cycle.editor_a, assessment=cycle.a, note="Tài liệu gửi bản giấy.")
    today = datetime.date.today().strftime("%d/%m/%Y")
    with pytest.raises(ScoringError, match=f"Đơn vị đã nộp bản tự đánh giá ngày {today}, không thể sửa."):
        self_save(cycle, "1.1.1", "0")


def test_the_unit_cannot_edit_after_the_deadline(cycle):
    cycle.period.self_assessment_deadline = datetime.date.today() - datetime.timedelta(days=1)
    cycle.period.save()
    deadline = cycle.period.self_assessment_deadline.strftime("%d/%m/%Y")
    with pytest.raises(ScoringError, match=f"Đã quá hạn tự đánh giá \\({deadline}\\)."):
        self_save(cycle, "1.1.1", "1")


def test_the_deadline_day_itself_is_still_open(cycle):
    cycle.period.self_assessment_deadline = datetime.date.today()
    cycle.period.save()
    assert self_save(cycle, "1.1.1", "1").self_score == 1


def test_the_unit_cannot_self_assess_outside_the_self_assessment_phase(cycle):
    move(cycle.period, Phase.APPRAISAL)
    with pytest.raises(ScoringError):
        self_save(cycle, "1.1.1", "1")


def test_submission_is_refused_while_rows_are_unscored(cycle):
    with pytest.raises(ScoringError, match="tiêu chí chưa chấm: 1.1.1"):
        assessment_submit(actor=cycle.editor_a, assessment=cycle.a)


def test_submission_is_refused_while_required_evidence_is_missing_unless_explained(cycle):
    fill_self(cycle.a)
    with pytest.raises(ScoringError, match="bắt buộc tài liệu kiểm chứng nhưng chưa có: 1.1.1"):
        assessment_submit(actor=cycle.editor_a, assessment=cycle.a)
    assessment = assessment_submit(actor=cycle.editor_a, assessment=cycle.a, note="Tài liệu lưu tại hệ thống văn bản của Sở.")
    assert assessment.status == Assessment.Status.SUBMITTED and assessment.submit_note


def test_submission_passes_when_every_required_row_has_evidence_or_is_not_applicable(cycle):
    rows = fill_self(cycle.a)
    for score in rows:
        if score.criterion.evidence_required and score.criterion.code != "1.3.1":
            Evidence.objects.create(score=score, original_name="a.pdf", size=1, content_type="application/pdf", file="x.pdf")
    self_save(cycle, "1.3.1", None, not_applicable=True)
    assert assessment_submit(actor=cycle.editor_a, assessment=cycle.a).status == Assessment.Status.SUBMITTED


def test_evidence_is_checked_by_content_and_stored_with_its_citation(cycle):
    score = row(cycle.a, "1.1.1")
    upload = SimpleUploadedFile("Kế hoạch CCHC năm 2024.pdf", PDF, content_type="application/pdf")
    evidence = evidence_add(actor=cycle.editor_a, score=score, upload=upload, doc_number="12/KH-SKHCN", doc_date=datetime.date(2024, 2, 5), page_ref="3")
    assert evidence.original_name == "Kế hoạch CCHC năm 2024.pdf" and evidence.content_type == "application/pdf"
    assert evidence.citation == "Số 12/KH-SKHCN, ngày 05/02/2024, tr. 3"
    assert evidence.file.name.startswith("evidence/scoring/") and "Kế" not in evidence.file.name
    with pytest.raises(ScoringError, match="không đúng định dạng"):
        evidence_add(actor=cycle.editor_a, score=score, upload=SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    evidence_delete(actor=cycle.editor_a, evidence=evidence)
    assert not Evidence.objects.exists()


# --- Appraisal -----------------------------------------------------------------------------------


def test_appraisal_is_refused_before_and_accepted_in_the_appraisal_phase(cycle):
    fill_self(cycle.a)
    with pytest.raises(PhaseError, match="không phải giai đoạn thẩm định"):
        appraise(cycle, "2.3", "3")
    move(cycle.period, Phase.APPRAISAL)
    score = appraise(cycle, "2.3", "3")
    assert score.appraised_score == 3 and score.appraised_by == cycle.member and score.appraised_at


def test_a_member_appraises_only_the_fields_assigned_to_them(cycle):
    to_appraisal(cycle)
    with pytest.raises(ScoringError, match="không được phân công"):
        appraise(cycle, "1.1.1", "1")
    assert appraise(cycle, "1.1.1", "1", actor=cycle.staff).appraised_score == 1


def test_an_assignment_for_one_block_does_not_reach_another_block(cycle):
    AppraisalAssignment.objects.all().delete()
    other = make_user(roles.COUNCIL, UnitFactory(code="STC-T"), username="council2")
    assignment_create(actor=cycle.staff, period=cycle.period, member=other, field_code="2", block=cycle.a.unit.block)
    to_appraisal(cycle)
    assert appraise(cycle, "2.3", "3", actor=other).appraised_score == 3
    with pytest.raises(ScoringError, match="Bộ chỉ số năm 2024 không có lĩnh vực 12"):
        assignment_create(actor=cycle.staff, period=cycle.period, member=other, field_code="12")
    with pytest.raises(ScoringError, match="không phải thành viên Hội đồng"):
        assignment_create(actor=cycle.staff, period=cycle.period, member=cycle.editor_a, field_code="2")


def test_a_member_never_appraises_their_own_unit(cycle):
    own = Assessment.objects.get(period=cycle.period, unit=cycle.member.unit)
    fill_self(own)
    move(cycle.period, Phase.APPRAISAL)
    with pytest.raises(ScoringError, match="không được phân công"):
        appraise(cycle, "2.3", "3", assessment=own)


def test_a_member_who_declared_a_conflict_cannot_appraise_that_unit(cycle):
    to_appraisal(cycle)
    with pytest.raises(ScoringError, match="Cần nêu lý do"):
        conflict_declare(actor=cycle.member, period=cycle.period, unit=cycle.a.unit, reason=" ")
    conflict_declare(actor=cycle.member, period=cycle.period, unit=cycle.a.unit, reason="Vợ công tác tại đơn vị")
    with pytest.raises(ScoringError):
        appraise(cycle, "2.3", "3")
    assert appraise(cycle, "2.3", "3", assessment=cycle.b).appraised_score == 3


def test_a_reason_is_required_whenever_the_appraised_score_is_below_the_self_score(cycle):
    to_appraisal(cycle)
    with pytest.raises(ScoringError, match="Điểm thẩm định 1,5 thấp hơn điểm tự đánh giá 3: cần nêu lý do trừ điểm."):
        appraise(cycle, "2.3", "1,5")
    score = appraise(cycle, "2.3", "1,5", reason="Báo cáo theo dõi thi hành pháp luật chưa đầy đủ.")
    assert score.appraised_score == Decimal("1.5") and score.is_deducted


def test_deductions_are_entered_by_the_council_between_zero_and_the_max(cycle):
    to_appraisal(cycle)
    with pytest.raises(ScoringError, match="vượt điểm tối đa 2"):
        appraise(cycle, "9.1", "2,5", actor=cycle.staff)
    assert appraise(cycle, "9.1", "1", actor=cycle.staff).appraised_score == 1


def test_survey_rows_are_not_appraised_in_the_browser(cycle):
    to_appraisal(cycle)
    with pytest.raises(ScoringError, match="điều tra xã hội học"):
        appraise(cycle, "8.1", "10", actor=cycle.staff)


# --- Explanation, finalisation, return -----------------------------------------------------------


def explanation_ready(cycle):
    to_appraisal(cycle)
    appraise(cycle, "2.3", "1,5", reason="Chưa đầy đủ.")
    appraise(cycle, "2.1.1", "2")
    return move(cycle.period, Phase.EXPLANATION)


def explain(cycle, code, text="Đơn vị bổ sung báo cáo số 5/BC."):
    score = row(cycle.a, code)
    return score_set_explanation(actor=cycle.editor_a, score=score, text=text, expected_version=score.version)


def test_the_unit_explains_only_the_rows_marked_down_in_the_explanation_phase(cycle):
    explanation_ready(cycle)
    assert explain(cycle, "2.3").explanation.startswith("Đơn vị bổ sung")
    with pytest.raises(ScoringError, match="không bị trừ điểm"):
        explain(cycle, "2.1.1")
    score = row(cycle.a, "2.3")
    with pytest.raises(ScoringError, match="Chỉ cán bộ đầu mối CCHC"):
        score_set_explanation(actor=cycle.editor_b, score=score, text="x", expected_version=score.version)


def test_explanations_close_at_the_explanation_deadline(cycle):
    period = explanation_ready(cycle)
    period.explanation_deadline = datetime.date.today() - datetime.timedelta(days=1)
    period.save()
    with pytest.raises(ScoringError, match="Đã quá hạn giải trình"):
        explain(cycle, "2.3")


def test_the_council_sets_final_scores_only_in_finalization_and_empty_means_as_appraised(cycle):
    explanation_ready(cycle)
    explain(cycle, "2.3")
    score = row(cycle.a, "2.3")
    with pytest.raises(PhaseError, match="hoàn thiện kết quả"):
        score_set_final(actor=cycle.member, score=score, value="3", expected_version=score.version)
    move(cycle.period, Phase.FINALIZATION)
    score = score_set_final(actor=cycle.member, score=row(cycle.a, "2.3"), value="3", note="Chấp nhận giải trình.", expected_version=score.version)
    assert score.final_score == 3 and score.effective_score == 3
    score = score_set_final(actor=cycle.member, score=score, value="1,5", note="Giữ điểm thẩm định.", expected_version=score.version)
    assert score.final_score is None and score.effective_score == Decimal("1.5")
    with pytest.raises(ScoringError, match="Chỉ thành viên Hội đồng được phân công"):
        score_set_final(actor=cycle.editor_a, score=score, value="3", expected_version=score.version)


def test_staff_return_a_row_to_its_appraiser_who_may_then_score_it_again(cycle):
    explanation_ready(cycle)
    move(cycle.period, Phase.FINALIZATION)
    score = row(cycle.a, "2.3")
    with pytest.raises(ScoringError, match="Chỉ Sở Nội vụ"):
        score_return_to_appraiser(actor=cycle.member, score=score, note="x", expected_version=score.version)
    score = score_return_to_appraiser(actor=cycle.staff, score=score, note="Xem lại tài liệu bổ sung.", expected_version=score.version)
    assert score.needs_reappraisal
    score = appraise(cycle, "2.3", "3")
    assert score.appraised_score == 3 and not score.needs_reappraisal
    with pytest.raises(PhaseError):
        appraise(cycle, "2.1.1", "1", reason="x")


# --- Approved periods and history ------------------------------------------------------------------


def test_nothing_changes_in_an_approved_period(cycle):
    explanation_ready(cycle)
    explain(cycle, "2.3")
    approve(cycle.period, cycle.staff)
    score = row(cycle.a, "2.3")
    evidence = Evidence.objects.create(score=score, original_name="a.pdf", size=1, content_type="application/pdf", file="x.pdf")
    message = "Kỳ đánh giá đã được phê duyệt, không thể thay đổi điểm."
    attempts = [
        lambda: score_set_self(actor=cycle.editor_a, score=score, value="3", expected_version=score.version),
        lambda: score_set_appraisal(actor=cycle.staff, score=score, value="3", reason="x", expected_version=score.version),
        lambda: score_set_explanation(actor=cycle.editor_a, score=score, text="x", expected_version=score.version),
        lambda: score_set_final(actor=cycle.staff, score=score, value="3", expected_version=score.version),
        lambda: score_return_to_appraiser(actor=cycle.staff, score=score, note="x", expected_version=score.version),
        lambda: evidence_add(actor=cycle.editor_a, score=score, upload=SimpleUploadedFile("a.pdf", PDF)),
        lambda: evidence_delete(actor=cycle.editor_a, evidence=evidence),
        lambda: assessment_submit(actor=cycle.editor_a, assessment=cycle.a),
        lambda: conflict_declare(actor=cycle.member, period=cycle.period, unit=cycle.b.unit, reason="x"),
        lambda: assignment_create(actor=cycle.staff, period=cycle.period, member=cycle.member, field_code="1"),
    ]
    before = list(Score.objects.filter(assessment__period=cycle.period).values_list("pk", "version"))
    for attempt in attempts:
        with pytest.raises(PhaseError, match=message):
            attempt()
    assert list(Score.objects.filter(assessment__period=cycle.period).values_list("pk", "version")) == before
    # A reopen with a reason is the only way back.
    period_reopen(actor=cycle.staff, period=cycle.period, to_phase=Phase.FINALIZATION, reason="Sai sót khi tổng hợp")
    assert score_set_final(actor=cycle.staff, score=score, value="3", expected_version=score.version).final_score == 3


def test_every_score_change_appears_in_the_rows_history_with_who_and_old_and_new(cycle):
    self_save(cycle, "2.3", "1,5", note="Lần đầu")
    self_save(cycle, "2.3", "3", note="Đã bổ sung")
    fill_self(cycle.a)
    move(cycle.period, Phase.APPRAISAL)
    appraise(cycle, "2.3", "1,5", reason="Thiếu báo cáo quý IV.")
    move(cycle.period, Phase.EXPLANATION)
    explain(cycle, "2.3")
    move(cycle.period, Phase.FINALIZATION)
    score = row(cycle.a, "2.3")
    score_set_final(actor=cycle.staff, score=score, value="3", note="Chấp nhận", expected_version=score.version)
    events = sorted(score_history(score, assessment_access(cycle.staff, score.assessment)), key=lambda e: (e.created_at, e.id))
    assert [e.action for e in events] == ["score.self", "score.self", "score.appraisal", "score.explanation", "score.final"]
    assert events[0].actor == cycle.editor_a and events[0].changes["self_score"] == [None, "1,5"]
    assert events[1].changes["self_score"] == ["1,5", "3"] and events[1].changes["self_note"] == ["Lần đầu", "Đã bổ sung"]
    assert events[2].actor == cycle.member and events[2].changes["appraised_score"] == [None, "1,5"]
    assert events[4].changes["final_score"] == [None, "3"]


def test_saving_the_same_values_again_writes_nothing(cycle):
    self_save(cycle, "2.3", "3")
    score = self_save(cycle, "2.3", "3")
    assert score.version == 2 and len(score_history(score, assessment_access(cycle.editor_a, score.assessment))) == 1


def test_kinds_are_stored_per_leaf_as_the_framework_says(cycle):
    kinds = dict(Score.objects.filter(assessment=cycle.a).values_list("criterion__code", "criterion__kind"))
    assert kinds["8.1"] == Kind.SURVEY and kinds["9.2"] == Kind.DEDUCTION and kinds["1.6"] == Kind.SELF


def test_explanation_evidence_goes_only_with_a_marked_down_row_in_the_explanation_phase(cycle):
    explanation_ready(cycle)
    upload = SimpleUploadedFile("Báo cáo quý IV.pdf", PDF)
    evidence = evidence_add(actor=cycle.editor_a, score=row(cycle.a, "2.3"), upload=upload, stage=Evidence.Stage.EXPLANATION)
    assert evidence.stage == Evidence.Stage.EXPLANATION
    with pytest.raises(ScoringError, match="không bị trừ điểm"):
        evidence_add(actor=cycle.editor_a, score=row(cycle.a, "2.1.1"), upload=SimpleUploadedFile("a.pdf", PDF), stage=Evidence.Stage.EXPLANATION)
    with pytest.raises(ScoringError):
        evidence_add(actor=cycle.editor_a, score=row(cycle.a, "2.3"), upload=SimpleUploadedFile("a.pdf", PDF))
