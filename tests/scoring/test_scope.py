"""scoring.scope: who may see and change what, asked the same way by pages, partials, documents,
exports and services. Each test here reproduces a leak that two copies of a rule once caused."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from scoring.models import AppraisalAssignment, Approval, ConflictDeclaration, Criterion, HeadRatingOverride, Phase
from scoring.scope import assessment_access, assessments_for_user
from scoring.services import PhaseError, ScoringError, approval_set_decision, conflict_declare, head_rating_override_set
from tests.factories import BlockFactory

from .conftest import approve, assessment_of, fill_self, move, row
from .test_assessment_services import appraise

pytestmark = pytest.mark.django_db

REASON = "Thiếu báo cáo quý IV gửi Sở Tư pháp."


@pytest.fixture
def appraised(cycle):
    """Units A and B self-assessed in full; the council member lowered A's 2.3 with a reason."""
    fill_self(cycle.a)
    fill_self(cycle.b)
    move(cycle.period, Phase.APPRAISAL)
    appraise(cycle, "2.3", "1,5", reason=REASON)
    return cycle


def history(client, score, **headers):
    return client.get(reverse("scoring:score_history", args=[score.pk]), **headers).content.decode()


# --- The row's history --------------------------------------------------------------------------


def test_a_unit_does_not_read_the_councils_appraisal_in_a_rows_history_before_the_explanation_round(appraised, client_of):
    client = client_of(appraised.editor_a)
    score = row(appraised.a, "2.3")
    for page in (history(client, score), history(client, score, HTTP_HX_REQUEST="true")):
        assert REASON not in page and str(appraised.member) not in page and "Thẩm định" not in page
        assert "Tự đánh giá" in page or "Chưa có thay đổi" in page
    move(appraised.period, Phase.EXPLANATION)
    page = history(client, score, HTTP_HX_REQUEST="true")
    assert REASON in page and str(appraised.member) in page


def test_the_council_and_staff_read_the_whole_history_while_appraising(appraised, client_of):
    score = row(appraised.a, "2.3")
    for user in (appraised.member, appraised.staff):
        assert REASON in history(client_of(user), score, HTTP_HX_REQUEST="true")


# --- Head-of-unit ratings -----------------------------------------------------------------------


def test_a_council_member_cannot_rate_the_head_of_their_own_unit_or_of_a_unit_they_stood_aside_from(appraised, client_of):
    own = assessment_of(appraised.period, appraised.member.unit)
    conflict_declare(actor=appraised.member, period=appraised.period, unit=appraised.a.unit, reason="Vợ là Phó Giám đốc đơn vị.")
    move(appraised.period, Phase.FINALIZATION)
    client = client_of(appraised.member)
    for assessment in (own, appraised.a):
        url = reverse("scoring:head_rating_override", args=[assessment.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"rating": "good", "reason": "Không khách quan"}).status_code == 404
        with pytest.raises(ScoringError, match="được đánh giá đơn vị này"):
            head_rating_override_set(actor=appraised.member, assessment=assessment, rating="good", reason="x")
    assert not HeadRatingOverride.objects.exists()
    response = client.post(reverse("scoring:head_rating_override", args=[appraised.b.pk]), {"rating": "good", "reason": "Có vi phạm"})
    assert response.status_code == 302 and HeadRatingOverride.objects.get().assessment == appraised.b


def test_the_ranking_offers_no_head_rating_override_on_a_members_own_or_conflicted_unit(appraised, client_of):
    conflict_declare(actor=appraised.member, period=appraised.period, unit=appraised.a.unit, reason="Người nhà.")
    move(appraised.period, Phase.FINALIZATION)
    page = client_of(appraised.member).get(reverse("scoring:results_ranking", args=[2024, "so-nganh"])).content.decode()
    assert reverse("scoring:head_rating_override", args=[appraised.b.pk]) in page
    assert reverse("scoring:head_rating_override", args=[appraised.a.pk]) not in page


