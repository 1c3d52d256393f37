from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def mark_overdue_findings() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): stamp shortcomings past their deadline. Idempotent."""
    return services.findings_mark_overdue(today=timezone.localdate())
