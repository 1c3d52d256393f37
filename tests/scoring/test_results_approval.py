"""The council's approval, the decision, publication, and what voids an approval."""

import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from cchc.tabular import read_table
from scoring.models import Approval, Assessment, HeadRating, Phase, Score
from scoring.selectors import approval_for_period, ranking_for_period, results_published, scores_hash
from scoring.services import (
    SCORE_COLUMNS,
    PhaseError,
    ScoringError,
    approval_record,
    approval_set_decision,
    head_rating_override_set,
    period_advance,
    period_reopen,
    score_set_final,
    scores_import,
)
from tests.factories import UnitFactory

from .results_helpers import give, put, results_period

pytestmark = pytest.mark.django_db

COUNCIL_DAY = datetime.date(2025, 2, 20)


@pytest.fixture
def ready(sonv_staff):
    units = [UnitFactory(code=f"S{n}", name=f"Sở số {n}") for n in (1, 2, 3)]
    period = results_period(actor=sonv_staff)
    for unit, plan in zip(units, ["950", "900", "900"]):
        give(period, unit, plan)
    # Sở Nội vụ's own unit scored nothing; its survey came back with 0 points (an empty survey row
    # would not pass the council's checklist).
    put(period, sonv_staff.unit, "2.2", final_score=Decimal("0"))
    return period, units


def record(period, actor):
    return approval_record(actor=actor, period=period, council_approved_on=COUNCIL_DAY, minutes_ref="Biên bản họp số 05/BB-HĐTĐ")


def decide(approval, actor):
    return approval_set_decision(
        actor=actor, approval=approval, decision_number="519/QĐ-UBND", decision_date=datetime.date(2025, 2, 23),
        signer_name="Trần Báu Hà", signer_title="Phó Chủ tịch",
    )


def test_the_approval_keeps_the_ranking_and_a_hash_of_every_final_score(ready, council_member):
    period, units = ready
    approval = record(period, council_member)
    assert approval_for_period(period) == approval and approval.created_by == council_member
    assert approval.scores_hash == scores_hash(period) and len(approval.scores_hash) == 64
    assert approval.snapshot[0] == {
        "block": "so-nganh", "block_name": units[0].block.name, "rank": 1, "unit_code": "S1", "unit_name": "Sở số 1",
        "score": "960.00", "max_score": "1010.00", "index": "95.05", "classification": "Xuất sắc",
        "head_name": "", "head_title": "", "head_rating": "Hoàn thành xuất sắc nhiệm vụ", "head_rating_overridden": False,
    }
    # SNV, the staff's own unit, has an assessment with no score: it ranks last at 0.
    assert [(r["rank"], r["unit_code"]) for r in approval.snapshot] == [(1, "S1"), (2, "S2"), (2, "S3"), (4, "SNV")]
    event = AuditEvent.objects.get(action="approval.record")
    assert event.actor == council_member and event.changes["minutes_ref"] == [None, "Biên bản họp số 05/BB-HĐTĐ"]
    with pytest.raises(ScoringError, match="đã thông qua"):
        record(period, council_member)


def test_the_hash_changes_with_any_effective_score_or_not_applicable_flag(ready):
    period, units = ready
    before = scores_hash(period)
    Score.objects.filter(assessment__unit=units[2], criterion__code="2.1").update(not_applicable=True)
    flagged = scores_hash(period)
    Score.objects.filter(assessment__unit=units[2], criterion__code="2.1").update(not_applicable=False, appraised_score=Decimal("4.00"))
    assert len({before, flagged}) == 2 and scores_hash(period) == before  # 4 appraised, 4 final: same effective value


def test_only_the_council_or_staff_record_an_approval_and_only_in_finalisation(ready, unit_a_editor, leader, sonv_staff):
    period, _ = ready
    for actor in (unit_a_editor, leader):
        with pytest.raises(ScoringError, match="Chỉ thành viên Hội đồng"):
            record(period, actor)
    period = period_reopen(actor=sonv_staff, period=period, to_phase=Phase.EXPLANATION, reason="Giải trình bổ sung")
    with pytest.raises(PhaseError, match="hoàn thiện kết quả"):
        record(period, sonv_staff)


def test_only_staff_enter_the_decision_and_every_part_is_required(ready, council_member, sonv_staff):
    period, _ = ready
    approval = record(period, council_member)
    with pytest.raises(ScoringError, match="Chỉ Sở Nội vụ"):
        decide(approval, council_member)
    with pytest.raises(ScoringError, match="người ký"):
        approval_set_decision(actor=sonv_staff, approval=approval, decision_number="519/QĐ-UBND",
                              decision_date=datetime.date(2025, 2, 23), signer_name="", signer_title="Phó Chủ tịch")
    decide(approval, sonv_staff)
    approval.refresh_from_db()
    assert approval.has_decision and approval.decision_number == "519/QĐ-UBND"
    assert AuditEvent.objects.get(action="approval.decision").changes["decision_number"] == [None, "519/QĐ-UBND"]


