"""A destructive action asks in the browser, once, saying what will be lost; dismissing the dialog
keeps everything, accepting it goes on. Only a real browser with the site's CSP proves it: an
inline onsubmit handler is dropped silently there and the action runs without asking."""

import pytest
from playwright.sync_api import expect

from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit
from scoring.models import Criterion, Framework
from tests.inspections.conftest import add_shortcoming
from tests.scoring.conftest import import_text, sample_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Dialogs:
    """Answers every dialog of the page the way it is told, and keeps their messages."""

    def __init__(self, page):
        self.messages: list[str] = []
        self.accept = False
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.messages.append(dialog.message)
        dialog.accept() if self.accept else dialog.dismiss()


@pytest.fixture
def framework(db):
    period = import_text(sample_text(), year=2024).period
    return Framework.objects.select_related("block").get(period=period, block__code="so-nganh")


def test_deleting_a_framework_asks_naming_the_block_and_its_criteria_and_a_refusal_keeps_it(
    page, live_server, login, screenshot, sonv_staff, framework
):
    count = framework.criteria.count()
    login("sonv_staff")
    url = f"{live_server.url}/chi-so/bo-chi-so/{framework.pk}/"
    page.goto(url)
    dialogs = Dialogs(page)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    screenshot("1-framework-page")

    page.get_by_role("button", name="Xóa bộ chỉ số").click()
    page.wait_for_timeout(300)  # time for a submission the refusal failed to stop to leave
    assert len(dialogs.messages) == 1
    assert dialogs.messages[0].startswith(f"Xóa bộ chỉ số {framework.block.name} năm 2024: {count} tiêu chí (gồm ")
    assert posts == [] and page.url == url
    assert Framework.objects.filter(pk=framework.pk).exists()
    assert Criterion.objects.filter(framework_id=framework.pk).count() == count

    dialogs.accept = True
    page.get_by_role("button", name="Xóa bộ chỉ số").click()
    expect(page.get_by_text(f"Đã xóa bộ chỉ số của {framework.block.name} năm 2024.")).to_be_visible()
    screenshot("2-framework-deleted")
    assert len(dialogs.messages) == 2
    assert not Framework.objects.filter(pk=framework.pk).exists()
    assert not Criterion.objects.filter(framework_id=framework.pk).exists()


def test_deleting_a_criterion_in_the_tree_editor_asks_once_through_the_same_dialog(
    page, live_server, login, screenshot, sonv_staff, framework
):
    field = Criterion.objects.get(framework=framework, code="1")
    below = Criterion.objects.filter(framework=framework, code__startswith="1.").count()
    login("sonv_staff")
    page.goto(f"{live_server.url}/chi-so/bo-chi-so/{framework.pk}/")
    page.evaluate("window.__notReloaded = true")
    dialogs = Dialogs(page)

    page.locator('tr[data-code="1"]').get_by_role("button", name="Xóa 1", exact=True).click()
    page.wait_for_timeout(300)
    assert dialogs.messages == [dialogs.messages[0]] and dialogs.messages[0].startswith(f"Xóa 1. {field.title[:60]}")
    assert f"cùng {below} mục con?" in dialogs.messages[0]
    assert Criterion.objects.filter(pk=field.pk).exists()

    dialogs.accept = True
    page.locator('tr[data-code="1"]').get_by_role("button", name="Xóa 1", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã xóa 1. {field.title}")
    screenshot("1-field-deleted")
    assert len(dialogs.messages) == 2, dialogs.messages  # one per click: htmx did not ask again
    assert page.evaluate("window.__notReloaded") is True
    assert not Criterion.objects.filter(pk=field.pk).exists()
    assert not Criterion.objects.filter(framework=framework, title=field.title).exists()


def test_deleting_a_finding_sent_by_htmx_from_its_form_asks_once(page, live_server, login, screenshot, inspector, unit_a):
    import datetime

    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra công tác CCHC năm 2023", number="125/KH-UBND")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    day = datetime.date(2023, 5, 25)
    visit = Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day)
    finding = add_shortcoming(visit, actor=inspector, text="Chưa niêm yết đầy đủ thủ tục hành chính.")

    login("inspector")
    page.goto(f"{live_server.url}/kiem-tra/cuoc-kiem-tra/{visit.pk}/")
    page.evaluate("window.__notReloaded = true")
    dialogs = Dialogs(page)
    dialogs.accept = True
    page.locator(f"#finding-{finding.pk}").get_by_role("button", name="Xóa").click()
    expect(page.locator(f"#finding-{finding.pk}")).to_have_count(0)
    screenshot("1-finding-deleted")
    assert len(dialogs.messages) == 1, dialogs.messages
    assert dialogs.messages[0].startswith("Xóa tồn tại, hạn chế “Chưa niêm yết đầy đủ thủ tục hành chính.”")
    assert page.evaluate("window.__notReloaded") is True
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_reopening_a_period_asks_with_the_message_of_the_phase_chosen(page, live_server, login, sonv_staff, framework):
    from scoring.models import Period, Phase
    from scoring.services import period_advance

    period_advance(actor=sonv_staff, period=framework.period)
    login("sonv_staff")
    page.goto(f"{live_server.url}/chi-so/2024/")
    dialogs = Dialogs(page)
    page.get_by_label("Đưa về giai đoạn").select_option(label="Dự thảo")
    page.get_by_label("Lý do (bắt buộc)").fill("Sửa bộ chỉ số")
    page.get_by_role("button", name="Mở lại").click()
    page.wait_for_timeout(300)
    assert len(dialogs.messages) == 1
    assert dialogs.messages[0].startswith("Đưa kỳ đánh giá năm 2024 từ giai đoạn Tự đánh giá về giai đoạn Dự thảo? Bộ chỉ số được mở khóa")
    assert Period.objects.get(year=2024).phase == Phase.SELF_ASSESSMENT

    dialogs.accept = True
    page.get_by_role("button", name="Mở lại").click()
    expect(page.get_by_text("đã chuyển sang giai đoạn Dự thảo")).to_be_visible()
    assert Period.objects.get(year=2024).phase == Phase.DRAFT
