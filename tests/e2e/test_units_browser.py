import pytest
from playwright.sync_api import expect

from tests.factories import UnitFactory
from units.models import Block

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_log_in_open_the_directory_and_search_without_accents(page, live_server, login, sonv_staff, screenshot):
    huyen = Block.objects.get(code="ubnd-huyen")
    UnitFactory(code="H-TH", name="UBND huyện Thạch Hà", block=huyen)
    UnitFactory(code="H-DT", name="UBND huyện Đức Thọ", block=huyen)
    UnitFactory(code="STP", name="Sở Tư pháp")

    login("sonv_staff")
    screenshot("1-home")
    page.get_by_role("link", name="Đơn vị").first.click()
    expect(page.get_by_role("heading", name="Danh bạ đơn vị")).to_be_visible()
    expect(page.get_by_role("link", name="Sở Tư pháp")).to_be_visible()

    page.get_by_label("Tìm kiếm").fill("thach ha")
    expect(page.get_by_role("link", name="Sở Tư pháp")).to_be_hidden()
    expect(page.get_by_role("link", name="UBND huyện Thạch Hà")).to_be_visible()
    expect(page.get_by_text("Tìm thấy 1 đơn vị")).to_be_visible()
    screenshot("2-search")

    page.get_by_role("link", name="UBND huyện Thạch Hà").click()
    expect(page.get_by_role("heading", name="UBND huyện Thạch Hà")).to_be_visible()
