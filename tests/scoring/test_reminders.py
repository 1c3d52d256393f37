import datetime

import pytest
from django.core import mail

from scoring.models import Period, Phase, ReminderLog
from scoring.services import reminders_send
from scoring.services.reminders import ReminderRun
from scoring.tasks import send_phase_reminders

from .conftest import fill_self, move, submit

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 12, 6)


@pytest.fixture
def mailed(cycle, django_capture_on_commit_callbacks):
    for user in (cycle.editor_a, cycle.editor_b, cycle.member):
        user.email = f"{user.username}@hatinh.gov.vn"
        user.save()

    def send(today):
        with django_capture_on_commit_callbacks(execute=True):
            return len(reminders_send(today=today).sent)

    return send


def set_deadline(period, field, day):
    Period.objects.filter(pk=period.pk).update(**{field: day})


def test_unit_editors_with_an_open_assessment_are_reminded_7_and_1_days_before_the_deadline(cycle, mailed):
    set_deadline(cycle.period, "self_assessment_deadline", TODAY + datetime.timedelta(days=7))
    submit(cycle.b)
    assert mailed(TODAY) == 1
    assert mail.outbox[0].to == ["editor_a@hatinh.gov.vn"]
    assert mail.outbox[0].subject == "[Chỉ số CCHC] Còn 7 ngày đến hạn tự đánh giá (13/12/2024)"
    assert mailed(TODAY + datetime.timedelta(days=1)) == 0  # 6 days before: no reminder
    assert mailed(TODAY + datetime.timedelta(days=6)) == 1
    assert "Còn 1 ngày" in mail.outbox[1].subject


def test_a_reminder_is_never_sent_twice_for_the_same_deadline(cycle, mailed):
    set_deadline(cycle.period, "self_assessment_deadline", TODAY + datetime.timedelta(days=1))
    assert mailed(TODAY) == 2
    assert mailed(TODAY) == 0
    assert len(mail.outbox) == 2 and ReminderLog.objects.count() == 2
    # A moved deadline is a new deadline.
    set_deadline(cycle.period, "self_assessment_deadline", TODAY + datetime.timedelta(days=7))
    assert mailed(TODAY) == 2


def test_council_members_with_an_unfinished_queue_are_reminded_before_the_appraisal_deadline(cycle, mailed):
    fill_self(cycle.a)
    move(cycle.period, Phase.APPRAISAL)
    set_deadline(cycle.period, "appraisal_deadline", TODAY + datetime.timedelta(days=7))
    assert mailed(TODAY) == 1
    assert mail.outbox[0].to == ["council@hatinh.gov.vn"] and "chưa thẩm định" in mail.outbox[0].body


def test_in_the_explanation_phase_only_units_with_deductions_to_explain_are_reminded(cycle, mailed):
    from scoring.models import Score

    fill_self(cycle.a)
    fill_self(cycle.b)
    move(cycle.period, Phase.EXPLANATION)
    Score.objects.filter(assessment=cycle.a, criterion__code="2.3").update(appraised_score=1)
    set_deadline(cycle.period, "explanation_deadline", TODAY + datetime.timedelta(days=1))
    assert mailed(TODAY) == 1 and mail.outbox[0].to == ["editor_a@hatinh.gov.vn"]


def test_the_daily_task_sends_through_the_service(cycle, mailed, monkeypatch):
    seen = []
    monkeypatch.setattr("scoring.tasks.reminders_send", lambda today: seen.append(today) or ReminderRun())
    send_phase_reminders()
    assert len(seen) == 1


def test_the_task_is_scheduled_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scoring-send-phase-reminders"]
    assert entry["task"] == "scoring.tasks.send_phase_reminders"
    assert entry["schedule"].hour == {7}
