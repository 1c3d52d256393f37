"""Findings entered on a 390 px phone whose browser speaks English, and the visit's units picked by
typing: what an inspector saw as "nothing happens" and "12/02 for 02/12"."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit
from scoring.models import Criterion, Framework, Period
from tests.factories import UnitFactory
from units.models import Block

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    # An English-language browser on a touch phone: a native date input would show mm/dd/yyyy.
    return {**browser_context_args, "locale": "en-US", "viewport": PHONE, "has_touch": True, "is_mobile": True}


def _framework(period, block, codes):
    framework = Framework.objects.create(period=period, block=block)
    made = {}
    for code in codes:
        made[code] = Criterion.objects.create(
            framework=framework, parent=made.get(code.rpartition(".")[0]), code=code, title=f"Tiêu chí {code} của {block.code}", max_score=Decimal("1")
        )
    return made


@pytest.fixture
def visit(inspector, unit_a):
    plan = InspectionPlan.objects.create(year=2026, title="Kế hoạch kiểm tra công tác CCHC năm 2026", number="12/KH-UBND")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    day = datetime.date(2026, 11, 20)
    visit = Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day)
    communes = Block.objects.get(code="ubnd-xa")
    visit.also_units.add(UnitFactory(code="X-THACHHA", name="UBND xã Thạch Hà thử nghiệm", block=communes))
    return visit


@pytest.fixture
def criteria(unit_a):
    """~150 criteria of every block in the real index; here a few of two blocks and another year."""
    period = Period.objects.create(year=2026, title="Chỉ số CCHC năm 2026")
    return {
        "sở": _framework(period, unit_a.block, ["3", "3.1", "7", "7.1", "7.2"]),
        "xã": _framework(period, Block.objects.get(code="ubnd-xa"), ["3", "3.4", "7", "7.5"]),
        "huyện": _framework(period, Block.objects.get(code="ubnd-huyen"), ["7", "7.8"]),
        "2025": _framework(Period.objects.create(year=2025, title="Chỉ số CCHC năm 2025"), unit_a.block, ["7", "7.9"]),
    }


ON_SCREEN = """element => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def _in_viewport(page, locator) -> bool:
    """Whether the element comes wholly on screen after a save: the page's script scrolls the
    message there once htmx has settled the swap (smoothly, as Bootstrap asks, unless the user
    wants less motion)."""
    try:
        page.wait_for_function(ON_SCREEN, arg=locator.element_handle(), timeout=3000)
    except PlaywrightTimeout:
        return False
    return True


def _criterion_labels(form):
    return form.locator("select[name=criterion] option").all_inner_texts()


