"""The editor of a commune formed on 01/07/2025 opens the home page and reads its predecessors'
2023 results, each marked as that commune's own, on a desktop screen and on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.scoring.lineage_helpers import REFORM, commune, commune_year, reorganise
from units import roles
from units.models import LineageLink

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def merged(sonv_staff):
    van = commune("XA-THACH-VAN", "UBND xã Thạch Văn")
    lac = commune("XA-THACH-LAC", "UBND xã Thạch Lạc")
    long_ = commune("XA-THACH-LONG", "UBND xã Thạch Long")
    commune_year(2023, sonv_staff, {van: "950", lac: "820", long_: "600"}, publish=True)
    new = commune("XA-DONG-KINH", "UBND xã Đông Kinh", valid_from=REFORM)
    reorganise("1665-NQ-UBTVQH15", REFORM, [(van, new, LineageLink.Kind.MERGE), (lac, new, LineageLink.Kind.MERGE)])
    return make_user(roles.UNIT_EDITOR, new, username="editor_dong_kinh")


def test_the_new_communes_editor_reads_its_predecessors_results_on_the_home_page(page, live_server, login, screenshot, merged):
    login("editor_dong_kinh")
    block = page.locator("[data-predecessor-results]")
    expect(block).to_be_visible()
    van = block.locator('[data-predecessor="XA-THACH-VAN"]')
    expect(van).to_contain_text("Kết quả của UBND xã Thạch Văn (đơn vị trước sáp nhập)")
    expect(van.locator('[data-predecessor-year="2023"]')).to_contain_text("hạng 1/3 khối UBND xã, phường, thị trấn")
    lac = block.locator('[data-predecessor="XA-THACH-LAC"]')
    expect(lac.locator('[data-predecessor-year="2023"]')).to_contain_text("hạng 2/3 khối UBND xã, phường, thị trấn")
    expect(block).not_to_contain_text("Thạch Long")
    screenshot("1-home-1366px")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(van).to_contain_text("Sáp nhập vào UBND xã Đông Kinh từ ngày 01/07/2025")
    van.scroll_into_view_if_needed()
    # Nothing sticks out sideways on the narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("2-home-390px")
