"""Deadline reminders by e-mail: unit editors 7 and 1 days before the self-assessment and
explanation deadlines when they still have something to do there, council members before the
appraisal deadline while their queue is unfinished. A ReminderLog row per (person, deadline, day)
makes the daily task safe to run twice."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F

from units import roles

from ..models import AppraisalAssignment, Assessment, Period, Phase, ReminderLog, Score
from ..selectors.assessment import appraisal_queue

REMINDER_DAYS = (7, 1)
SUBJECT = "[Chỉ số CCHC] Còn {days} ngày đến hạn {what} ({deadline:%d/%m/%Y})"


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
            Score.objects.filter(assessment__period=period, appraised_score__lt=F("self_score"), explanation="")
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
        )
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
def reminders_send(*, today: datetime.date) -> int:
    """Send today's reminders; returns how many e-mails were sent. Mail goes out after commit,
    so a run that fails sends nothing and a second run does not repeat what the first sent."""
    messages = []
    for period in Period.objects.filter(phase__in=list(WHAT)).order_by("year"):
        deadline = period.deadline_for(period.phase)
        if deadline is None or (deadline - today).days not in REMINDER_DAYS:
            continue
        days = (deadline - today).days
        for user, todo in _recipients(period):
            if not user.email:
                continue
            log, created = ReminderLog.objects.get_or_create(
                user=user, period=period, phase=period.phase, deadline=deadline, days_before=days
            )
            if not created:
                continue
            subject = SUBJECT.format(days=days, what=WHAT[period.phase], deadline=deadline)
            body = (
                f"Kính gửi {user.full_name or user.username},\n\n{todo}\n\n"
                f"Kỳ đánh giá: {period}. Hạn {WHAT[period.phase]}: {deadline:%d/%m/%Y}.\n\n"
                "Thư này được gửi tự động từ hệ thống quản lý Chỉ số CCHC."
            )
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)
