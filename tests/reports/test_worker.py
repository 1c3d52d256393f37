"""One notice rendered end to end by a real Celery worker on the real broker (CI: PostgreSQL + Redis)."""

import time
from pathlib import Path

import pytest

from reports import services
from reports.models import GeneratedDocument

from .conftest import pdf_text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_queued_notice(celery_worker_process, concluded_a, sonv_staff, settings):
    # The worker writes under its own media root; read the file from there.
    settings.MEDIA_ROOT = celery_worker_process["media_root"]
    doc = services.document_request(actor=sonv_staff, kind="notice", subject=concluded_a)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        doc.refresh_from_db()
        if doc.status in (GeneratedDocument.Status.DONE, GeneratedDocument.Status.FAILED):
            break
        time.sleep(0.3)
    assert doc.status == GeneratedDocument.Status.DONE, f"{doc.status} {doc.error}; see {celery_worker_process['log']}"
    assert doc.attempts == 1 and doc.started_at and doc.finished_at
    path = Path(celery_worker_process["media_root"]) / doc.file.name
    assert "Số: 45/TB-ĐKT" in pdf_text(path.read_bytes())
    assert services.document_request(actor=sonv_staff, kind="notice", subject=concluded_a).pk == doc.pk
