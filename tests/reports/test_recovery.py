"""Documents whose message was lost (the broker was down, a worker died) are sent again by the
beat, and a row whose renderer died is taken over; the fault tests (tests/faults) do the same
with real processes."""

import datetime

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from cchc.celery import app
from reports import services
from reports.models import GeneratedDocument
from reports.tasks import requeue_stale_documents

pytestmark = pytest.mark.django_db
Status = GeneratedDocument.Status


@pytest.fixture
def lost_request(concluded_a, django_capture_on_commit_callbacks):
    """A notice asked for while the broker was down: the row is queued, its message never sent."""
    with django_capture_on_commit_callbacks(execute=False):
        return services.document_request(actor=None, kind="notice", subject=concluded_a)


def waited(doc, delay: datetime.timedelta, field: str = "requested_at"):
    GeneratedDocument.objects.filter(pk=doc.pk).update(**{field: getattr(doc, field) - delay})


def test_a_notice_queued_for_longer_than_queued_stale_after_is_sent_again_and_rendered(lost_request, django_capture_on_commit_callbacks):
    waited(lost_request, services.QUEUED_STALE_AFTER + datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_documents() == [lost_request.pk]
    lost_request.refresh_from_db()
    assert lost_request.status == Status.DONE and lost_request.attempts == 1
    event = AuditEvent.objects.get(action="document.requeue")
    assert event.actor is None and list(event.changes) == ["requested_at"]


def test_a_notice_queued_only_minutes_ago_is_left_waiting(lost_request, django_capture_on_commit_callbacks):
    waited(lost_request, services.QUEUED_STALE_AFTER - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert requeue_stale_documents() == []
    assert callbacks == [] and GeneratedDocument.objects.get().status == Status.QUEUED


def test_a_row_sent_again_is_not_sent_once_more_by_the_next_beat(lost_request, django_capture_on_commit_callbacks):
    waited(lost_request, services.QUEUED_STALE_AFTER + datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.documents_requeue_stale() == [lost_request.pk]
        assert services.documents_requeue_stale() == []
    assert len(callbacks) == 1


def test_a_row_running_for_longer_than_any_run_may_last_is_sent_again(lost_request, django_capture_on_commit_callbacks):
    GeneratedDocument.objects.filter(pk=lost_request.pk).update(
        status=Status.RUNNING, attempts=1, started_at=timezone.now() - services.RUNNING_STALE_AFTER - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_requeue_stale() == [lost_request.pk]
    lost_request.refresh_from_db()
    assert lost_request.status == Status.DONE and lost_request.attempts == 2
    assert AuditEvent.objects.get(action="document.requeue").changes["status"] == ["running", "queued"]


def test_done_and_failed_rows_are_never_sent_again(lost_request, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(days=1)
    GeneratedDocument.objects.filter(pk=lost_request.pk).update(status=Status.FAILED, requested_at=long_ago, started_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_requeue_stale() == []
    assert GeneratedDocument.objects.get().status == Status.FAILED


@pytest.mark.postgres
def test_a_running_row_whose_renderer_is_gone_is_taken_over_at_once(lost_request):
    # Claimed a second ago by a worker that died: nobody holds the row's render lock any more.
    GeneratedDocument.objects.filter(pk=lost_request.pk).update(status=Status.RUNNING, attempts=1, started_at=timezone.now())
    doc = services.document_render(document_id=lost_request.pk)
    assert doc.status == Status.DONE and doc.attempts == 2


@pytest.mark.postgres
def test_a_running_row_whose_renderer_is_alive_is_left_to_it(lost_request):
    GeneratedDocument.objects.filter(pk=lost_request.pk).update(status=Status.RUNNING, attempts=1, started_at=timezone.now())
    db = connection.settings_dict
    renderer = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    try:
        with renderer.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services._RENDER_LOCK_SPACE, lost_request.pk])
        with pytest.raises(services.DocumentBusy):
            services.document_render(document_id=lost_request.pk)
    finally:
        renderer.close()
    assert GeneratedDocument.objects.get().attempts == 1


def test_the_beat_sends_stale_documents_again_every_few_minutes_on_the_documents_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-requeue-stale-documents"]
    assert entry["task"] == requeue_stale_documents.name and entry["task"] in app.tasks
    assert entry["schedule"] <= datetime.timedelta(minutes=5) < services.QUEUED_STALE_AFTER
    assert entry["options"]["expires"] < entry["schedule"].total_seconds()
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "documents"


def test_a_broker_that_is_down_or_hung_holds_a_publish_for_seconds_only():
    options, retry = app.conf.broker_transport_options, app.conf.task_publish_retry_policy
    assert options["socket_connect_timeout"] <= 3 and options["socket_timeout"] <= 3
    attempts = retry["max_retries"] + 1
    assert attempts * options["socket_timeout"] + retry["max_retries"] * retry["interval_max"] <= 6
    # A task waiting for its retry countdown must not be handed to a second worker meanwhile.
    assert options["visibility_timeout"] > services.RUNNING_STALE_AFTER.total_seconds() + 5
