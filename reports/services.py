"""Asking for a document and rendering it. A request is cheap and idempotent (one row per kind,
subject and data fingerprint); the rendering runs in a Celery task queued after commit, claims the
row with a conditional UPDATE, and always writes the same file for the same row. A message lost
on the way (the broker was down, or a worker died holding it) is sent again by a beat task, so
every request ends rendered without anyone asking twice."""

import datetime
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import audit_log, save_audited, snapshot

from .errors import DocumentError
from .models import GeneratedDocument
from .registry import spec_for
from .spec import DocumentSpec

__all__ = ["DocumentBusy", "DocumentError", "document_render", "document_request", "documents_requeue_stale"]

Status = GeneratedDocument.Status
# Longer than the task's hard time limit (150 s): a row "running" for longer than this has lost
# its worker (killed, machine restarted) and may be claimed again.
RUNNING_STALE_AFTER = datetime.timedelta(seconds=180)
# A queued row nobody picked up in this time lost its message (the broker was down when it was
# sent, or restarted without persistence): the beat task, or asking again, queues it again.
QUEUED_STALE_AFTER = datetime.timedelta(minutes=10)
# PostgreSQL advisory locks are keyed by two integers; this first one keeps the renderers' locks
# apart from any other use of advisory locks.
_RENDER_LOCK_SPACE = 0x43434843  # "CCHC"


class DocumentBusy(Exception):
    """Another worker holds a fresh claim on the row; the task retries once that claim is stale."""


def get_spec(kind: str) -> DocumentSpec:
    spec = spec_for(kind)
    if spec is None:
        raise DocumentError(f"Loại văn bản “{kind}” chưa được hỗ trợ.")
    return spec


def _abandoned(doc: GeneratedDocument, now: datetime.datetime) -> bool:
    if doc.status == Status.QUEUED:
        return doc.requested_at < now - QUEUED_STALE_AFTER
    if doc.status == Status.RUNNING:
        return doc.started_at is None or doc.started_at < now - RUNNING_STALE_AFTER
    return False


def _queue(doc: GeneratedDocument) -> None:
    from .tasks import render_document_task

    # robust: a broker that is down must not turn the clerk's request into an error page (the
    # publish gives up within seconds, see CELERY_TASK_PUBLISH_RETRY_POLICY); the row stays queued
    # and documents_requeue_stale sends it again once the broker is back.
    transaction.on_commit(lambda: render_document_task.delay(doc.pk), robust=True)


@transaction.atomic
def document_request(*, actor, kind: str, subject) -> GeneratedDocument:
    """The document of `kind` for `subject` as its data stands now: the existing row when one was
    made from the same data (queued again only if it failed or was abandoned), else a new row
    queued for rendering. Rows made from older data stay, and show as out of date."""
    spec = get_spec(kind)
    context = spec.build_context(subject)
    fingerprint = spec.fingerprint_of(context)
    now = timezone.now()
    requester = actor if getattr(actor, "is_authenticated", False) else None
    doc, created = GeneratedDocument.objects.get_or_create(
        kind=spec.kind,
        subject_type=ContentType.objects.get_for_model(spec.subject_model),
        subject_id=subject.pk,
        fingerprint=fingerprint,
        defaults={
            "title": spec.title(context),
            "filename": spec.filename(context),
            "requested_by": requester,
            "requested_at": now,
        },
    )
    if created:
        audit_log(actor=actor, action="document.request", target=doc, changes={"status": [None, Status.QUEUED]})
        _queue(doc)
        return doc
    doc = GeneratedDocument.objects.select_for_update().get(pk=doc.pk)
    if doc.status == Status.FAILED or _abandoned(doc, now):
        before = doc.status
        doc.status, doc.error, doc.requested_by, doc.requested_at = Status.QUEUED, "", requester, now
        doc.save(update_fields=["status", "error", "requested_by", "requested_at"])
        audit_log(actor=actor, action="document.request", target=doc, changes={"status": [before, Status.QUEUED]})
        _queue(doc)
    return doc


def _stale(now: datetime.datetime) -> Q:
    queued = Q(status=Status.QUEUED, requested_at__lt=now - QUEUED_STALE_AFTER)
    running = Q(status=Status.RUNNING) & (Q(started_at__isnull=True) | Q(started_at__lt=now - RUNNING_STALE_AFTER))
    return queued | running


