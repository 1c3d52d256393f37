"""Writes to the periodic reports: the year's calendar (staff), a unit's report file, and the
e-mail reminders before each due date, in the style of scoring's deadline reminders
(scoring/services/reminders.py): a log row per (person, report, deadline, days before) keeps the
daily task and a second press of "Nhắc ngay" from mailing anyone twice."""

import datetime
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from audit.services import audit_log, save_audited, snapshot
from units.models import Unit
from units.text import nfc

from .. import scope
from ..models import ReportDue, ReportKind, in_sentence, ReportReminderLog, ReportSubmission, monitored_units_on, unit_monitored_on
from .errors import MonitoringError
from .files import check_files, store_files

DUE_FIELDS = ["year", "kind", "due_date"]
REMINDER_DAYS = (7, 1)
SUBJECT = "[CCHC] Còn {days} ngày đến hạn gửi {what} ({deadline:%d/%m/%Y})"
SUBJECT_TODAY = "[CCHC] Hôm nay là hạn gửi {what} ({deadline:%d/%m/%Y})"


@transaction.atomic
def report_calendar_set(*, actor, year: int, due_dates: dict[str, datetime.date]) -> list[ReportDue]:
    """Set the due dates of the year's periodic reports (quý I, 6 tháng, 9 tháng, năm). A date
    moved after units have sent their report changes which of them count as on time; the audit
    keeps the old date."""
    if not scope.manages(actor):
        raise MonitoringError("Chỉ Sở Nội vụ đặt được lịch báo cáo định kỳ.")
    unknown = set(due_dates) - set(ReportKind.values)
    if unknown:
        raise MonitoringError(f"Kỳ báo cáo không hợp lệ: {', '.join(sorted(unknown))}.")
    missing = [ReportKind(kind).label for kind in ReportKind.values if not due_dates.get(kind)]
    if missing:
        raise MonitoringError(f"Chưa nhập hạn gửi: {', '.join(missing)}.")
    for kind in ReportKind.values:
        day = due_dates[kind]
        # The yearly report of a year may be due in January of the next.
        if day.year not in (year, year + 1):
            raise MonitoringError(f"Hạn gửi {in_sentence(ReportKind(kind).label)} ({day:%d/%m/%Y}) không thuộc năm {year}.")
    ordered = [due_dates[kind] for kind in ReportKind.values]
    if ordered != sorted(ordered) or len(set(ordered)) != len(ordered):
        raise MonitoringError("Hạn gửi các kỳ phải theo thứ tự: quý I, 6 tháng, 9 tháng, năm.")
    existing = {due.kind: due for due in ReportDue.objects.select_for_update().filter(year=year)}
    saved = []
    for kind in ReportKind.values:
        due = existing.get(kind)
        before = snapshot(due, DUE_FIELDS) if due else {}
        due = due or ReportDue(year=year, kind=kind)
        due.due_date = due_dates[kind]
        save_audited(due, before, actor=actor, action="report_due.set", fields=DUE_FIELDS)
        saved.append(due)
    return saved


@transaction.atomic
def report_submit(*, actor, due: ReportDue, unit: Unit, file, note: str = "") -> ReportSubmission:
    """A unit sends its report for one period. A later file is a new version; the first one
    decides whether the report came on time (selectors.report_status)."""
    if not scope.may_submit_report(actor, unit.pk):
        raise MonitoringError("Chỉ cán bộ đầu mối của đơn vị gửi được báo cáo của đơn vị.")
    due = ReportDue.objects.get(pk=due.pk)
    if not unit_monitored_on(unit, due.due_date):
        raise MonitoringError(f"{unit.name} không hoạt động vào ngày {due.due_date:%d/%m/%Y}, không phải gửi {in_sentence(due.get_kind_display())}.")
    if file is None:
        raise MonitoringError("Chưa chọn tệp báo cáo.")
    kinds = check_files([file])
    [submission] = store_files(ReportSubmission, [file], kinds, actor=actor, due=due, unit=unit, note=nfc(note)[:255])
    audit_log(
        actor=actor,
        action="report.submit",
        target=submission,
        changes={"original_name": [None, submission.original_name], "due": [None, str(due)]},
        reason=submission.note,
    )
    return submission


# --- Reminders -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportReminder:
    """One e-mail sent: to whom, for which report, how many days before its due date."""

    user: object
    due: ReportDue
    days: int


@dataclass
class ReportReminderRun:
    """What a run did: whom it reached, and whom it could not (no e-mail address, already reminded
    for the same report and deadline that many days before)."""

    sent: list[ReportReminder] = field(default_factory=list)
    without_email: list = field(default_factory=list)
    already_reminded: list = field(default_factory=list)


def units_yet_to_report(due: ReportDue):
    """The units that owe the report and have sent no file for it yet."""
    return monitored_units_on(due.due_date).exclude(pk__in=ReportSubmission.objects.filter(due=due).values("unit_id"))


@transaction.atomic
def report_reminders_send(*, today: datetime.date, now: bool = False, actor=None) -> ReportReminderRun:
    """Remind the contacts of units that have not sent a report yet, 7 and 1 days before its due
    date (the daily task), or at once for every report still ahead (`now`, staff's "Nhắc ngay").
    Mail goes out before the run commits: a mail server that does not answer undoes the run, so no
    reminder is recorded as sent that was not."""
    if actor is not None and not scope.manages(actor):
        raise MonitoringError("Chỉ Sở Nội vụ gửi được thư nhắc.")
    run = ReportReminderRun()
    messages = []
    for due in ReportDue.objects.filter(due_date__gte=today).order_by("due_date", "kind"):
        days = (due.due_date - today).days
        if not now and days not in REMINDER_DAYS:
            continue
        what = in_sentence(due.get_kind_display())
        for user in scope.unit_contacts(units_yet_to_report(due).values("pk")):
            if not user.email:
                run.without_email.append(user)
                continue
            _, created = ReportReminderLog.objects.get_or_create(user=user, due=due, deadline=due.due_date, days_before=days)
            if not created:
                run.already_reminded.append(user)
                continue
            template = SUBJECT if days else SUBJECT_TODAY
            body = (
                f"Kính gửi {user.full_name or user.username},\n\n"
                f"{user.unit.name} chưa gửi {what} năm {due.year} trên hệ thống. Hạn gửi: {due.due_date:%d/%m/%Y}.\n\n"
                "Thư này được gửi tự động từ hệ thống quản lý Chỉ số CCHC."
            )
            messages.append((template.format(days=days, what=what, deadline=due.due_date), body, settings.DEFAULT_FROM_EMAIL, [user.email]))
            run.sent.append(ReportReminder(user, due, days))
    if actor is not None and run.sent:
        for due in sorted({r.due for r in run.sent}, key=lambda d: (d.due_date, d.kind)):
            names = sorted(str(r.user) for r in run.sent if r.due == due)
            audit_log(actor=actor, action="report.remind", target=due, changes={"recipients": [None, names]})
    if messages:
        try:
            send_mass_mail(messages, fail_silently=False)
        except (OSError, smtplib.SMTPException) as exc:
            raise MonitoringError(
                f"Không gửi được thư nhắc: máy chủ thư không trả lời ({exc.__class__.__name__}). Chưa ai được nhắc; hãy thử lại sau."
            ) from None
    return run
