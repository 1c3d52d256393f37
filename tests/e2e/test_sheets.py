"""Sheets that keep the work, in a browser: a half-filled self-assessment survives a misclick on
a link, "Lưu tất cả" saves the changed rows in one go, and a row someone else saved meanwhile is
refused with its message while the other rows stay typed and unsaved."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from scoring.models import Score
from scoring.services import period_advance
from tests.scoring.conftest import assessment_of, import_text, sample_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sheet(sonv_staff, unit_a_editor):
    period = period_advance(actor=sonv_staff, period=import_text(sample_text(), year=2024).period)
    return assessment_of(period, unit_a_editor.unit)


def row(page, code):
    return page.locator(f'.score-row[data-code="{code}"]')


def test_a_half_filled_sheet_survives_a_misclick_and_saves_all_at_once(page, live_server, login, screenshot, sheet, unit_a_editor):
    login("editor_a")
    page.goto(f"{live_server.url}/chi-so/phieu/{sheet.pk}/")
    expect(page.get_by_role("button", name="Lưu tất cả")).to_be_disabled()
    row(page, "1.1.1").get_by_label("Điểm tự chấm").select_option("1")
    row(page, "2.3").get_by_label("Điểm tự chấm").select_option("1.5")
    row(page, "2.3").get_by_label("Thuyết minh, trích dẫn tài liệu").fill("Báo cáo số 30/BC-SKHCN")
    row(page, "3.3.3").get_by_label("Điểm tự chấm").select_option("0.5")
    expect(page.locator("[data-dirty-count]").first).to_have_text("3")

    # A misclick on a link: the browser asks first; staying keeps every typed value.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Đơn vị").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(row(page, "2.3").get_by_label("Thuyết minh, trích dẫn tài liệu")).to_have_value("Báo cáo số 30/BC-SKHCN")
    screenshot("1-unsaved")

    # Someone else (another session of the unit) saves 3.3.3 meanwhile.
    Score.objects.filter(assessment=sheet, criterion__code="3.3.3").update(self_score=1, version=7, updated_by=unit_a_editor)
    page.get_by_role("button", name="Lưu tất cả").click()
    expect(page.locator("#sheet-save-status")).to_contain_text("không có thay đổi nào được lưu")
    expect(row(page, "3.3.3").locator(".row-conflict")).to_contain_text("vừa được")
    expect(row(page, "2.3").get_by_label("Thuyết minh, trích dẫn tài liệu")).to_have_value("Báo cáo số 30/BC-SKHCN")
    assert not Score.objects.filter(assessment=sheet, criterion__code__in=["1.1.1", "2.3"], self_score__isnull=False).exists()
    screenshot("2-stale-row-refused")

    # Taking the other's value for 3.3.3 (reload the row by keeping it as it now is), save again.
    row(page, "3.3.3").get_by_label("Điểm tự chấm").select_option("1")
    page.get_by_role("button", name="Lưu tất cả").click()
    expect(page.locator("#sheet-save-status")).to_contain_text("Đã lưu")
    saved = dict(Score.objects.filter(assessment=sheet, criterion__code__in=["1.1.1", "2.3"]).values_list("criterion__code", "self_score"))
    assert saved == {"1.1.1": Decimal("1"), "2.3": Decimal("1.5")}
    expect(page.locator("[data-dirty-count]").first).to_have_text("0")
    screenshot("3-saved-all")

    # Nothing is left unsaved: leaving asks nothing.
    page.get_by_role("link", name="Đơn vị").first.click()
    expect(page).to_have_url(f"{live_server.url}/don-vi/")


def test_enter_in_a_rows_value_saves_that_row(page, live_server, login, sheet):
    login("editor_a")
    page.goto(f"{live_server.url}/chi-so/phieu/{sheet.pk}/")
    select = row(page, "1.1.1").get_by_label("Điểm tự chấm")
    select.select_option("1")
    select.press("Enter")
    expect(row(page, "1.1.1").locator(".saved-mark")).to_be_visible()
    assert Score.objects.get(assessment=sheet, criterion__code="1.1.1").self_score == Decimal("1")