@transaction.atomic
def documents_requeue_stale(*, limit: int = 500) -> list[int]:
    """Send again the rows whose message was lost: queued for longer than QUEUED_STALE_AFTER (the
    broker was down when the clerk asked, or lost its queue) or running for longer than any run
    may last (the worker died and its message went with it). Run by the beat every few minutes.

    Harmless when the message was not lost after all: the first delivery renders the row, any
    other one finds it done. `requested_at` moves to now, so a row whose worker is still away is
    sent once per QUEUED_STALE_AFTER rather than on every beat. Returns the ids sent again."""
    now = timezone.now()
    # skip_locked: a row a clerk is asking for at this moment is queued by that request instead.
    docs = list(
        GeneratedDocument.objects.select_for_update(skip_locked=True).filter(_stale(now)).order_by("requested_at", "pk")[:limit]
    )
    sent_again = ["status", "requested_at"]
    for doc in docs:
        before = snapshot(doc, sent_again)
        doc.status, doc.requested_at = Status.QUEUED, now
        save_audited(doc, before, actor=None, action="document.requeue", fields=sent_again, update_fields=sent_again)
        _queue(doc)
    return [doc.pk for doc in docs]


@contextmanager
def _render_lock(document_id: int) -> Iterator[bool | None]:
    """Hold the row's render lock for this connection: True when taken, False when another
    connection holds it, None on a database without advisory locks (the embedded demo).

    PostgreSQL releases the lock as soon as the holder's connection ends, so a free lock on a
    running row means its renderer is gone: a worker killed mid-task no longer blocks the row
    until RUNNING_STALE_AFTER has passed."""
    if connection.vendor != "postgresql":
        yield None
        return
    key = [_RENDER_LOCK_SPACE, document_id % 2**31]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:
                pass  # the connection is gone, and the lock went with it


def _claim(document_id: int, *, renderer_gone: bool = False) -> datetime.datetime | None:
    """Take the row for this run. The UPDATE only matches a row nobody is rendering, so two
    deliveries of the same task (acks_late redelivers after a lost worker) cannot both render.
    A running row is taken over once its renderer is known to be gone, or else once its claim is
    older than any run may last."""
    now = timezone.now()
    running = Q(status=Status.RUNNING)
    if not renderer_gone:
        running &= Q(started_at__lt=now - RUNNING_STALE_AFTER)
    claimable = Q(status__in=[Status.QUEUED, Status.FAILED]) | running
    claimed = (
        GeneratedDocument.objects.filter(claimable, pk=document_id)
        .update(status=Status.RUNNING, started_at=now, finished_at=None, error="", attempts=F("attempts") + 1)
    )
    return now if claimed else None


def storage_name(doc: GeneratedDocument) -> str:
    """One path per row: a second rendering of the row replaces the file instead of adding one."""
    return f"documents/{doc.kind}/{doc.pk}.pdf"


def _write(name: str, data: bytes) -> None:
    # Written beside the target and renamed over it, so a download never reads a half-written file.
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.chmod(partial, 0o640)
    os.replace(partial, path)


def _fail(doc_id: int, message: str) -> None:
    GeneratedDocument.objects.filter(pk=doc_id).update(status=Status.FAILED, error=message[:4000], finished_at=timezone.now())


def document_render(*, document_id: int) -> GeneratedDocument | None:
    """Render the row's document and store the PDF. Does nothing for a row already done (a
    repeated delivery); raises DocumentBusy while another run holds it. A domain problem (the
    subject is gone, its data changed since the request) fails the row for good; any other error
    fails it and is raised again so that Celery retries."""
    with _render_lock(document_id) as held:
        if _claim(document_id, renderer_gone=bool(held)) is None:
            doc = GeneratedDocument.objects.filter(pk=document_id).first()
            if doc is None or doc.status == Status.DONE:
                return doc
            raise DocumentBusy(f"document {document_id} is being rendered by another worker")
        return _render(document_id)


def _render(document_id: int) -> GeneratedDocument:
    doc = GeneratedDocument.objects.get(pk=document_id)
    try:
        spec = get_spec(doc.kind)
        subject = spec.subject_model.objects.filter(pk=doc.subject_id).first()
        if subject is None:
            raise DocumentError("Đối tượng của văn bản này không còn tồn tại.")
        context = spec.build_context(subject)
        if spec.fingerprint_of(context) != doc.fingerprint:
            # The row promises a rendering of the data it was asked for; printing newer data under
            # it would make its fingerprint lie. The newer data gets its own row when asked for.
            raise DocumentError("Dữ liệu đã thay đổi sau khi yêu cầu tạo văn bản này; hãy bấm “Tạo lại”.")
        pdf, pages = spec.render(context)
        name = storage_name(doc)
        _write(name, pdf)
    except DocumentError as exc:
        _fail(doc.pk, str(exc))
        return GeneratedDocument.objects.get(pk=doc.pk)
    except Exception as exc:
        _fail(doc.pk, f"{type(exc).__name__}: {exc}")
        raise
    GeneratedDocument.objects.filter(pk=doc.pk).update(
        status=Status.DONE,
        file=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=pages,
        error="",
        finished_at=timezone.now(),
    )
    return GeneratedDocument.objects.get(pk=doc.pk)
