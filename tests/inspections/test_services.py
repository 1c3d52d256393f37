import datetime

import pytest

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from inspections import services
from inspections.models import Finding, RemediationEvidence, Visit
from tests.factories import UnitFactory

from .conftest import add_shortcoming, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_new_shortcoming_is_open_owned_by_the_visited_unit_and_audited(shortcoming_a, unit_a, inspector):
    assert shortcoming_a.status == Finding.Status.OPEN and shortcoming_a.owner_unit == unit_a
    event = audit_events_for(shortcoming_a).get()
    assert event.action == "finding.create" and event.actor == inspector


def test_a_strength_carries_no_remediation_fields(visit_a, inspector):
    finding = services.finding_create(
        actor=inspector, visit=visit_a, field="1", kind=Finding.Kind.STRENGTH, text="Ban hành kế hoạch kịp thời.",
        recommendation="bỏ qua", severity="high", deadline=datetime.date(2023, 12, 31),
    )
    assert (finding.status, finding.recommendation, finding.severity, finding.deadline) == ("", "", "", None)


def test_a_shortcoming_without_recommendation_is_refused(visit_a, inspector):
    with pytest.raises(services.InspectionError, match="kiến nghị"):
        services.finding_create(
            actor=inspector, visit=visit_a, field="1", kind=Finding.Kind.SHORTCOMING, text="Chậm.", recommendation="",
            severity="low", deadline=datetime.date(2023, 12, 31),
        )


def test_the_owner_may_be_a_commune_visited_on_the_same_trip_but_not_another_unit(visit_a, inspector, unit_b):
    commune = UnitFactory(code="X-DUCBONG", name="UBND xã Đức Bồng")
    visit_a.also_units.add(commune)
    assert add_shortcoming(visit_a, actor=inspector, owner_unit=commune).owner_unit == commune
    with pytest.raises(services.InspectionError, match="Đơn vị khắc phục"):
        add_shortcoming(visit_a, actor=inspector, owner_unit=unit_b)


def test_no_finding_is_added_edited_or_deleted_after_the_conclusion(shortcoming_a, visit_a, sonv_staff, inspector):
    services.visit_mark_done(actor=inspector, visit=visit_a)
    services.visit_conclude(actor=sonv_staff, visit=visit_a, number="45/TB-ĐKT", date=datetime.date(2023, 6, 12), signer_name="Lê Thị Thu")
    visit_a.refresh_from_db()
    assert visit_a.status == Visit.Status.CONCLUDED and visit_a.conclusion.number == "45/TB-ĐKT"
    with pytest.raises(services.InspectionError, match="kết luận"):
        add_shortcoming(visit_a, actor=inspector)
    with pytest.raises(services.InspectionError, match="kết luận"):
        services.finding_update(actor=inspector, finding=shortcoming_a, text="Sửa")
    with pytest.raises(services.InspectionError, match="kết luận"):
        services.finding_delete(actor=inspector, finding=shortcoming_a)


def test_a_visit_is_concluded_only_once_it_is_done(visit_a, sonv_staff):
    with pytest.raises(services.InspectionError, match="kiểm tra xong"):
        services.visit_conclude(actor=sonv_staff, visit=visit_a, number="1/TB", date=datetime.date(2023, 6, 1), signer_name="A")
    assert Visit.objects.get(pk=visit_a.pk).status == Visit.Status.PLANNED


def test_the_unit_reports_remediation_with_evidence(shortcoming_a, unit_a_editor):
    report = services.finding_report_remediation(
        actor=unit_a_editor, finding=shortcoming_a, text="Đã ban hành Kế hoạch số 15/KH-UBND.", files=[pdf_upload("Báo cáo khắc phục.pdf")]
    )
    shortcoming_a.refresh_from_db()
    assert shortcoming_a.status == Finding.Status.REPORTED
    evidence = report.evidence.get()
    assert evidence.original_name == "Báo cáo khắc phục.pdf" and evidence.content_type == "application/pdf"
    assert evidence.file.name.startswith("evidence/inspections/") and "Báo" not in evidence.file.name
    assert AuditEvent.objects.filter(action="finding.report", target_id=str(shortcoming_a.pk)).exists()


