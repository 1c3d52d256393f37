"""The yearly plan and its tasks: who reports, who decides, what counts as completed, when a task
is overdue."""

import datetime

import pytest
from django.conf import settings

from audit.models import AuditEvent
from monitoring import services, tasks
from monitoring.models import PlanTask, TaskReport
from monitoring.services import MonitoringError
from tests.factories import UnitFactory

from .builders import YEAR, make_task, pdf, report_completion

pytestmark = pytest.mark.django_db


def test_there_is_one_plan_a_year(plan, sonv_staff):
    with pytest.raises(MonitoringError, match="Đã có kế hoạch CCHC năm 2025"):
        services.plan_save(actor=sonv_staff, year=YEAR, title="Kế hoạch thứ hai")


def test_a_plan_issued_at_the_end_of_the_year_before_is_accepted_but_not_one_dated_after_its_year(sonv_staff):
    plan = services.plan_save(actor=sonv_staff, year=2026, number="3369/QĐ-UBND", issued_on=datetime.date(2025, 12, 31), title="Kế hoạch CCHC năm 2026")
    assert plan.issued_on.year == 2025
    with pytest.raises(MonitoringError, match="sau năm kế hoạch"):
        services.plan_save(actor=sonv_staff, plan=plan, year=2026, title=plan.title, issued_on=datetime.date(2027, 1, 2))


def test_the_year_of_a_plan_with_tasks_cannot_change(plan, task_a, sonv_staff):
    with pytest.raises(MonitoringError, match="không đổi được năm"):
        services.plan_save(actor=sonv_staff, plan=plan, year=2024, title=plan.title)


def test_a_task_is_audited_with_its_supporting_units(task_a, unit_b):
    event = AuditEvent.objects.get(action="plan_task.create")
    assert event.changes["supporting_units"] == [None, [unit_b.code]]
    assert event.changes["lead_unit"][1] == task_a.lead_unit.name


def test_a_unit_closed_before_the_plans_year_cannot_lead_or_support_a_task(plan, sonv_staff, unit_a):
    closed = UnitFactory(code="HUYEN-CU", valid_to=datetime.date(2024, 12, 31), active=False)
    with pytest.raises(MonitoringError, match="không hoạt động trong năm 2025"):
        make_task(sonv_staff, plan, closed)
    with pytest.raises(MonitoringError, match="HUYEN-CU"):
        make_task(sonv_staff, plan, unit_a, supporting=[closed])


def test_a_unit_closed_during_the_year_still_leads_its_tasks_of_that_year(plan, sonv_staff):
    closing = UnitFactory(code="HUYEN-SAP-NHAP", valid_to=datetime.date(2025, 6, 30))
    assert make_task(sonv_staff, plan, closing).lead_unit == closing


def test_two_tasks_of_a_plan_cannot_share_a_number(plan, task_a, sonv_staff, unit_b):
    with pytest.raises(MonitoringError, match="đã có nhiệm vụ số 1"):
        make_task(sonv_staff, plan, unit_b, number="1")


def test_only_the_lead_units_contact_reports_a_task(task_a, unit_b_editor, sonv_staff):
    # Unit B supports the task: it sees it, but reports to the lead unit, not to Sở Nội vụ.
    for actor in (unit_b_editor, sonv_staff):
        with pytest.raises(MonitoringError, match="đơn vị chủ trì"):
            report_completion(actor, task_a)


def test_a_progress_report_keeps_the_task_with_the_unit_and_records_the_percentage(task_a, unit_a_editor):
    services.task_report(actor=unit_a_editor, task=task_a, kind=TaskReport.Kind.PROGRESS, progress=40, text="Đã dự thảo.")
    task_a.refresh_from_db()
    assert task_a.status == PlanTask.Status.IN_PROGRESS and task_a.progress == 40


