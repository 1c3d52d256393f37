"""The home page in a browser: staff see what waits, and "Nhắc ngay" asks before it mails (the
question is our static script's, which the CSP must let run)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import Period
from scoring.services import period_advance
from tests.scoring.conftest import import_text, sample_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_year(sonv_staff, unit_a_editor):
    period = period_advance(actor=sonv_staff, period=import_text(sample_text(), year=2024).period)
    Period.objects.filter(pk=period.pk).update(self_assessment_deadline=timezone.localdate() + datetime.timedelta(days=10))
    unit_a_editor.email = "editor_a@hatinh.gov.vn"
    unit_a_editor.save()
    return period


def test_staff_see_the_units_not_submitted_and_nhac_ngay_asks_before_it_mails(page, live_server, login, screenshot, open_year):
    login("sonv_staff")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Đơn vị chưa nộp bản tự đánh giá")).to_be_visible()
    button = page.get_by_role("button", name="Nhắc ngay")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    button.click()
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith("Gửi ngay thư nhắc hạn tự đánh giá")
    assert not mail.outbox
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page.get_by_text("Đã gửi thư nhắc hạn đến")).to_be_visible()
    screenshot("reminded")
