"""Year-round monitoring in the browser: Sở Nội vụ imports the plan's task list, a unit reports a
task done with its product, Sở Nội vụ accepts it, and the plan's completion rate moves."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring.models import PlanTask

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_staff_import_a_plan_the_unit_reports_a_task_with_evidence_staff_accept_and_the_rate_changes(
    page, live_server, login, screenshot, sonv_staff, unit_a_editor, unit_a, unit_b, tmp_path
):
    year = timezone.localdate().year
    plan_file = tmp_path / "ke-hoach-cchc.csv"
    plan_file.write_text(
        "stt,nhiem_vu,linh_vuc,don_vi_chu_tri,don_vi_phoi_hop,thoi_han,san_pham\n"
        f"1,Ban hành Kế hoạch CCHC của đơn vị,1,{unit_a.code},,Quý IV,Kế hoạch CCHC\n"
        f"2,Rà soát thủ tục hành chính,Cải cách thủ tục hành chính,{unit_b.code},{unit_a.code},Thường xuyên,Báo cáo rà soát\n"
        f"3,Tuyên truyền cải cách hành chính,8,{unit_a.code},,31/12/{year},Bài viết\n",
        encoding="utf-8",
    )

    # Sở Nội vụ enters the plan's heading, then imports its task list.
    login("sonv_staff")
    page.get_by_role("link", name="Theo dõi CCHC").first.click()
    page.get_by_role("link", name="Thêm kế hoạch").click()
    page.get_by_label("Năm").fill(str(year))
    page.get_by_label("Số văn bản").fill("150/KH-UBND")
    page.get_by_label("Ngày ban hành").fill(f"10/01/{year}")
    page.get_by_label("Trích yếu").fill(f"Kế hoạch cải cách hành chính năm {year}")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=f"Kế hoạch CCHC năm {year}")).to_be_visible()
    page.get_by_role("link", name="Nhập nhiệm vụ từ tệp").click()
    page.get_by_label("Tệp nhiệm vụ").set_input_files(str(plan_file))
    screenshot("1-staff-import")
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_text("thêm mới 3, cập nhật 0, không đổi 0 nhiệm vụ")).to_be_visible()
    expect(page.locator(".plan-summary")).to_contain_text("3 nhiệm vụ, hoàn thành 0 = 0,00 %")
    screenshot("2-dashboard-before")

    # The unit's CCHC contact reports the first task done, with its product.
    page.context.clear_cookies()
    login("editor_a")
    page.get_by_role("link", name="Theo dõi CCHC").first.click()
    expect(page.get_by_role("heading", name=re.compile("Nhiệm vụ CCHC của"))).to_be_visible()
    page.get_by_role("link", name="Ban hành Kế hoạch CCHC của đơn vị").click()
    evidence = tmp_path / "Kế hoạch CCHC đã ban hành.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("Báo cáo hoàn thành").check()
    page.get_by_label("Nội dung báo cáo").fill("Đã ban hành Kế hoạch CCHC số 12/KH-SKHCN.")
    page.get_by_label("Tài liệu kiểm chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo hoàn thành đến Sở Nội vụ.")).to_be_visible()
    expect(page.get_by_role("link", name="Kế hoạch CCHC đã ban hành.pdf")).to_be_visible()
    screenshot("3-unit-reported")

    # Sở Nội vụ accepts it (the page asks first), and the plan's rate moves.
    task = PlanTask.objects.get(number="1")
    page.context.clear_cookies()
    login("sonv_staff")
    page.goto(f"{live_server.url}/theo-doi/nhiem-vu/{task.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_text("Đã xác nhận hoàn thành nhiệm vụ 1.")).to_be_visible()
    page.get_by_role("link", name=str(year)).first.click()
    expect(page.locator(".plan-summary")).to_contain_text("3 nhiệm vụ, hoàn thành 1 = 33,33 %")
    expect(page.locator(".completion-rate").first).to_have_text("33,33 %")
    screenshot("4-dashboard-after")
    task.refresh_from_db()
    assert task.status == PlanTask.Status.ACCEPTED