def test_advancing_to_approved_needs_the_approval_and_the_decision(ready, council_member, sonv_staff, unit_a_editor):
    period, _ = ready
    with pytest.raises(PhaseError, match="chưa thông qua"):
        period_advance(actor=sonv_staff, period=period)
    approval = record(period, council_member)
    with pytest.raises(PhaseError, match="chưa nhập số, ngày quyết định"):
        period_advance(actor=sonv_staff, period=period)
    assert not results_published(period)
    decide(approval, sonv_staff)
    period = period_advance(actor=sonv_staff, period=period)
    assert period.phase == Phase.APPROVED and results_published(period)
    assert not any(row.provisional for row in ranking_for_period(period))


def approved(period, council_member, sonv_staff):
    decide(record(period, council_member), sonv_staff)
    return period_advance(actor=sonv_staff, period=period)


def test_a_reopen_keeps_the_approval_but_unpublishes_and_an_unchanged_period_is_approved_again(ready, council_member, sonv_staff):
    period, _ = ready
    period = approved(period, council_member, sonv_staff)
    period = period_reopen(actor=sonv_staff, period=period, to_phase=Phase.FINALIZATION, reason="Rà soát lại")
    assert not results_published(period) and approval_for_period(period) is not None
    assert period_advance(actor=sonv_staff, period=period).phase == Phase.APPROVED


def test_a_score_changed_through_the_service_after_a_reopen_voids_the_approval(ready, council_member, sonv_staff):
    period, units = ready
    period = approved(period, council_member, sonv_staff)
    approval = approval_for_period(period)
    period = period_reopen(actor=sonv_staff, period=period, to_phase=Phase.FINALIZATION, reason="Rà soát lại")
    score = Score.objects.select_related("criterion").get(assessment__unit=units[1], criterion__code="1.1")
    score_set_final(actor=sonv_staff, score=score, value="800", expected_version=score.version)
    approval.refresh_from_db()
    assert approval.voided_at is not None and approval.void_reason == "Điểm đã thay đổi sau khi Hội đồng thông qua"
    assert AuditEvent.objects.filter(action="approval.void").exists()
    with pytest.raises(PhaseError, match="chưa thông qua"):
        period_advance(actor=sonv_staff, period=period)
    # The council approves again, the new ranking is what is kept.
    again = record(period, council_member)
    assert [r["unit_code"] for r in again.snapshot] == ["S1", "S3", "S2", "SNV"]
    assert Approval.objects.filter(period=period).count() == 2


def test_a_score_changed_outside_the_services_is_caught_when_approving(ready, council_member, sonv_staff):
    period, units = ready
    approval = record(period, council_member)
    decide(approval, sonv_staff)
    # A write past the services (which would have voided the approval): the last guard still holds.
    Score.objects.filter(assessment__unit=units[0], criterion__code="1.1").update(final_score=Decimal("10"))
    with pytest.raises(PhaseError, match="Điểm đã thay đổi sau khi Hội đồng thông qua"):
        period_advance(actor=sonv_staff, period=period)
    approval.refresh_from_db()
    assert approval.voided_at is not None and period.__class__.objects.get(pk=period.pk).phase == Phase.FINALIZATION


def test_a_score_import_that_changes_a_score_voids_the_approval(ready, council_member, sonv_staff):
    period, units = ready
    approval = record(period, council_member)
    table = read_table(b"unit_code,criterion_code,score,note\nS2,1.1,700,\n", "final.csv", SCORE_COLUMNS)
    scores_import(table=table, period=period, stage="final", actor=sonv_staff, source="final.csv")
    approval.refresh_from_db()
    assert approval.voided_at is not None


def test_an_unchanged_score_save_keeps_the_approval(ready, council_member, sonv_staff):
    period, units = ready
    approval = record(period, council_member)
    score = Score.objects.select_related("criterion").get(assessment__unit=units[1], criterion__code="1.1")
    score_set_final(actor=sonv_staff, score=score, value="900", note="Giữ nguyên", expected_version=score.version)
    approval.refresh_from_db()
    assert approval.voided_at is None


def test_overriding_a_head_rating_after_the_approval_voids_it(ready, council_member):
    period, units = ready
    approval = record(period, council_member)
    assessment = Assessment.objects.get(period=period, unit=units[0])
    head_rating_override_set(actor=council_member, assessment=assessment, rating=HeadRating.GOOD, reason="Vi phạm kỷ luật")
    approval.refresh_from_db()
    assert approval.voided_at is not None


def test_new_bands_after_the_approval_void_it_so_no_unseen_classification_is_published(ready, council_member, sonv_staff):
    from scoring.services import period_update

    period, _ = ready
    approval = record(period, council_member)
    period_update(actor=sonv_staff, period=period, band_excellent_min=Decimal("20"), band_good_min=Decimal("15"),
                  band_fair_min=Decimal("10"), band_average_min=Decimal("5"))
    approval.refresh_from_db()
    assert approval.voided_at is not None and "Ngưỡng xếp loại" in approval.void_reason
    # A change of the title alone keeps a new approval.
    again = record(period, council_member)
    period_update(actor=sonv_staff, period=period, title="Chỉ số CCHC năm 2024 (bản sửa tên)")
    again.refresh_from_db()
    assert again.voided_at is None
