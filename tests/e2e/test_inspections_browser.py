import datetime
import re

import pytest
from playwright.sync_api import expect

from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def visit(inspector, unit_a):
    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra công tác CCHC năm 2023", number="125/KH-UBND")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    day = datetime.date(2023, 5, 25)
    return Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day)


def test_inspector_records_a_shortcoming_on_a_phone_the_unit_reports_and_staff_accept(
    page, live_server, login, screenshot, visit, inspector, unit_a_editor, sonv_staff, tmp_path
):
    # The inspector, on a 390 px wide phone, records a shortcoming without leaving the page.
    page.set_viewport_size({"width": 390, "height": 844})
    login("inspector")
    page.goto(f"{live_server.url}/kiem-tra/cuoc-kiem-tra/{visit.pk}/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Lĩnh vực").select_option("7")
    page.get_by_label("Tồn tại, hạn chế").check()
    page.get_by_label("Nội dung").fill("Tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3, 4 còn thấp.")
    page.get_by_label("Kiến nghị").fill("Đẩy mạnh hướng dẫn người dân nộp hồ sơ trực tuyến.")
    page.get_by_label("Cao").check()
    screenshot("1-inspector-form-390px")
    page.get_by_role("button", name="Ghi kết quả").click()
    group = page.locator("#field-7")
    expect(group.get_by_text("Tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3, 4 còn thấp.")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi")
    assert page.evaluate("window.__notReloaded") is True
    # Nothing sticks out sideways on the narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("2-inspector-recorded-390px")
    finding = Finding.objects.get()
    assert finding.severity == "high" and finding.created_by == inspector

    # The unit's CCHC contact reports what it did, with an evidence file.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    login("editor_a")
    page.get_by_role("link", name="Khắc phục tồn tại").first.click()
    page.get_by_text("Tỷ lệ hồ sơ dịch vụ công trực tuyến").click()
    evidence = tmp_path / "Báo cáo khắc phục.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("Kết quả khắc phục").fill("Bố trí công chức hướng dẫn tại bộ phận một cửa; tỷ lệ quý III đạt 46%.")
    page.get_by_label("Tài liệu kiểm chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo khắc phục đến Sở Nội vụ.")).to_be_visible()
    expect(page.get_by_role("link", name="Báo cáo khắc phục.pdf")).to_be_visible()
    screenshot("3-unit-reported")

    # Sở Nội vụ accepts it from the review queue.
    page.context.clear_cookies()
    login("sonv_staff")
    page.goto(f"{live_server.url}/kiem-tra/xet-duyet/")
    item = page.locator(f"#review-{finding.pk}")
    expect(item.get_by_role("link", name="Báo cáo khắc phục.pdf")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # closing a shortcoming asks first
    item.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text(re.compile(f"Đã xác nhận hoàn thành khắc phục tồn tại số {finding.pk}"))).to_be_visible()
    screenshot("4-staff-accepted")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
