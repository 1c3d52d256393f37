import datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from audit.models import AuditEvent
from inspections import services, tasks
from inspections.models import Finding

from .conftest import add_shortcoming

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2023, 12, 31)


def test_the_task_marks_past_deadline_items_once_and_a_second_run_changes_nothing(visit_a, inspector, sonv_staff, unit_a_editor):
    late = add_shortcoming(visit_a, actor=inspector, deadline=DEADLINE)
    on_time = add_shortcoming(visit_a, actor=inspector, deadline=datetime.date(2024, 6, 30))
    closed = add_shortcoming(visit_a, actor=inspector, deadline=DEADLINE)
    services.finding_report_remediation(actor=unit_a_editor, finding=closed, text="Xong.", files=[])
    services.finding_accept(actor=sonv_staff, finding=closed)

    today = datetime.date(2024, 1, 15)
    assert services.findings_mark_overdue(today=today) == 1
    first = {f.pk: f.overdue_since for f in Finding.objects.all()}
    assert services.findings_mark_overdue(today=today) == 0
    assert services.findings_mark_overdue(today=today + datetime.timedelta(days=3)) == 0
    assert {f.pk: f.overdue_since for f in Finding.objects.all()} == first
    assert first[late.pk] == datetime.date(2024, 1, 1)
    assert first[on_time.pk] is None and first[closed.pk] is None
    assert AuditEvent.objects.filter(action="finding.overdue").count() == 1


def test_an_item_waiting_for_review_is_not_the_units_delay(reported_a):
    assert services.findings_mark_overdue(today=datetime.date(2024, 2, 1)) == 0


def test_the_deadline_day_itself_is_not_overdue(visit_a, inspector):
    add_shortcoming(visit_a, actor=inspector, deadline=DEADLINE)
    assert services.findings_mark_overdue(today=DEADLINE) == 0
    assert services.findings_mark_overdue(today=DEADLINE + datetime.timedelta(days=1)) == 1


def test_the_celery_task_and_the_command_use_the_same_service(visit_a, inspector, capsys):
    add_shortcoming(visit_a, actor=inspector, deadline=datetime.date(2020, 1, 1))
    # apply() runs the task body here, broker or not; tests/test_worker.py covers the real worker.
    assert tasks.mark_overdue_findings.apply().get() == 1
    call_command("mark_overdue")
    assert "0 tồn tại" in capsys.readouterr().out


def test_the_task_is_scheduled_daily_at_one_in_the_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["inspections-mark-overdue-findings"]
    assert entry["task"] == "inspections.tasks.mark_overdue_findings"
    assert entry["schedule"].hour == {1} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
