"""Periodic reports: the calendar staff set, units' files, on time / late / missing, the matrix
and the reminders before each due date."""

import datetime
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from monitoring import selectors, services, tasks
from monitoring.models import ReportKind, ReportReminderLog, ReportSubmission
from monitoring.selectors.reports import LATE, MISSING, NOT_OWED, ON_TIME, PENDING
from monitoring.services import MonitoringError
from tests.factories import UnitFactory, make_user
from units import roles

from .builders import DUE_DATES, YEAR, make_calendar, pdf
from .helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _send(editor, due, unit=None, name="bao-cao.pdf"):
    return services.report_submit(actor=editor, due=due, unit=unit or editor.unit, file=pdf(name))


def _sent_at(submission, when: datetime.datetime):
    ReportSubmission.objects.filter(pk=submission.pk).update(uploaded_at=timezone.make_aware(when))


def test_staff_set_the_four_due_dates_of_a_year_in_order(sonv_staff):
    dates = dict(DUE_DATES)
    dates[ReportKind.M9] = datetime.date(YEAR, 5, 1)
    with pytest.raises(MonitoringError, match="theo thứ tự"):
        services.report_calendar_set(actor=sonv_staff, year=YEAR, due_dates=dates)
    with pytest.raises(MonitoringError, match="Chưa nhập hạn gửi: Báo cáo năm"):
        services.report_calendar_set(actor=sonv_staff, year=YEAR, due_dates={k: v for k, v in DUE_DATES.items() if k != ReportKind.YEAR})
    dues = make_calendar(sonv_staff)
    assert [dues[k].due_date for k in ReportKind.values] == [DUE_DATES[k] for k in ReportKind.values]
    assert AuditEvent.objects.filter(action="report_due.set").count() == 4


def test_the_yearly_report_may_be_due_in_january_of_the_next_year_and_a_moved_date_is_audited(sonv_staff):
    make_calendar(sonv_staff)
    dates = {**DUE_DATES, ReportKind.YEAR: datetime.date(YEAR + 1, 1, 10)}
    services.report_calendar_set(actor=sonv_staff, year=YEAR, due_dates=dates)
    event = AuditEvent.objects.filter(action="report_due.set").latest("id")
    assert event.changes == {"due_date": ["2025-12-15", "2026-01-10"]}


def test_only_staff_set_the_calendar(unit_a_editor, leader):
    for actor in (unit_a_editor, leader):
        with pytest.raises(MonitoringError, match="Chỉ Sở Nội vụ"):
            services.report_calendar_set(actor=actor, year=YEAR, due_dates=DUE_DATES)


def test_the_state_of_a_report_is_decided_by_its_first_file_and_the_due_day_in_vietnam(dues):
    due = dues[ReportKind.Q1]
    today = datetime.date(2025, 4, 1)
    evening = timezone.make_aware(datetime.datetime(2025, 3, 15, 23, 30))  # still the due day in Hà Tĩnh
    next_day = timezone.make_aware(datetime.datetime(2025, 3, 16, 0, 5))
    assert selectors.report_status(due=due, owes=True, first_sent=evening, today=today) == ON_TIME
    assert selectors.report_status(due=due, owes=True, first_sent=next_day, today=today) == LATE
    assert selectors.report_status(due=due, owes=True, first_sent=None, today=today) == MISSING
    assert selectors.report_status(due=due, owes=True, first_sent=None, today=due.due_date) == PENDING
    assert selectors.report_status(due=due, owes=False, first_sent=None, today=today) == NOT_OWED


def test_the_matrix_shows_each_units_state_and_a_later_version_does_not_make_a_report_on_time(dues, unit_a_editor, unit_b_editor, unit_a, unit_b):
    q1 = dues[ReportKind.Q1]
    late = _send(unit_a_editor, q1, name="quy-1.pdf")
    _sent_at(late, datetime.datetime(2025, 3, 20, 9, 0))
    _send(unit_a_editor, q1, name="quy-1-sua.pdf")  # a correction, today
    on_time = _send(unit_b_editor, q1)
    _sent_at(on_time, datetime.datetime(2025, 3, 14, 9, 0))
    dues_, rows, totals = selectors.report_matrix(year=YEAR, today=datetime.date(2025, 7, 1))
    cells = {unit.code: cell_list for unit, cell_list in rows}
    assert [d.kind for d in dues_] == ReportKind.values
    assert cells[unit_a.code][0].state == LATE and cells[unit_a.code][0].versions == 2
    assert cells[unit_b.code][0].state == ON_TIME
    assert cells[unit_a.code][1].state == MISSING  # 6 tháng, due 15/06
    assert cells[unit_a.code][2].state == PENDING
    assert totals[0].counts[ON_TIME] == 1 and totals[0].counts[LATE] == 1


