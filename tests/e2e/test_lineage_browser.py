import datetime

import pytest
from playwright.sync_api import expect

from tests.factories import UnitFactory
from units.models import Block, UnitParent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "event,effective_date,legal_basis,kind,from_code,to_code\n"
REFORM = "NQ1665,01/07/2025,Nghị quyết 1665/NQ-UBTVQH15"


def _csv(*rows: str) -> dict:
    return {"name": "sap-xep-2025.csv", "mimeType": "text/csv", "buffer": (HEADER + "".join(r + "\n" for r in rows)).encode()}


def test_staff_upload_a_lineage_file_fix_its_error_and_read_the_new_unit_history(page, live_server, login, sonv_staff, screenshot):
    xa, huyen = Block.objects.get(code="ubnd-xa"), Block.objects.get(code="ubnd-huyen")
    district = UnitFactory(code="H-TH", name="UBND huyện Thạch Hà", block=huyen)
    for code, name in [("X-THACHVAN", "UBND xã Thạch Văn"), ("X-THACHLAC", "UBND xã Thạch Lạc")]:
        UnitParent.objects.create(unit=UnitFactory(code=code, name=name, block=xa, parent=district), parent=district)
    UnitFactory(code="X-DONGTIEN", name="UBND xã Đồng Tiến", block=xa, valid_from=datetime.date(2025, 7, 1))

    login("sonv_staff")
    page.goto(f"{live_server.url}/don-vi/")
    page.get_by_role("link", name="Sắp xếp đơn vị").click()
    expect(page.get_by_role("heading", name="Sắp xếp đơn vị (sáp nhập, chia tách, đổi tên)")).to_be_visible()

    page.get_by_label("Tệp CSV (UTF-8) hoặc Excel (.xlsx)").set_input_files(
        _csv(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN", f"{REFORM},gộp,X-THACHLAC,X-DONGTIEN")
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_text("Tệp chưa được nhập, không có dữ liệu nào bị thay đổi.")).to_be_visible()
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("3")
    expect(errors.first).to_contain_text("kind")
    expect(errors.first).to_contain_text("Hình thức 'gộp' không hợp lệ")
    screenshot("1-row-error")

    page.get_by_label("Tệp CSV (UTF-8) hoặc Excel (.xlsx)").set_input_files(
        _csv(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN", f"{REFORM},sáp nhập,X-THACHLAC,X-DONGTIEN")
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_text("Thêm 1 sự kiện sắp xếp, 2 quan hệ kế thừa")).to_be_visible()
    expect(page.locator("table.reorganisations")).to_contain_text("NQ1665")
    screenshot("2-imported")

    page.goto(f"{live_server.url}/don-vi/")
    page.get_by_label("Tìm kiếm").fill("dong tien")
    page.get_by_role("link", name="UBND xã Đồng Tiến").click()
    formed = page.locator(".formed-from")
    expect(formed).to_contain_text("Hình thành từ:")
    expect(formed).to_contain_text("Sáp nhập, căn cứ Nghị quyết 1665/NQ-UBTVQH15, hiệu lực 01/07/2025")
    screenshot("3-formed-from")
    formed.get_by_role("link", name="UBND xã Thạch Văn").click()
    expect(page.get_by_role("heading", name="UBND xã Thạch Văn")).to_be_visible()
    expect(page.locator(".went-into")).to_contain_text("Đã sáp nhập vào: UBND xã Đồng Tiến")
    expect(page.locator(".parent-history")).to_contain_text("Thuộc UBND huyện Thạch Hà đến 30/06/2025")
