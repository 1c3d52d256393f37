"""The emulation package in the browser: Sở Nội vụ opens the 2023 package from the monitoring
tabs, reads who is proposed, and downloads the workbook."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.monitoring.builders import year_2023

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_open_the_2023_emulation_page_and_download_the_xlsx(page, live_server, login, screenshot, sonv_staff, unit_a, unit_b):
    year_2023(sonv_staff, unit_a, unit_b)
    login("sonv_staff")
    page.get_by_role("link", name="Theo dõi CCHC").first.click()
    page.get_by_role("link", name="Thi đua, khen thưởng").click()
    expect(page.locator(".emulation-years")).to_contain_text("Đã công bố kết quả")
    page.get_by_role("link", name="2023", exact=True).click()
    expect(page.get_by_role("heading", name="Hồ sơ thi đua, khen thưởng năm 2023")).to_be_visible()
    expect(page.locator(".package-basis")).to_contain_text("Quyết định số 519/QĐ-UBND ngày 23/02/2024")
    expect(page.locator(".proposed-count")).to_have_text("5")
    expect(page.locator(".proposal-table tbody tr").first).to_contain_text("Sở Khoa học và Công nghệ thử nghiệm")
    expect(page.locator(".proposal-table")).not_to_contain_text("Thạch Văn")  # the communes' block is not the province's decision
    screenshot("1-package")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename == "ho-so-thi-dua-khen-thuong-cchc-2023.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(book["Đề nghị khen thưởng"].iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in rows][:2] == ["Sở Khoa học và Công nghệ thử nghiệm", "Sở Thông tin và Truyền thông"]
    assert rows[0][5] == pytest.approx(95.5)