def test_a_unit_closed_before_a_due_date_does_not_owe_that_report(dues, sonv_staff):
    closed = UnitFactory(code="HUYEN-SAP-NHAP", valid_to=datetime.date(2025, 6, 30), active=False)
    _, rows, _ = selectors.report_matrix(year=YEAR, today=datetime.date(2025, 12, 31))
    [cells] = [c for unit, c in rows if unit == closed]
    assert [c.state for c in cells] == [MISSING, MISSING, NOT_OWED, NOT_OWED]
    editor = make_user(roles.UNIT_EDITOR, closed, username="editor_closed")
    with pytest.raises(MonitoringError, match="không phải gửi báo cáo 9 tháng"):
        _send(editor, dues[ReportKind.M9])


def test_a_unit_sends_only_its_own_report(dues, unit_a_editor, unit_b, sonv_staff):
    for actor, unit in ((unit_a_editor, unit_b), (sonv_staff, unit_b)):
        with pytest.raises(MonitoringError, match="của đơn vị"):
            _send(actor, dues[ReportKind.Q1], unit=unit)


def test_a_file_that_is_not_a_document_is_refused(dues, unit_a_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(MonitoringError, match="không đúng định dạng"):
        services.report_submit(actor=unit_a_editor, due=dues[ReportKind.Q1], unit=unit_a_editor.unit, file=SimpleUploadedFile("a.pdf", b"#!/bin/sh"))
    assert not ReportSubmission.objects.exists()


def test_the_matrix_page_runs_a_constant_number_of_queries(dues, client_of, sonv_staff, unit_a_editor, django_assert_num_queries):
    _send(unit_a_editor, dues[ReportKind.Q1])

    def grow():
        for n in range(15):
            unit = UnitFactory(code=f"XA-{n:02d}")
            editor = make_user(roles.UNIT_EDITOR, unit, username=f"editor_xa_{n}")
            _send(editor, dues[ReportKind.Q1])
            _send(editor, dues[ReportKind.H1])

    response = assert_constant_queries(client_of(sonv_staff), reverse("monitoring:reports", args=[YEAR]), grow, django_assert_num_queries)
    assert "XA-14" in response.content.decode()


# --- Reminders -----------------------------------------------------------------------------------------


@pytest.fixture
def contacts(unit_a_editor, unit_b_editor):
    unit_a_editor.email, unit_b_editor.email = "a@example.vn", "b@example.vn"
    unit_a_editor.save()
    unit_b_editor.save()
    return unit_a_editor, unit_b_editor


def test_contacts_of_units_yet_to_report_are_reminded_seven_and_one_days_before_once(dues, contacts, unit_a):
    editor_a, editor_b = contacts
    _send(editor_a, dues[ReportKind.H1])
    seven_before = DUE_DATES[ReportKind.H1] - datetime.timedelta(days=7)
    run = services.report_reminders_send(today=seven_before)
    assert [(r.user, r.days) for r in run.sent] == [(editor_b, 7)]
    assert mail.outbox[0].to == ["b@example.vn"] and "Còn 7 ngày đến hạn gửi báo cáo 6 tháng (15/06/2025)" in mail.outbox[0].subject
    assert not services.report_reminders_send(today=seven_before).sent  # a second run mails no one
    assert not services.report_reminders_send(today=seven_before + datetime.timedelta(days=1)).sent  # 6 days before: no reminder
    assert len(services.report_reminders_send(today=DUE_DATES[ReportKind.H1] - datetime.timedelta(days=1)).sent) == 1
    assert ReportReminderLog.objects.count() == 2


def test_remind_now_reaches_every_report_still_ahead_and_says_who_has_no_address(dues, contacts, sonv_staff, unit_a):
    editor_a, editor_b = contacts
    editor_b.email = ""
    editor_b.save()
    run = services.report_reminders_send(today=datetime.date(2025, 6, 1), now=True, actor=sonv_staff)
    assert {(r.user, r.due.kind) for r in run.sent} == {(editor_a, ReportKind.H1), (editor_a, ReportKind.M9), (editor_a, ReportKind.YEAR)}
    assert editor_b in run.without_email
    assert AuditEvent.objects.filter(action="report.remind").count() == 3


def test_a_mail_server_that_does_not_answer_undoes_the_run(dues, contacts, monkeypatch):
    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("monitoring.services.reports.send_mass_mail", down)
    with pytest.raises(MonitoringError, match="Chưa ai được nhắc"):
        services.report_reminders_send(today=DUE_DATES[ReportKind.Q1] - datetime.timedelta(days=1))
    assert not ReportReminderLog.objects.exists()


def test_the_daily_task_sends_the_reminders_due_today(dues, contacts, monkeypatch):
    monkeypatch.setattr("monitoring.tasks.timezone.localdate", lambda: DUE_DATES[ReportKind.Q1] - datetime.timedelta(days=7))
    assert tasks.send_report_reminders.apply().get() == 2
    assert settings.CELERY_BEAT_SCHEDULE["monitoring-send-report-reminders"]["schedule"].hour == {7}


def test_a_report_s_name_inside_a_sentence_keeps_its_numeral_upper_case():
    from monitoring.models import ReportKind, in_sentence

    assert in_sentence(ReportKind.Q1.label) == "báo cáo quý I"
    assert in_sentence(ReportKind.H1.label) == "báo cáo 6 tháng"
