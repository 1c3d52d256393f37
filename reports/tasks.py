from celery import shared_task

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(services.DocumentBusy,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=150,
)
def render_document_task(self, document_id: int) -> str | None:
    """Render one GeneratedDocument (routed to the "documents" queue by CELERY_TASK_ROUTES).
    Safe to run twice: the service claims the row and writes the same path for it."""
    try:
        doc = services.document_render(document_id=document_id)
    except services.DocumentBusy as exc:
        # Come back once the other run's claim has gone stale (it finished or its worker died).
        raise self.retry(exc=exc, countdown=int(services.RUNNING_STALE_AFTER.total_seconds()) + 5) from None
    return doc.status if doc else None


@shared_task(acks_late=True, ignore_result=True)
def requeue_stale_documents() -> list[int]:
    """Beat (CELERY_BEAT_SCHEDULE): send again the documents whose message was lost while the
    broker or a worker was down. Running it twice only sends a row twice, which its claim absorbs."""
    return services.documents_requeue_stale()
