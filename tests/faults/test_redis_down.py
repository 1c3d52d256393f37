"""Redis down or hung while a clerk asks for a document: the page answers within seconds with the
document queued, and the document is made once Redis is back, without anyone asking again."""

import pytest
from django.conf import settings
from django.db.models import F
from django.urls import reverse

from cchc.celery import app as celery_app
from reports import services
from reports.models import GeneratedDocument

from .conftest import Browser, broker, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Status = GeneratedDocument.Status


def ask_for_the_notice(browser: Browser, visit):
    """The clerk's click on the notice button of the visit page (an htmx request)."""
    return browser.post(reverse("reports:request", args=["notice", visit.pk]), htmx=True)


def beat_tick(broker_url: str):
    """What Celery beat does when the schedule says so: send the task by name."""
    entry = settings.CELERY_BEAT_SCHEDULE["reports-requeue-stale-documents"]
    with broker(broker_url) as connection:
        celery_app.send_task(entry["task"], connection=connection, **entry.get("options", {}))


def test_with_redis_down_the_notice_is_queued_and_made_once_redis_is_back(deployment, concluded_a, sonv_staff):
    web = deployment.web()
    worker = deployment.worker("documents")
    browser = Browser(web.url).signed_in_as(sonv_staff)
    assert browser.get(reverse("inspections:visit", args=[concluded_a.pk])).status == 200

    deployment.redis.stop()

    answer = ask_for_the_notice(browser, concluded_a)
    assert answer.status == 200 and "Đang chờ" in answer.body, answer.status
    assert answer.seconds < 5, f"the request took {answer.seconds:.1f} s"
    doc = GeneratedDocument.objects.get()
    assert doc.status == Status.QUEUED
    # The rest of the site does not need Redis.
    assert browser.get(reverse("inspections:visit", args=[concluded_a.pk])).status == 200
    assert browser.get(reverse("reports:list")).status == 200

    deployment.redis.start()
    # The beat's next tick after the row has waited QUEUED_STALE_AFTER: moving the row back in
    # time stands for the minutes a real outage lasts.
    GeneratedDocument.objects.filter(pk=doc.pk).update(requested_at=F("requested_at") - services.QUEUED_STALE_AFTER)
    beat_tick(deployment.redis.url)

    wait_until(lambda: GeneratedDocument.objects.get(pk=doc.pk).status in (Status.DONE, Status.FAILED), timeout=60,
               what=f"the notice to be made; see {worker.log}")
    doc.refresh_from_db()
    assert doc.status == Status.DONE, doc.error
    assert doc.attempts == 1 and GeneratedDocument.objects.count() == 1
    panel = browser.get(reverse("reports:panel", args=["notice", concluded_a.pk]))
    assert "Hoàn tất" in panel.body and reverse("reports:download", args=[doc.pk]) in panel.body


def test_a_hung_redis_holds_the_request_for_seconds_not_for_as_long_as_it_hangs(deployment, concluded_a, sonv_staff):
    web = deployment.web()
    browser = Browser(web.url, timeout=30).signed_in_as(sonv_staff)
    assert browser.get(reverse("inspections:visit", args=[concluded_a.pk])).status == 200

    deployment.redis.pause()  # takes connections, never answers

    answer = ask_for_the_notice(browser, concluded_a)
    assert answer.status == 200 and "Đang chờ" in answer.body, answer.status
    # Two attempts of CELERY_BROKER_TRANSPORT_OPTIONS' 2 s socket timeout, and a little more.
    assert answer.seconds < 8, f"the request took {answer.seconds:.1f} s"
    assert GeneratedDocument.objects.get().status == Status.QUEUED