# --- The scorecard ------------------------------------------------------------------------------


def test_a_council_member_with_a_conflict_gets_404_on_that_units_scorecard_as_on_its_assessment(appraised, client_of):
    # The member appraises every field, so they see whole assessments, and so their scorecards.
    for code in {c.split(".")[0] for c in Criterion.objects.filter(framework=appraised.a.framework).values_list("code", flat=True)} - {"2"}:
        AppraisalAssignment.objects.create(period=appraised.period, member=appraised.member, field_code=code)
    conflict_declare(actor=appraised.member, period=appraised.period, unit=appraised.a.unit, reason="Người nhà.")
    client = client_of(appraised.member)
    assert client.get(reverse("scoring:assessment_detail", args=[appraised.a.pk])).status_code == 404
    assert client.get(reverse("reports:panel", args=["scorecard", appraised.a.pk])).status_code == 404
    assert client.post(reverse("reports:request", args=["scorecard", appraised.a.pk])).status_code == 404
    assert client.get(reverse("reports:panel", args=["scorecard", appraised.b.pk])).status_code == 200


def test_a_council_member_of_one_field_gets_no_scorecard_which_prints_every_field(appraised, client_of):
    client = client_of(appraised.member)
    assert client.get(reverse("scoring:assessment_detail", args=[appraised.b.pk])).status_code == 200
    assert client.get(reverse("reports:panel", args=["scorecard", appraised.b.pk])).status_code == 404
    assert client.get(reverse("scoring:results_matrix", args=[2024])).status_code == 403


def test_the_unit_reads_its_own_not_applicable_until_the_explanation_round(appraised, client_of):
    from scoring.services import score_set_appraisal

    score = row(appraised.a, "2.1.1")
    score_set_appraisal(actor=appraised.member, score=score, value="", reason="Đơn vị không có nhiệm vụ này.", not_applicable=True, expected_version=score.version)
    client = client_of(appraised.editor_a)
    page = client.get(reverse("scoring:assessment_detail", args=[appraised.a.pk])).content.decode()
    block = page[page.index('data-code="2.1.1"'):][:3000]
    assert "Không áp dụng" not in block and "Đơn vị không có nhiệm vụ này" not in block
    totals = assessment_access(appraised.editor_a, appraised.a)
    assert not totals.shows_council_work
    move(appraised.period, Phase.EXPLANATION)
    page = client.get(reverse("scoring:assessment_explanation", args=[appraised.a.pk])).content.decode()
    # The council's "not applicable" overturned the unit's score: the unit may answer it.
    assert 'data-code="2.1.1"' in page and "Đơn vị không có nhiệm vụ này" in page
    assert reverse("scoring:score_explain", args=[score.pk]) in page


# --- The explanation page -------------------------------------------------------------------------


def test_the_explanation_page_shows_a_council_member_only_the_fields_assigned_to_them(appraised, client_of):
    appraise(appraised, "1.3.2", "0", reason="Không có báo cáo xử lý.", actor=appraised.staff)
    appraise(appraised, "3.3.3", "0", reason="Chưa số hóa.", actor=appraised.staff)
    move(appraised.period, Phase.EXPLANATION)
    page = client_of(appraised.member).get(reverse("scoring:assessment_explanation", args=[appraised.a.pk])).content.decode()
    assert 'data-code="2.3"' in page and REASON in page
    assert 'data-code="1.3.2"' not in page and 'data-code="3.3.3"' not in page and "Chưa số hóa" not in page
    page = client_of(appraised.staff).get(reverse("scoring:assessment_explanation", args=[appraised.a.pk])).content.decode()
    assert all(f'data-code="{code}"' in page for code in ("1.3.2", "2.3", "3.3.3"))


