"""A Celery worker killed while it renders a document: the broker hands the task to the next
worker, which takes the row over and finishes it, and the row ends done once, with one file."""

import re
import time
from contextlib import contextmanager

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from inspections.models import Visit
from reports.models import GeneratedDocument

from .conftest import Browser, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Status = GeneratedDocument.Status
# Seconds before the broker hands out again a task that a worker took and never acknowledged
# (an hour in production); the workers of this test read it from their environment.
VISIBILITY_TIMEOUT = 3


@contextmanager
def visits_locked():
    """Every read of the visits table waits while this is held, as behind a long migration: a
    worker rendering a notice stops, deterministically, just after claiming its row."""
    db = connection.settings_dict
    holder = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    try:
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Visit._meta.db_table} IN ACCESS EXCLUSIVE MODE")

        def readers_waiting() -> int:
            with holder.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [Visit._meta.db_table])
                return cursor.fetchone()[0]

        yield readers_waiting
    finally:
        holder.rollback()
        holder.close()


def tasks_received(worker) -> list[str]:
    return re.findall(r"Task reports\.tasks\.render_document_task\[([0-9a-f-]+)\] received", worker.log_text())


def test_a_worker_killed_mid_rendering_leaves_one_done_notice_finished_by_the_next_worker(deployment, concluded_a, sonv_staff, settings):
    web = deployment.web()
    browser = Browser(web.url).signed_in_as(sonv_staff)
    assert browser.get(reverse("inspections:visit", args=[concluded_a.pk])).status == 200
    asked = browser.post(reverse("reports:request", args=["notice", concluded_a.pk]), htmx=True)
    assert asked.status == 200 and "Đang chờ" in asked.body
    doc = GeneratedDocument.objects.get()
    short_visibility = {"CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}

    with visits_locked() as readers_waiting:
        first = deployment.worker("first", **short_visibility)
        wait_until(lambda: GeneratedDocument.objects.get(pk=doc.pk).status == Status.RUNNING, timeout=30, what=f"the first worker to claim the row; see {first.log}")
        wait_until(readers_waiting, timeout=10, what="the first worker to be inside the rendering")
        first.kill()
        killed_at = time.monotonic()
    doc.refresh_from_db()
    assert doc.status == Status.RUNNING and doc.attempts == 1

    # The broker gives the task back once it has gone unacknowledged for the visibility timeout;
    # a worker looks for such tasks as it starts.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    second = deployment.worker("second", **short_visibility)
    wait_until(lambda: GeneratedDocument.objects.get(pk=doc.pk).status in (Status.DONE, Status.FAILED), timeout=60,
               what=f"the second worker to finish the notice; see {second.log}")

    doc.refresh_from_db()
    assert doc.status == Status.DONE, doc.error
    assert doc.attempts == 2, "the second worker took the row over once, without waiting for RUNNING_STALE_AFTER"
    assert tasks_received(second) == tasks_received(first), "the second worker ran the first one's task, redelivered"
    assert GeneratedDocument.objects.filter(kind="notice", subject_id=concluded_a.pk).count() == 1
    written = sorted(p.name for p in (settings.MEDIA_ROOT / "documents" / "notice").iterdir())
    assert written == [f"{doc.pk}.pdf"]
    download = browser.get(reverse("reports:download", args=[doc.pk]))
    assert download.status == 200 and download.body.startswith("%PDF")