def test_a_report_with_a_disguised_executable_is_refused_and_stores_nothing(shortcoming_a, unit_a_editor):
    with pytest.raises(services.InspectionError, match="không đúng định dạng"):
        services.finding_report_remediation(
            actor=unit_a_editor, finding=shortcoming_a, text="Xem tệp.", files=[pdf_upload("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 100)]
        )
    shortcoming_a.refresh_from_db()
    assert shortcoming_a.status == Finding.Status.OPEN and not RemediationEvidence.objects.exists()


def test_staff_accept_a_reported_item_and_it_is_closed(reported_a, sonv_staff):
    services.finding_accept(actor=sonv_staff, finding=reported_a, comment="Đạt.")
    reported_a.refresh_from_db()
    assert reported_a.status == Finding.Status.CLOSED and reported_a.review_comment == "Đạt."
    assert audit_events_for(reported_a).filter(action="finding.accept", actor=sonv_staff).exists()


def test_returning_needs_a_comment_and_lets_the_unit_report_again(reported_a, sonv_staff, unit_a_editor):
    with pytest.raises(services.InspectionError, match="lý do"):
        services.finding_return(actor=sonv_staff, finding=reported_a, comment="  ")
    services.finding_return(actor=sonv_staff, finding=reported_a, comment="Thiếu số liệu quý IV.")
    reported_a.refresh_from_db()
    assert reported_a.status == Finding.Status.RETURNED
    services.finding_report_remediation(actor=unit_a_editor, finding=reported_a, text="Bổ sung số liệu.", files=[])
    reported_a.refresh_from_db()
    assert reported_a.status == Finding.Status.REPORTED and reported_a.reports.count() == 2


def test_staff_cannot_decide_on_an_item_the_unit_has_not_reported(shortcoming_a, sonv_staff):
    with pytest.raises(services.InspectionError, match="đã báo cáo"):
        services.finding_accept(actor=sonv_staff, finding=shortcoming_a)
    with pytest.raises(services.InspectionError, match="đã báo cáo"):
        services.finding_return(actor=sonv_staff, finding=shortcoming_a, comment="Không")


def test_a_closed_item_cannot_be_reported_again(reported_a, sonv_staff, unit_a_editor):
    services.finding_accept(actor=sonv_staff, finding=reported_a)
    with pytest.raises(services.InspectionError, match="không báo cáo thêm"):
        services.finding_report_remediation(actor=unit_a_editor, finding=reported_a, text="Thêm", files=[])


def test_a_finding_with_a_report_can_no_longer_be_edited_by_the_inspector(reported_a, inspector):
    with pytest.raises(services.InspectionError, match="đã báo cáo"):
        services.finding_update(actor=inspector, finding=reported_a, text="Sửa lại")


def test_a_team_leader_is_always_one_of_its_members(plan, sonv_staff, unit_a):
    leader = services.member_save(actor=sonv_staff, plan=plan, full_name="Bùi Văn Sơn", title="Trưởng phòng", unit=unit_a, role="member")
    team = services.team_save(actor=sonv_staff, plan=plan, number=3, leader=leader, members=[])
    assert list(team.members.all()) == [leader]
    with pytest.raises(services.InspectionError, match="Đã có Tổ công tác số 3"):
        services.team_save(actor=sonv_staff, plan=plan, number=3, leader=leader, members=[])
    with pytest.raises(services.InspectionError, match="tổ trưởng"):
        services.member_remove(actor=sonv_staff, member=leader)


def test_a_delegation_has_one_head(plan, sonv_staff, unit_a):
    services.member_save(actor=sonv_staff, plan=plan, full_name="Lê Thị Thu", unit=unit_a, role="head")
    with pytest.raises(services.InspectionError, match="Trưởng đoàn"):
        services.member_save(actor=sonv_staff, plan=plan, full_name="Người khác", unit=unit_a, role="head")


def test_a_plan_needs_at_least_one_content_area_and_defaults_to_all_eight(sonv_staff):
    plan = services.plan_save(actor=sonv_staff, year=2024, title="Kế hoạch 2024")
    assert plan.content_areas == [str(i) for i in range(1, 9)]
    with pytest.raises(services.InspectionError, match="ít nhất một lĩnh vực"):
        services.plan_save(actor=sonv_staff, plan=plan, content_areas=[])
