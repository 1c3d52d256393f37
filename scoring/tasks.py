"""Periodic jobs of the scoring app; thin wrappers over services."""

from celery import shared_task
from django.utils import timezone

from .services import reminders_send


@shared_task(soft_time_limit=300, time_limit=360)
def send_phase_reminders() -> int:
    """Daily: e-mail reminders before phase deadlines. ReminderLog keeps a second run (a beat that
    fires twice, a retry) from mailing anyone twice."""
    return len(reminders_send(today=timezone.localdate()).sent)
