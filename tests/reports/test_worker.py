"""Documents rendered end to end by a real Celery worker on the real broker (CI: PostgreSQL + Redis):
a notice, and a decision laid out on two processes forked from the worker."""

import time
from pathlib import Path

import pytest

from reports import services
from reports.models import GeneratedDocument

from .builders import approve, many_units, open_year, score_everyone
from .conftest import pdf_text


def _wait_for(doc, worker) -> GeneratedDocument:
    """The document once the worker has rendered it (90 s at most); it must have succeeded."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        doc.refresh_from_db()
        if doc.status in (GeneratedDocument.Status.DONE, GeneratedDocument.Status.FAILED):
            break
        time.sleep(0.3)
    assert doc.status == GeneratedDocument.Status.DONE, f"{doc.status} {doc.error}; see {worker['log']}"
    return doc


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_lays_out_a_decision_on_two_processes(celery_worker_process, sonv_staff, settings):
    settings.MEDIA_ROOT = celery_worker_process["media_root"]
    many_units(60, prefix="W")
    period = open_year(sonv_staff, year=2031)
    score_everyone(period)
    period = approve(period, sonv_staff, number="31/QĐ-UBND")
    doc = _wait_for(services.document_request(actor=sonv_staff, kind="decision", subject=period), celery_worker_process)
    text = pdf_text((Path(celery_worker_process["media_root"]) / doc.file.name).read_bytes())
    assert all(f"UBND đơn vị thử nghiệm W{i:05d}" in text for i in range(1, 61))
    assert "laying out reports/documents/decision.html in 2 processes" in Path(celery_worker_process["log"]).read_text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_queued_notice(celery_worker_process, concluded_a, sonv_staff, settings):
    # The worker writes under its own media root; read the file from there.
    settings.MEDIA_ROOT = celery_worker_process["media_root"]
    doc = _wait_for(services.document_request(actor=sonv_staff, kind="notice", subject=concluded_a), celery_worker_process)
    assert doc.attempts == 1 and doc.started_at and doc.finished_at
    path = Path(celery_worker_process["media_root"]) / doc.file.name
    assert "Số: 45/TB-ĐKT" in pdf_text(path.read_bytes())
    assert services.document_request(actor=sonv_staff, kind="notice", subject=concluded_a).pk == doc.pk
