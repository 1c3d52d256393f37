"""Deadline reminders by e-mail: unit editors 7 and 1 days before the self-assessment and
explanation deadlines when they still have something to do there, council members before the
appraisal deadline while their queue is unfinished. Sở Nội vụ can also send them at once from the
home page ("Nhắc ngay"). A ReminderLog row per (person, deadline, day) makes the daily task, and a
second press of the button, safe to run twice."""

import datetime
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction

from audit.services import audit_log

from units import roles

from ..models import AppraisalAssignment, Assessment, Period, Phase, ReminderLog, Score
from ..selectors.assessment import appraisal_queue
from .errors import ScoringError
from ..selectors.home import UNEXPLAINED_DEDUCTION

REMINDER_DAYS = (7, 1)
SUBJECT = "[Chỉ số CCHC] Còn {days} ngày đến hạn {what} ({deadline:%d/%m/%Y})"
SUBJECT_TODAY = "[Chỉ số CCHC] Hôm nay là hạn {what} ({deadline:%d/%m/%Y})"


@dataclass(frozen=True)
class Reminder:
    """One e-mail sent: to whom, for which period, and how many days before its deadline."""

    user: object
    period: Period
    days: int


@dataclass
class ReminderRun:
    """What a run did, so that the person who pressed "Nhắc ngay" reads whom it reached and whom
    it could not: people without an e-mail address, people already reminded for the same
    deadline today, and periods whose phase has no deadline set or a deadline already past."""

    sent: list[Reminder] = field(default_factory=list)
    without_email: list = field(default_factory=list)
    already_reminded: list = field(default_factory=list)
    without_deadline: list[Period] = field(default_factory=list)
    past_deadline: list[Period] = field(default_factory=list)


def _unit_editors(unit_ids) -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, unit_id__in=unit_ids, groups__name=roles.UNIT_EDITOR)
        .select_related("unit")
        .distinct()
    )


def _recipients(period: Period) -> list[tuple[object, str]]:
    """(user, what they still have to do) for the period's current phase."""
    if period.phase == Phase.SELF_ASSESSMENT:
        units = Assessment.objects.filter(period=period, status=Assessment.Status.OPEN).values_list("unit_id", flat=True)
        return [
            (user, f"Phiếu tự đánh giá của {user.unit.name} chưa được nộp. Hãy hoàn thành, tải tài liệu kiểm chứng và nộp trước hạn.")
            for user in _unit_editors(list(units))
        ]
    if period.phase == Phase.EXPLANATION:
        units = (
            Score.objects.filter(UNEXPLAINED_DEDUCTION, assessment__period=period)
            .values_list("assessment__unit_id", flat=True)
            .distinct()
        )
        return [
            (user, f"{user.unit.name} có tiêu chí bị trừ điểm khi thẩm định chưa giải trình. Đơn vị có thể giải trình kèm tài liệu trước hạn.")
            for user in _unit_editors(list(units))
        ]
    if period.phase == Phase.APPRAISAL:
        members = get_user_model().objects.filter(
            is_active=True, pk__in=AppraisalAssignment.objects.filter(period=period).values("member_id")
        ).select_related("unit")
        result = []
        for member in members:
            remaining = sum(item.remaining for item in appraisal_queue(period, member))
            if remaining:
                result.append((member, f"Hàng đợi thẩm định của anh/chị còn {remaining} tiêu chí chưa thẩm định."))
        return result
    return []


WHAT = {
    Phase.SELF_ASSESSMENT: "tự đánh giá",
    Phase.APPRAISAL: "thẩm định",
    Phase.EXPLANATION: "giải trình",
}


@transaction.atomic
def reminders_send(*, today: datetime.date, now: bool = False, actor=None) -> ReminderRun:
    """Send the reminders due today, or with `now` every reminder of the phases under way whose
    deadline has not passed (the home page's "Nhắc ngay"); returns whom they reached. Mail goes
    out after commit, so a run that fails sends nothing and a second run does not repeat what the
    first sent (for the same deadline and the same number of days before it)."""
    run = ReminderRun()
    messages = []
    for period in Period.objects.filter(phase__in=list(WHAT)).order_by("year"):
        deadline = period.deadline_for(period.phase)
        if deadline is None:
            if now:
                run.without_deadline.append(period)
            continue
        days = (deadline - today).days
        if days < 0:
            # The phase's window is closed: a reminder would ask for what can no longer be done.
            if now:
                run.past_deadline.append(period)
            continue
        if not now and days not in REMINDER_DAYS:
            continue
        for user, todo in _recipients(period):
            if not user.email:
                run.without_email.append(user)
                continue
            _, created = ReminderLog.objects.get_or_create(
                user=user, period=period, phase=period.phase, deadline=deadline, days_before=days
            )
            if not created:
                run.already_reminded.append(user)
                continue
            template = SUBJECT if days else SUBJECT_TODAY
            subject = template.format(days=days, what=WHAT[period.phase], deadline=deadline)
            body = (
                f"Kính gửi {user.full_name or user.username},\n\n{todo}\n\n"
                f"Kỳ đánh giá: {period}. Hạn {WHAT[period.phase]}: {deadline:%d/%m/%Y}.\n\n"
                "Thư này được gửi tự động từ hệ thống quản lý Chỉ số CCHC."
            )
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
            run.sent.append(Reminder(user, period, days))
    if actor is not None and run.sent:
        # Someone pressed "Nhắc ngay": who asked, and whom it reached, per period.
        for period in {reminder.period for reminder in run.sent}:
            names = sorted(str(r.user) for r in run.sent if r.period == period)
            audit_log(actor=actor, action="reminder.send", target=period, changes={"recipients": [None, names]})
    if messages:
        # Sent before the run commits: a mail server that does not answer undoes the run, so no
        # reminder is recorded as sent that was not (and the next press or day sends it).
        try:
            send_mass_mail(messages, fail_silently=False)
        except (OSError, smtplib.SMTPException) as exc:
            raise ScoringError(
                f"Không gửi được thư nhắc: máy chủ thư không trả lời ({exc.__class__.__name__}). Chưa ai được nhắc; hãy thử lại sau."
            ) from None
    return run