def test_the_explanation_page_says_why_it_takes_no_explanation_after_the_deadline(appraised, client_of):
    move(appraised.period, Phase.EXPLANATION)
    type(appraised.period).objects.filter(pk=appraised.period.pk).update(explanation_deadline=datetime.date(2020, 1, 1))
    page = client_of(appraised.editor_a).get(reverse("scoring:assessment_explanation", args=[appraised.a.pk])).content.decode()
    assert "Đã quá hạn giải trình (01/01/2020)" in page and "trước hạn" not in page
    assert reverse("scoring:score_explain", args=[row(appraised.a, "2.3").pk]) not in page


# --- Leaders --------------------------------------------------------------------------------------


def test_a_leader_sees_no_score_index_or_draft_decision_before_publication(appraised, client_of, leader):
    client = client_of(leader)
    progress = client.get(reverse("scoring:appraisal_progress", args=[2024]))
    assert progress.status_code == 200
    page = progress.content.decode()
    assert appraised.a.unit.name in page and "0/" in page  # the work's counts
    assert "Chỉ số</th>" not in page and reverse("scoring:assessment_detail", args=[appraised.a.pk]) not in page
    assert client.get(reverse("scoring:assessment_detail", args=[appraised.a.pk])).status_code == 404
    assert client.get(reverse("reports:panel", args=["decision", appraised.period.pk])).status_code == 404
    assert client.get(reverse("reports:panel", args=["scorecard", appraised.a.pk])).status_code == 404
    assert not assessments_for_user(leader, appraised.period).exists()
    # The staff page shows the scores it hides from the leader.
    assert "Chỉ số</th>" in client_of(appraised.staff).get(reverse("scoring:appraisal_progress", args=[2024])).content.decode()


def test_a_leader_reads_every_assessment_once_published_but_changes_nothing(appraised, client_of, leader):
    approve(appraised.period, appraised.staff)
    client = client_of(leader)
    assert client.get(reverse("scoring:assessment_detail", args=[appraised.a.pk])).status_code == 200
    assert client.get(reverse("reports:panel", args=["decision", appraised.period.pk])).status_code == 200
    score = row(appraised.a, "2.3")
    response = client.post(reverse("scoring:score_self", args=[score.pk]), {"value": "3", "version": score.version})
    assert response.status_code == 403


# --- The decision of an approved year -------------------------------------------------------------


def test_an_approved_year_refuses_a_new_decision_number_or_date(appraised, client_of):
    period = approve(appraised.period, appraised.staff)
    approval = Approval.objects.get(period=period, voided_at__isnull=True)
    before = (approval.decision_number, approval.decision_date, approval.signer_name)
    response = client_of(appraised.staff).post(
        reverse("scoring:approval_decision", args=[2024]),
        {"decision_number": "999/QĐ-UBND", "decision_date": "01/03/2025", "signer_name": "Người khác", "signer_title": "Chủ tịch"},
        follow=True,
    )
    assert "không thể sửa số, ngày quyết định" in response.content.decode()
    approval.refresh_from_db()
    assert (approval.decision_number, approval.decision_date, approval.signer_name) == before
    with pytest.raises(PhaseError):
        approval_set_decision(
            actor=appraised.staff, approval=approval, decision_number="999/QĐ-UBND", decision_date=datetime.date(2025, 3, 1),
            signer_name="Người khác", signer_title="Chủ tịch",
        )


# --- Which block a unit is appraised in -----------------------------------------------------------


def test_moving_a_unit_to_another_block_mid_appraisal_keeps_its_appraiser(appraised):
    AppraisalAssignment.objects.filter(member=appraised.member).update(block=appraised.a.framework.block)
    unit = appraised.a.unit
    unit.block = BlockFactory(code="khoi-moi", name="Khối mới")
    unit.save()
    assessment = assessment_of(appraised.period, unit)
    access = assessment_access(appraised.member, assessment)
    assert access.visible and access.council_fields == {"2"}
    assert assessment in assessments_for_user(appraised.member, appraised.period)


