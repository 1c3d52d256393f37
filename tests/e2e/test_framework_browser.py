import re

import pytest
from playwright.sync_api import expect

from scoring.models import Criterion, Framework, Period, Phase
from tests.scoring.conftest import import_text, sample_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def framework(db):
    period = import_text(sample_text(), year=2024).period
    return Framework.objects.get(period=period, block__code="so-nganh")


def test_staff_edit_a_max_inline_see_the_totals_flag_it_then_fix_it_and_open_self_assessment(
    page, live_server, login, screenshot, sonv_staff, framework
):
    login("sonv_staff")
    page.goto(f"{live_server.url}/chi-so/bo-chi-so/{framework.pk}/")
    expect(page.get_by_test_id("framework-total")).to_have_text("100")
    expect(page.get_by_text("Bộ chỉ số hợp lệ")).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    screenshot("1-tree")

    # Field 1 worth 12 → 13 by raising 1.5 (sáng kiến) from 2 to 3: the field no longer adds up.
    row = page.locator('tr[data-code="1.5"]')
    row.get_by_role("button", name="Sửa 1.5").click()
    form = page.locator("tr.criterion-form-row")
    form.get_by_label("Điểm tối đa").fill("3")
    form.get_by_label("Cách chấm").fill("3=Có sáng kiến được công nhận và nhân rộng; 1,5=Có sáng kiến được công nhận; 0=Không có")
    screenshot("2-inline-form")
    form.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("problem-count")).to_contain_text("1 lỗi cần sửa")
    field_row = page.locator('tr[data-code="1"]')
    expect(field_row.locator(".children-total")).to_contain_text("13")
    expect(field_row).to_contain_text("tổng điểm tối đa các tiêu chí con là 13")
    expect(page.locator('tr[data-code="1.5"] .max-score')).to_have_text("3")
    assert page.evaluate("window.__notReloaded") is True
    screenshot("3-flagged")

    # Raise the field to 13: consistent again, and the framework total follows.
    page.locator('tr[data-code="1"]').get_by_role("button", name="Sửa 1", exact=True).click()
    page.locator("tr.criterion-form-row").get_by_label("Điểm tối đa").fill("13")
    page.locator("tr.criterion-form-row").get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("framework-total")).to_have_text("101")
    expect(page.get_by_text("Bộ chỉ số hợp lệ")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
    assert Criterion.objects.get(framework=framework, code="1").max_score == 13

    # Move the period forward from its page; the framework is then frozen.
    page.goto(f"{live_server.url}/chi-so/2024/")
    page.get_by_label("Lý do, ghi chú (không bắt buộc)").fill("Theo Kế hoạch CCHC năm 2024")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("Chuyển sang: Tự đánh giá")).click()
    expect(page.get_by_text("đã chuyển sang giai đoạn Tự đánh giá")).to_be_visible()
    expect(page.locator(".phase-history")).to_contain_text("Theo Kế hoạch CCHC năm 2024")
    screenshot("4-period-advanced")
    assert Period.objects.get(year=2024).phase == Phase.SELF_ASSESSMENT

    page.goto(f"{live_server.url}/chi-so/bo-chi-so/{framework.pk}/")
    expect(page.get_by_text("bộ chỉ số đã được khóa")).to_be_visible()
    expect(page.get_by_role("button", name="Sửa 1.5")).to_have_count(0)