def test_an_inspector_records_findings_on_a_phone_in_an_english_browser(page, live_server, login, screenshot, visit, criteria, inspector):
    commune = visit.also_units.get()
    login("inspector")
    assert page.evaluate("navigator.language") == "en-US"
    page.goto(f"{live_server.url}/kiem-tra/cuoc-kiem-tra/{visit.pk}/")
    form = page.locator("#finding-form")
    assert form.locator("input[type=date]").count() == 0

    # The criteria offered are the visited department's block's, of the chosen field only.
    form.get_by_label("Lĩnh vực").select_option("7")
    assert _criterion_labels(form) == [
        "— Không gắn với tiêu chí cụ thể —", "7. Tiêu chí 7 của so-nganh", "7.1. Tiêu chí 7.1 của so-nganh", "7.2. Tiêu chí 7.2 của so-nganh",
    ]
    form.get_by_label("Lĩnh vực").select_option("3")
    assert _criterion_labels(form)[1:] == ["3. Tiêu chí 3 của so-nganh", "3.1. Tiêu chí 3.1 của so-nganh"]

    # A shortcoming of the commune visited along: its block's criteria, its deadline typed day first
    # on the number pad (no "/" on it).
    form.get_by_label("Lĩnh vực").select_option("7")
    form.get_by_label("Tồn tại, hạn chế").check()
    form.get_by_label("Nội dung").fill("Xã chưa cập nhật danh mục dịch vụ công trực tuyến.")
    form.get_by_label("Kiến nghị").fill("Cập nhật danh mục trên Cổng dịch vụ công.")
    form.get_by_label("Cao").check()
    form.get_by_label("Đơn vị khắc phục").select_option(str(commune.pk))
    assert _criterion_labels(form)[1:] == ["7. Tiêu chí 7 của ubnd-xa", "7.5. Tiêu chí 7.5 của ubnd-xa"]
    form.get_by_label("Tiêu chí liên quan").select_option(label="7.5. Tiêu chí 7.5 của ubnd-xa")
    deadline = form.get_by_label("Thời hạn khắc phục")
    assert deadline.get_attribute("placeholder") == "dd/mm/yyyy" and deadline.get_attribute("inputmode") == "numeric"
    deadline.fill("")
    deadline.press_sequentially("02122026")
    expect(deadline).to_have_value("02/12/2026")
    screenshot("1-filled-390px")
    form.get_by_role("button", name="Ghi kết quả").click()

    # The confirmation is next to the button, on screen, and said to a screen reader.
    status = page.locator("#finding-form [role=status]")
    expect(status).to_contain_text("Đã ghi tồn tại, hạn chế vào lĩnh vực 7")
    assert status.get_attribute("aria-live") == "polite"
    assert _in_viewport(page, status)
    assert _in_viewport(page, page.get_by_role("button", name="Ghi kết quả"))
    screenshot("2-saved-390px")
    finding = Finding.objects.get()
    assert finding.deadline == datetime.date(2026, 12, 2)
    assert finding.owner_unit == commune and finding.criterion == criteria["xã"]["7.5"]

    # The next empty form starts with the commune and the same field; its criteria follow.
    form = page.locator("#finding-form")
    expect(form.get_by_label("Đơn vị khắc phục")).to_have_value(str(commune.pk))
    expect(form.get_by_label("Lĩnh vực")).to_have_value("7")
    expect(form.get_by_label("Nội dung")).to_have_value("")
    assert _criterion_labels(form)[1:] == ["7. Tiêu chí 7 của ubnd-xa", "7.5. Tiêu chí 7.5 của ubnd-xa"]

    # A mistake: the errors come where the eye is, as an alert that takes the focus.
    form.get_by_label("Nội dung").fill("Bộ phận một cửa của xã thiếu bảng hướng dẫn.")
    form.get_by_label("Thời hạn khắc phục").fill("12/31/2026")  # typed the English way
    form.get_by_role("button", name="Ghi kết quả").click()
    alert = page.locator("#finding-form [role=alert]")
    expect(alert).to_contain_text("Kiến nghị: Tồn tại, hạn chế cần có kiến nghị.")
    expect(alert).to_contain_text("Thời hạn khắc phục: Không có ngày 12/31/2026.")
    expect(alert).to_be_focused()
    assert _in_viewport(page, alert)
    screenshot("3-errors-390px")
    assert Finding.objects.count() == 1

    # Corrected from the links of the alert, it is recorded for the same commune.
    alert.get_by_role("link", name="Kiến nghị").click()
    expect(page.locator("#finding-form").get_by_label("Kiến nghị")).to_be_focused()
    form = page.locator("#finding-form")
    form.get_by_label("Kiến nghị").fill("Niêm yết bảng hướng dẫn tại bộ phận một cửa.")
    form.get_by_label("Thời hạn khắc phục").fill("2/12/2026")
    form.get_by_role("button", name="Ghi kết quả").click()
    expect(page.locator("#finding-form [role=status]")).to_contain_text("Bộ phận một cửa của xã")
    assert _in_viewport(page, page.locator("#finding-form [role=status]"))
    second = Finding.objects.latest("id")
    assert second.owner_unit == commune and second.deadline == datetime.date(2026, 12, 2)
    # Nothing sticks out sideways on the narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # An inline edit is confirmed at the finding itself, on screen.
    item = page.locator(f"#finding-{second.pk}")
    item.get_by_role("link", name="Sửa").click()
    editor = page.locator(f"#finding-{second.pk} form")
    editor.get_by_label("Nội dung").fill("Bộ phận một cửa của xã thiếu bảng hướng dẫn thủ tục.")
    editor.get_by_role("button", name="Lưu").click()
    edited = page.locator(f"#finding-{second.pk} [role=status]")
    expect(edited).to_contain_text("Đã lưu thay đổi.")
    assert _in_viewport(page, edited)
    expect(page.locator("#finding-form [role=status]")).to_have_count(0)  # the older one is not about this save
    screenshot("4-edited-390px")


def test_staff_pick_the_units_visited_along_by_typing_on_a_phone(page, live_server, login, screenshot, visit, sonv_staff):
    UnitFactory(code="X-THACHVAN", name="UBND xã Thạch Văn thử nghiệm", block=Block.objects.get(code="ubnd-xa"))
    UnitFactory(code="X-DUCBONG", name="UBND xã Đức Bồng thử nghiệm", block=Block.objects.get(code="ubnd-xa"))
    login("sonv_staff")
    page.goto(f"{live_server.url}/kiem-tra/cuoc-kiem-tra/{visit.pk}/sua/")
    assert page.locator("input[type=date]").count() == 0
    expect(page.get_by_text("Đã chọn 1:")).to_be_visible()

    # The unit visited itself is not offered again.
    search = page.get_by_label("Đơn vị kiểm tra cùng đợt")
    search.fill("unit-a")
    expect(page.get_by_text("Không có đơn vị nào khớp.")).to_be_visible()

    # Typed without accents, the search still finds "Thạch Văn"; a tap picks it.
    search.fill("thach van")
    picker = page.locator(".unit-picker")
    visible = picker.locator(".form-check:visible")
    expect(visible).to_have_count(1)
    visible.get_by_text("UBND xã Thạch Văn thử nghiệm").tap()
    screenshot("1-searched-390px")

    # "đ" is found from "d", and Enter picks the first unit found instead of sending the form.
    search.fill("duc bong")
    search.press("Enter")
    expect(picker.get_by_role("button", name="Bỏ chọn UBND xã Đức Bồng thử nghiệm (X-DUCBONG)")).to_be_visible()
    expect(page.get_by_text("Đã chọn 3:")).to_be_visible()
    assert page.url.endswith("/sua/")

    # A chip takes a unit out again.
    picker.get_by_role("button", name="Bỏ chọn UBND xã Thạch Hà thử nghiệm (X-THACHHA)").tap()
    expect(page.get_by_text("Đã chọn 2:")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("Từ ngày").fill("01/12/2026")
    page.get_by_label("Đến ngày").fill("02/12/2026")
    screenshot("2-before-save-390px")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu lịch kiểm tra.")).to_be_visible()
    visit.refresh_from_db()
    assert sorted(u.code for u in visit.also_units.all()) == ["X-DUCBONG", "X-THACHVAN"]
    assert (visit.start_date, visit.end_date) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 2))
