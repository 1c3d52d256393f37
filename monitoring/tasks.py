"""Periodic jobs of the monitoring app (CELERY_BEAT_SCHEDULE); thin wrappers over services."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def mark_overdue_tasks() -> int:
    """Daily: stamp the plan's tasks past their deadline. Idempotent."""
    return services.tasks_mark_overdue(today=timezone.localdate())


@shared_task(soft_time_limit=300, time_limit=360)
def send_report_reminders() -> int:
    """Daily: e-mail units' contacts 7 and 1 days before a periodic report is due. ReportReminderLog
    keeps a second run (a beat that fires twice, a retry) from mailing anyone twice."""
    return len(services.report_reminders_send(today=timezone.localdate()).sent)