def test_a_completion_report_needs_its_product_as_evidence(task_a, unit_a_editor):
    with pytest.raises(MonitoringError, match="ít nhất một tài liệu kiểm chứng"):
        services.task_report(actor=unit_a_editor, task=task_a, kind=TaskReport.Kind.COMPLETION, text="Xong.")
    assert not TaskReport.objects.exists()


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(task_a, unit_a_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(MonitoringError, match="không đúng định dạng"):
        services.task_report(actor=unit_a_editor, task=task_a, kind=TaskReport.Kind.COMPLETION, text="Xong.", files=[fake])
    assert not TaskReport.objects.exists()


def test_a_reported_task_waits_for_staff_and_takes_no_more_reports(task_a, unit_a_editor):
    report_completion(unit_a_editor, task_a)
    task_a.refresh_from_db()
    assert task_a.status == PlanTask.Status.REPORTED and task_a.progress == 100
    with pytest.raises(MonitoringError, match="không báo cáo thêm được"):
        report_completion(unit_a_editor, task_a)
    event = AuditEvent.objects.get(action="plan_task.report")
    assert event.changes["files"] == [None, ["san-pham.pdf"]] and event.reason == "Đã hoàn thành."


def test_staff_return_a_completion_with_a_reason_and_the_unit_reports_again(task_a, unit_a_editor, sonv_staff):
    report_completion(unit_a_editor, task_a)
    with pytest.raises(MonitoringError, match="ghi rõ lý do"):
        services.task_return(actor=sonv_staff, task=task_a, comment=" ")
    services.task_return(actor=sonv_staff, task=task_a, comment="Thiếu quyết định ban hành.")
    task_a.refresh_from_db()
    assert task_a.status == PlanTask.Status.RETURNED and task_a.review_comment == "Thiếu quyết định ban hành."
    report_completion(unit_a_editor, task_a, name="bo-sung.pdf")
    services.task_accept(actor=sonv_staff, task=task_a)
    task_a.refresh_from_db()
    assert task_a.is_completed


def test_only_staff_decide_and_only_on_a_reported_task(task_a, unit_a_editor, leader, sonv_staff):
    with pytest.raises(MonitoringError, match="đã báo cáo hoàn thành"):
        services.task_accept(actor=sonv_staff, task=task_a)
    report_completion(unit_a_editor, task_a)
    for actor in (unit_a_editor, leader):
        with pytest.raises(MonitoringError, match="Chỉ Sở Nội vụ"):
            services.task_accept(actor=actor, task=task_a)


def test_an_accepted_task_cannot_be_edited_and_a_reported_one_cannot_change_its_lead_unit(task_a, unit_a_editor, sonv_staff, unit_b):
    report_completion(unit_a_editor, task_a)
    with pytest.raises(MonitoringError, match="không đổi được đơn vị chủ trì"):
        services.task_save(actor=sonv_staff, plan=task_a.plan, task=task_a, number="1", title=task_a.title, field="1", lead_unit=unit_b)
    services.task_save(
        actor=sonv_staff, plan=task_a.plan, task=task_a, number="1", title="Tên đã sửa", field="1", lead_unit=task_a.lead_unit,
        supporting_units=[unit_b], deadline=task_a.deadline, expected_product="Báo cáo kết quả",
    )
    services.task_accept(actor=sonv_staff, task=task_a)
    with pytest.raises(MonitoringError, match="đã được xác nhận hoàn thành"):
        services.task_save(
            actor=sonv_staff, plan=task_a.plan, task=task_a, number="1", title="Sửa lần nữa", field="1", lead_unit=task_a.lead_unit,
        )


# --- Overdue ----------------------------------------------------------------------------------------------


def test_the_daily_task_stamps_tasks_past_their_deadline_once(plan, sonv_staff, unit_a, unit_a_editor):
    late = make_task(sonv_staff, plan, unit_a, number="1", deadline=datetime.date(2025, 3, 31))
    on_time = make_task(sonv_staff, plan, unit_a, number="2", deadline=datetime.date(2025, 12, 31))
    ongoing = make_task(sonv_staff, plan, unit_a, number="3", deadline=None)
    waiting = make_task(sonv_staff, plan, unit_a, number="4", deadline=datetime.date(2025, 3, 31))
    report_completion(unit_a_editor, waiting)
    today = datetime.date(2025, 4, 15)
    assert services.tasks_mark_overdue(today=today) == 1
    assert services.tasks_mark_overdue(today=today) == 0
    stamps = dict(PlanTask.objects.values_list("pk", "overdue_since"))
    assert stamps[late.pk] == datetime.date(2025, 4, 1)
    assert stamps[on_time.pk] is stamps[ongoing.pk] is stamps[waiting.pk] is None
    assert AuditEvent.objects.filter(action="plan_task.overdue").count() == 1


def test_the_deadline_day_itself_is_not_overdue(plan, sonv_staff, unit_a):
    make_task(sonv_staff, plan, unit_a, deadline=datetime.date(2025, 3, 31))
    assert services.tasks_mark_overdue(today=datetime.date(2025, 3, 31)) == 0
    assert services.tasks_mark_overdue(today=datetime.date(2025, 4, 1)) == 1


def test_an_extended_deadline_lifts_the_overdue_mark_and_the_audit_keeps_it(plan, sonv_staff, unit_a, monkeypatch):
    task = make_task(sonv_staff, plan, unit_a, deadline=datetime.date(2025, 3, 31))
    services.tasks_mark_overdue(today=datetime.date(2025, 4, 2))
    monkeypatch.setattr("monitoring.services.plan.timezone.localdate", lambda: datetime.date(2025, 5, 1))
    save = {"actor": sonv_staff, "plan": plan, "task": task, "number": "1", "title": task.title, "field": "1", "lead_unit": unit_a}
    services.task_save(**save, deadline=datetime.date(2025, 4, 30))  # still past: the mark stays
    task.refresh_from_db()
    assert task.overdue_since == datetime.date(2025, 4, 1)
    services.task_save(**save, deadline=datetime.date(2025, 6, 30))
    task.refresh_from_db()
    assert task.overdue_since is None
    assert AuditEvent.objects.filter(action="plan_task.update", changes__overdue_since__0="2025-04-01").exists()


def test_an_overdue_task_stays_overdue_until_accepted(plan, sonv_staff, unit_a, unit_a_editor):
    task = make_task(sonv_staff, plan, unit_a, deadline=datetime.date(2025, 3, 31))
    services.tasks_mark_overdue(today=datetime.date(2025, 4, 2))
    report_completion(unit_a_editor, task)
    task.refresh_from_db()
    assert task.is_overdue
    services.task_accept(actor=sonv_staff, task=task)
    task.refresh_from_db()
    assert not task.is_overdue and task.overdue_since == datetime.date(2025, 4, 1)


def test_the_celery_task_uses_the_service_and_is_scheduled_daily(plan, sonv_staff, unit_a):
    make_task(sonv_staff, plan, unit_a, deadline=datetime.date(2025, 1, 31))
    assert tasks.mark_overdue_tasks.apply().get() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["monitoring-mark-overdue-tasks"]
    assert entry["task"] == "monitoring.tasks.mark_overdue_tasks" and entry["schedule"].hour == {1}
    assert settings.CELERY_BEAT_SCHEDULE["monitoring-send-report-reminders"]["task"] == "monitoring.tasks.send_report_reminders"


def test_evidence_of_a_report_is_kept_with_its_name_and_type(task_a, unit_a_editor):
    report = services.task_report(actor=unit_a_editor, task=task_a, kind=TaskReport.Kind.PROGRESS, progress=10, text="Đã họp.", files=[pdf("Biên bản họp.pdf")])
    [evidence] = report.evidence.all()
    assert evidence.original_name == "Biên bản họp.pdf" and evidence.content_type == "application/pdf" and evidence.uploaded_by == unit_a_editor


def test_a_unit_switched_off_without_a_closing_date_is_not_given_tasks(plan, sonv_staff):
    off = UnitFactory(code="TAM-DUNG", active=False)
    with pytest.raises(MonitoringError, match="không hoạt động trong năm 2025"):
        make_task(sonv_staff, plan, off)