def test_a_conflict_declared_a_moment_ago_counts_for_the_next_save(appraised):
    ConflictDeclaration.objects.create(period=appraised.period, member=appraised.member, unit=appraised.a.unit, reason="Người nhà.")
    with pytest.raises(ScoringError, match="không được phân công"):
        appraise(appraised, "2.3", "3", reason="Sửa")


# --- One place for roles --------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# The modules that decide scope; everything else asks them (or the rules predicates built on them).
SCOPE_MODULES = {"units/roles.py", "units/rules.py", "scoring/scope.py", "inspections/scope.py", "monitoring/scope.py"}


def test_only_the_scope_modules_ask_for_a_users_roles():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {"tests", "bench", ".venv", "var"} or relative in SCOPE_MODULES:
            continue
        if re.search(r"\bhas_role\(|\broles_of\(", path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert not offenders, f"Scope decided outside the scope modules: {offenders}"


def test_a_unit_moved_to_another_block_reads_the_ranking_of_the_block_it_was_assessed_in(appraised, client_of):
    approve(appraised.period, appraised.staff)
    unit = appraised.a.unit
    assessed_in = appraised.a.framework.block
    unit.block = BlockFactory(code="khoi-moi", name="Khối mới")
    unit.save()
    client = client_of(appraised.editor_a)
    first = client.get(reverse("scoring:results_ranking_first", args=[2024]))
    assert first.status_code == 302 and first["Location"].endswith(f"/{assessed_in.code}/")
    assert client.get(reverse("scoring:results_ranking", args=[2024, assessed_in.code])).status_code == 200
    export = client.get(reverse("scoring:results_export", args=[2024])).content.decode()
    assert appraised.a.unit.code in export and appraised.b.unit.code in export


def test_the_explanation_endpoint_answers_every_row_alike_before_the_explanation_round(appraised, client_of):
    client = client_of(appraised.editor_a)
    answers = set()
    for code in ("2.3", "2.1.1", "1.1.1"):  # lowered by the council, confirmed, not appraised
        score = row(appraised.a, code)
        response = client.post(reverse("scoring:score_explain", args=[score.pk]), {"note": "x", "version": score.version}, HTTP_HX_REQUEST="true")
        page = response.content.decode().replace(str(score.pk), "ID").replace(code, "CODE").replace(score.criterion.title, "TITLE")
        answers.add((response.status_code, "row-refusal" in page, "không phải giai đoạn giải trình" in page))
    assert len(answers) == 1, answers


def test_the_council_answers_an_explanation_on_a_row_it_marked_not_applicable(appraised):
    from scoring.models import Score
    from scoring.services import score_set_appraisal, score_set_explanation, score_set_final

    score = row(appraised.a, "2.1.1")
    score_set_appraisal(actor=appraised.member, score=score, value="", reason="Không có nhiệm vụ này.", not_applicable=True, expected_version=score.version)
    move(appraised.period, Phase.EXPLANATION)
    score = row(appraised.a, "2.1.1")
    assert score.is_deducted
    score = score_set_explanation(actor=appraised.editor_a, score=score, text="Đơn vị có ban hành 3 văn bản.", expected_version=score.version)
    move(appraised.period, Phase.FINALIZATION)
    score = row(appraised.a, "2.1.1")
    with pytest.raises(ScoringError, match="không có điểm cuối cùng"):
        score_set_final(actor=appraised.member, score=score, value="2", verdict="refused", expected_version=score.version)
    score = score_set_final(actor=appraised.member, score=score, value="", verdict="refused", expected_version=score.version)
    assert Score.objects.get(pk=score.pk).explanation_verdict == "refused"


def test_a_reason_of_invisible_characters_is_no_reason(appraised):
    from scoring.services import period_advance

    with pytest.raises(PhaseError, match="ghi lý do"):
        period_advance(actor=appraised.staff, period=appraised.period, override_reason="\u200b \u00a0\u3000")
