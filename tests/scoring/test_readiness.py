"""Guard rails: each step of a period checks its list first (scoring.selectors.readiness), the
step's service refuses on the list's blocking items, and staff may pass them only with a reason
that the audit log keeps and the period page shows."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from scoring.models import Approval, ConflictDeclaration, Period, Phase, Score
from scoring.selectors.readiness import approval_readiness, period_readiness
from scoring.services import PhaseError, approval_record, period_advance, score_set_final
from tests.factories import BlockFactory, UnitFactory, UnitHeadFactory

from .conftest import SAMPLE, fill_self, row, submit

pytestmark = pytest.mark.django_db

COUNCIL_DAY = datetime.date(2025, 2, 20)


def item(readiness, code):
    return next(i for i in readiness.items if i.code == code)


def advance(period, actor, **kwargs):
    return period_advance(actor=actor, period=Period.objects.get(pk=period.pk), **kwargs)


def record(period, actor, **kwargs):
    return approval_record(actor=actor, period=period, council_approved_on=COUNCIL_DAY, minutes_ref="Biên bản họp số 05/BB-HĐTĐ", **kwargs)


def appraise_all(cycle):
    """The council confirms every self-assessed score and finds no penalty (written directly)."""
    rows = list(Score.objects.filter(assessment__in=[cycle.a, cycle.b], criterion__kind__in=["self", "deduction"]).select_related("criterion"))
    for score in rows:
        score.appraised_score = score.self_score if score.criterion.kind == "self" else Decimal("0")
        score.appraised_at = timezone.now()
    Score.objects.bulk_update(rows, ["appraised_score", "appraised_at"])


@pytest.fixture
def appraising(cycle):
    fill_self(cycle.a)
    fill_self(cycle.b)
    cycle.period = advance(cycle.period, cycle.staff, override_reason="Hai đơn vị thử nghiệm")
    # Only units A and B are of interest: the other units' assessments leave the period.
    cycle.period.assessments.exclude(pk__in=[cycle.a.pk, cycle.b.pk]).delete()
    return cycle


# --- Leaving draft --------------------------------------------------------------------------------


def test_leaving_draft_is_blocked_by_roster_units_whose_block_has_no_framework_unless_staff_give_a_reason(sonv_staff):
    from .conftest import import_text, sample_text

    villages = BlockFactory(code="ubnd-xa-t", name="Khối xã thử")
    UnitFactory(code="X1", name="UBND xã Thử", block=villages)
    last = import_text(sample_text(), year=2023).period
    last.frameworks.create(block=villages)
    period = import_text(sample_text(), year=2024).period
    missing = item(period_readiness(period), "roster_without_framework")
    assert missing.blocking and missing.overridable and missing.count == 1
    assert missing.details == ["Khối xã thử: 1 đơn vị sẽ không có phiếu đánh giá (khối đã được đánh giá năm 2023)"]
    with pytest.raises(PhaseError, match="thuộc khối chưa có bộ chỉ số: 1"):
        advance(period, sonv_staff)
    assert Period.objects.get(pk=period.pk).phase == Phase.DRAFT
    advance(period, sonv_staff, override_reason="Năm nay cấp xã do cấp huyện đánh giá")
    event = AuditEvent.objects.get(action="readiness.override")
    assert event.reason == "Năm nay cấp xã do cấp huyện đánh giá" and event.actor == sonv_staff
    assert any("chưa có bộ chỉ số" in line for line in event.changes["items"][1])
    # The unit stays on the year's roster, without an assessment.
    assert period.roster.filter(unit__code="X1").exists() and not period.assessments.filter(unit__code="X1").exists()


def test_a_unit_left_off_the_roster_stops_nothing_and_gets_no_assessment(sonv_staff):
    from scoring.services import roster_remove

    from .conftest import import_text, sample_text

    UnitFactory(code="X1", name="UBND xã Thử", block=BlockFactory(code="ubnd-xa-t", name="Khối xã thử"))
    period = import_text(sample_text(), year=2024).period
    roster_remove(actor=sonv_staff, entry=period.roster.get(unit__code="X1"))
    assert item(period_readiness(period), "roster_without_framework").ok
    assert advance(period, sonv_staff).phase == Phase.SELF_ASSESSMENT
    assert not period.assessments.filter(unit__code="X1").exists()


def test_an_empty_roster_blocks_leaving_draft_whatever_the_reason(sonv_staff):
    from .conftest import import_text, sample_text

    period = import_text(sample_text(), year=2024).period
    period.roster.all().delete()
    empty = item(period_readiness(period), "roster_empty")
    assert empty.count == 1 and not empty.overridable
    assert empty.link == reverse("scoring:roster", args=[2024])
    with pytest.raises(PhaseError, match="Danh sách đơn vị được đánh giá còn trống"):
        advance(period, sonv_staff, override_reason="Cứ mở")
    assert not period.assessments.exists()


def test_a_roster_unit_closed_before_the_year_blocks_leaving_draft_until_it_is_removed(sonv_staff):
    from scoring.services import roster_remove

    from .conftest import import_text, sample_text

    old = UnitFactory(code="H-LH", name="UBND huyện Lộc Hà thử nghiệm")
    period = import_text(sample_text(), year=2025).period
    # A reorganisation recorded after the roster was made: the unit ended on 31/12/2024.
    old.valid_to, old.active = datetime.date(2024, 12, 31), False
    old.save()
    closed = item(period_readiness(period), "roster_closed")
    assert closed.count == 1 and not closed.overridable
    assert closed.details == ["UBND huyện Lộc Hà thử nghiệm (hoạt động đến ngày 31/12/2024)"]
    assert "trước năm 2025" in closed.label
    with pytest.raises(PhaseError, match="ngừng hoạt động trước năm 2025: 1"):
        advance(period, sonv_staff, override_reason="Cứ mở")
    roster_remove(actor=sonv_staff, entry=period.roster.get(unit=old))
    assert item(period_readiness(period), "roster_closed").ok
    assert advance(period, sonv_staff).phase == Phase.SELF_ASSESSMENT
    assert not period.assessments.filter(unit=old).exists()


def test_an_inconsistent_framework_blocks_leaving_draft_whatever_the_reason(sonv_staff):
    from .conftest import import_text, sample_text

    period = import_text(sample_text(), year=2024).period
    period.frameworks.get().criteria.filter(code="1.1.1").update(max_score=Decimal("1.5"), rule="")
    assert not item(period_readiness(period), "frameworks_inconsistent").overridable
    with pytest.raises(PhaseError, match="bộ chỉ số còn lỗi"):
        advance(period, sonv_staff, override_reason="Cứ mở")


# --- Leaving self-assessment and appraisal --------------------------------------------------------


def test_units_not_submitted_are_a_warning_and_do_not_stop_the_end_of_self_assessment(cycle):
    submit(cycle.a)
    readiness = period_readiness(cycle.period)
    unsubmitted = item(readiness, "unsubmitted")
    assert not unsubmitted.blocking and cycle.b.unit.name in unsubmitted.details and cycle.a.unit.name not in unsubmitted.details
    assert advance(cycle.period, cycle.staff).phase == Phase.APPRAISAL


def test_rows_not_appraised_block_the_end_of_appraisal_per_member_and_per_unit(appraising):
    readiness = period_readiness(appraising.period)
    unappraised = item(readiness, "unappraised")
    assert unappraised.blocking and unappraised.count == Score.objects.filter(
        assessment__in=[appraising.a, appraising.b], criterion__kind__in=["self", "deduction"]
    ).count()
    assert any(str(appraising.member) in line and "thành viên Hội đồng" in line for line in unappraised.details)
    assert any(line.startswith(appraising.a.unit.name) for line in unappraised.details)
    with pytest.raises(PhaseError, match="Tiêu chí chưa thẩm định"):
        advance(appraising.period, appraising.staff)
    appraise_all(appraising)
    assert item(period_readiness(appraising.period), "unappraised").ok
    assert advance(appraising.period, appraising.staff).phase == Phase.EXPLANATION


def test_only_staff_pass_a_blocking_item_and_only_with_a_reason(appraising):
    with pytest.raises(PhaseError, match="ghi lý do"):
        advance(appraising.period, appraising.staff, override_reason="   ")
    with pytest.raises(PhaseError, match="Chỉ Sở Nội vụ"):
        advance(appraising.period, appraising.member, override_reason="Hết hạn")
    assert not AuditEvent.objects.filter(action="readiness.override").exclude(reason="Hai đơn vị thử nghiệm").exists()


def test_opening_a_phase_whose_deadline_has_passed_warns_and_links_to_a_new_deadline(cycle):
    Period.objects.filter(pk=cycle.period.pk).update(appraisal_deadline=datetime.date(2020, 3, 1))
    deadline = item(period_readiness(Period.objects.get(pk=cycle.period.pk)), "deadline_past")
    assert not deadline.blocking and "01/03/2020" in deadline.label
    assert deadline.link == reverse("scoring:period_edit", args=[cycle.period.year])


# --- The council's approval -----------------------------------------------------------------------


@pytest.fixture
def finalizing(appraising):
    appraise_all(appraising)
    advance(appraising.period, appraising.staff)
    appraising.period = advance(appraising.period, appraising.staff)
    Score.objects.filter(assessment__in=[appraising.a, appraising.b], criterion__kind="survey").update(final_score=Decimal("1"))
    UnitHeadFactory(unit=appraising.a.unit, full_name="Giám đốc A", start_date=datetime.date(2020, 1, 1))
    UnitHeadFactory(unit=appraising.b.unit, full_name="Giám đốc B", start_date=datetime.date(2020, 1, 1))
    return appraising


def test_a_finished_year_has_nothing_blocking_its_approval(finalizing):
    readiness = approval_readiness(finalizing.period)
    assert not readiness.blockers and not readiness.warnings, readiness.lines()
    assert record(finalizing.period, finalizing.member).created_by == finalizing.member


def test_an_unappraised_row_blocks_the_councils_approval(finalizing):
    Score.objects.filter(pk=row(finalizing.a, "2.3").pk).update(appraised_at=None, appraised_score=None)
    assert item(approval_readiness(finalizing.period), "unappraised").count == 1
    with pytest.raises(PhaseError, match="Tiêu chí chưa thẩm định: 1"):
        record(finalizing.period, finalizing.member)
    assert not Approval.objects.exists()


def test_an_empty_survey_row_blocks_the_councils_approval(finalizing):
    Score.objects.filter(assessment=finalizing.b, criterion__kind="survey").update(final_score=None)
    survey = item(approval_readiness(finalizing.period), "survey_empty")
    assert survey.count >= 1 and finalizing.b.unit.name in survey.details
    with pytest.raises(PhaseError, match="điều tra xã hội học chưa có điểm"):
        record(finalizing.period, finalizing.member)


def test_an_explanation_without_the_appraisers_verdict_blocks_the_approval_and_a_verdict_releases_it(finalizing):
    score = row(finalizing.a, "2.3")
    Score.objects.filter(pk=score.pk).update(explanation="Đã bổ sung báo cáo quý IV.")
    assert item(approval_readiness(finalizing.period), "explanations_undecided").count == 1
    with pytest.raises(PhaseError, match="Giải trình chưa được người thẩm định kết luận"):
        record(finalizing.period, finalizing.member)
    score = row(finalizing.a, "2.3")
    # An empty final score with a refusal: the appraised score stands, and now it says so.
    score = score_set_final(actor=finalizing.member, score=score, value="", note="Không chấp nhận.", verdict="refused", expected_version=score.version)
    assert score.final_score is None and score.explanation_verdict == Score.Verdict.REFUSED and score.explanation_verdict_by == finalizing.member
    assert item(approval_readiness(finalizing.period), "explanations_undecided").ok
    record(finalizing.period, finalizing.member)


def test_scores_given_by_a_member_who_stood_aside_block_the_approval(finalizing):
    Score.objects.filter(assessment=finalizing.a, criterion__code__startswith="2.").update(appraised_by=finalizing.member)
    ConflictDeclaration.objects.create(period=finalizing.period, member=finalizing.member, unit=finalizing.a.unit, reason="Người nhà.")
    conflicted = item(approval_readiness(finalizing.period), "conflicted_scores")
    assert conflicted.count == 1 and finalizing.a.unit.name in conflicted.details[0]
    with pytest.raises(PhaseError, match="xung đột lợi ích"):
        record(finalizing.period, finalizing.member)


def test_units_without_a_known_head_are_a_warning_and_no_name_is_made_up(finalizing):
    finalizing.a.unit.heads.all().delete()
    heads = item(approval_readiness(finalizing.period), "heads_unknown")
    assert not heads.blocking and heads.details == [finalizing.a.unit.name]
    record(finalizing.period, finalizing.member)


def test_staff_record_the_approval_past_its_blocking_items_with_a_reason_kept_in_the_log(finalizing, client_of):
    Score.objects.filter(assessment=finalizing.b, criterion__kind="survey").update(final_score=None)
    client = client_of(finalizing.member)
    url = reverse("scoring:approval_record", args=[finalizing.period.year])
    page = client.get(reverse("scoring:results_ranking", args=[2024, "so-nganh"])).content.decode()
    assert 'data-code="survey_empty"' in page and "chỉ Sở Nội vụ mới ghi nhận được" in page
    client.post(url, {"council_approved_on": "20/02/2025", "minutes_ref": "BB 05", "override_reason": "Hội đồng họp"})
    assert not Approval.objects.exists()
    client_of(finalizing.staff).post(url, {"council_approved_on": "20/02/2025", "minutes_ref": "BB 05", "override_reason": "Phiếu điều tra đến muộn"})
    assert Approval.objects.get().created_by == finalizing.staff
    assert AuditEvent.objects.get(action="readiness.override", reason="Phiếu điều tra đến muộn")
    page = client_of(finalizing.staff).get(reverse("scoring:period_detail", args=[2024])).content.decode()
    assert "Phiếu điều tra đến muộn" in page and "Bỏ qua mục chưa hoàn thành" in page


def test_the_period_page_shows_the_checklist_before_the_button(appraising, client_of):
    page = client_of(appraising.staff).get(reverse("scoring:period_detail", args=[2024])).content.decode()
    assert 'data-code="unappraised"' in page and "is-blocking" in page and 'name="override_reason"' in page
    assert page.index('data-code="unappraised"') < page.index("Chuyển sang: Giải trình")


def test_approving_needs_the_decision_whatever_the_reason(finalizing):
    record(finalizing.period, finalizing.member)
    decision = item(period_readiness(Period.objects.get(pk=finalizing.period.pk)), "decision_missing")
    assert decision.count == 3 and not decision.overridable
    with pytest.raises(PhaseError, match="chưa nhập số, ngày quyết định"):
        advance(finalizing.period, finalizing.staff, override_reason="Gấp")


# --- The README's pipeline and the commands -------------------------------------------------------


def test_a_year_whose_scores_are_all_imported_at_the_end_has_nothing_to_check(tmp_path, sonv_staff, unit_a):
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    call_command("period_phase", "--year", "2024", "--to", "finalization", "--reason", "Nhập kết quả", "--force")
    period = Period.objects.get(year=2024)
    assert item(approval_readiness(period), "unappraised").ok


def test_period_phase_prints_the_checklist_and_refuses_a_blocking_item_without_force(appraising, capsys):
    with pytest.raises(CommandError, match="Tiêu chí chưa thẩm định"):
        call_command("period_phase", "--year", "2024", "--to", "explanation")
    assert "✗ Tiêu chí chưa thẩm định" in capsys.readouterr().err
    with pytest.raises(CommandError, match="--reason"):
        call_command("period_phase", "--year", "2024", "--to", "explanation", "--force")
    call_command("period_phase", "--year", "2024", "--to", "explanation", "--force", "--reason", "Hết hạn thẩm định", "--user", "sonv_staff")
    assert Period.objects.get(year=2024).phase == Phase.EXPLANATION
    assert AuditEvent.objects.filter(action="readiness.override", reason="Hết hạn thẩm định", actor=appraising.staff).exists()


def test_a_whole_year_runs_from_the_commands(finalizing, capsys):
    call_command("record_council_approval", "--year", "2024", "--date", "20/02/2025", "--minutes", "Biên bản họp số 05/BB-HĐTĐ", "--user", "council")
    with pytest.raises(CommandError, match="--signer-title"):
        call_command("record_decision", "--year", "2024", "--number", "519/QĐ-UBND", "--date", "23/02/2025", "--signer", "Trần Báu Hà")
    call_command(
        "record_decision", "--year", "2024", "--number", "519/QĐ-UBND", "--date", "23/02/2025", "--signer", "Trần Báu Hà",
        "--signer-title", "Phó Chủ tịch", "--user", "sonv_staff",
    )
    call_command("period_phase", "--year", "2024", "--to", "approved", "--user", "sonv_staff")
    approval = Approval.objects.get(voided_at__isnull=True)
    assert Period.objects.get(year=2024).phase == Phase.APPROVED and approval.decision_number == "519/QĐ-UBND"
    assert approval.created_by == finalizing.member and "519/QĐ-UBND" in capsys.readouterr().out
    with pytest.raises(CommandError, match="không thể sửa số"):
        call_command(
            "record_decision", "--year", "2024", "--number", "520/QĐ-UBND", "--date", "23/02/2025", "--signer", "X", "--signer-title", "Y",
        )
