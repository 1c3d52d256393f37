"""The scoring cycle in a browser, as each role: the unit scores inline, uploads evidence and
submits; the council appraises one row lower with a reason; the unit explains; the council
finalises. Staff move the phases from the period page."""

import re

import pytest
from playwright.sync_api import expect

from scoring.models import AppraisalAssignment, Evidence, Phase, Score
from scoring.services import period_advance, score_set_self
from tests.scoring.conftest import PDF, assessment_of, fill_self, import_text, sample_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(sonv_staff, council_member, unit_a_editor):
    period = period_advance(actor=sonv_staff, period=import_text(sample_text(), year=2024).period)
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="2")
    assessment = assessment_of(period, unit_a_editor.unit)
    # Everything but two rows is already scored, with its evidence: the test does the last steps.
    for score in fill_self(assessment):
        if score.criterion.code in ("1.1.1", "2.3"):
            Score.objects.filter(pk=score.pk).update(self_score=None)
        if score.criterion.evidence_required and score.criterion.code != "1.1.1":
            Evidence.objects.create(score=score, original_name="bao-cao.pdf", size=len(PDF), content_type="application/pdf", file="x.pdf")
    return assessment


def switch_to(page, login, username):
    page.context.clear_cookies()
    login(username)


def advance(page, live_server, login, to_label, override=""):
    """Staff move the period on; with `override`, past the checklist's blocking items, whose reason
    they write in the box the checklist shows."""
    switch_to(page, login, "sonv_staff")
    page.goto(f"{live_server.url}/chi-so/2024/")
    if override:
        expect(page.locator("#transition .readiness-item.is-blocking").first).to_be_visible()
        page.get_by_label(re.compile("Vẫn tiếp tục dù còn mục chưa hoàn thành")).fill(override)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile(f"Chuyển sang: {to_label}")).click()
    expect(page.get_by_text(f"đã chuyển sang giai đoạn {to_label}")).to_be_visible()


def test_a_unit_scores_and_submits_the_council_appraises_the_unit_explains_and_the_council_finalises(
    page, live_server, login, screenshot, scene, unit_a_editor, tmp_path
):
    # The unit editor scores the two remaining rows inline; totals follow without a reload.
    login("editor_a")
    page.get_by_role("link", name="Tự đánh giá").first.click()
    expect(page.get_by_test_id("progress")).to_contain_text("Đã chấm 33/35")
    page.evaluate("window.__notReloaded = true")
    row = page.locator('.score-row[data-code="2.3"]')
    row.get_by_label("Điểm tự chấm").select_option("3")
    row.get_by_label("Thuyết minh, trích dẫn tài liệu").fill("Báo cáo số 25/BC-SKHCN ngày 10/12/2024")
    row.get_by_role("button", name="Lưu 2.3").click()
    expect(page.locator('.score-row[data-code="2.3"]')).to_contain_text("Đã lưu")
    expect(page.locator("#field-total-2")).to_have_text("9 / 9")
    expect(page.get_by_test_id("progress")).to_contain_text("Đã chấm 34/35")

    # A colleague saves 1.1.1 meanwhile: the stale form is refused and shows the current value.
    other = Score.objects.select_related("criterion").get(assessment=scene, criterion__code="1.1.1")
    score_set_self(actor=unit_a_editor, score=other, value="0,5", expected_version=other.version)
    row = page.locator('.score-row[data-code="1.1.1"]')
    row.get_by_label("Điểm tự chấm").select_option("1")
    row.get_by_role("button", name="Lưu 1.1.1").click()
    expect(page.locator('.score-row[data-code="1.1.1"] .row-conflict')).to_contain_text("thành 0,5. Hãy xem lại trước khi lưu.")
    screenshot("1-conflict")
    row = page.locator('.score-row[data-code="1.1.1"]')
    row.get_by_label("Điểm tự chấm").select_option("1")
    row.get_by_role("button", name="Lưu 1.1.1").click()
    expect(page.locator('.score-row[data-code="1.1.1"]')).to_contain_text("Đã lưu")
    assert page.evaluate("window.__notReloaded") is True

    # Evidence for 1.1.1, with its document number, date and page.
    pdf = tmp_path / "Kế hoạch CCHC năm 2024.pdf"
    pdf.write_bytes(PDF)
    row = page.locator('.score-row[data-code="1.1.1"]')
    row.get_by_text("Tải tài liệu kiểm chứng").click()
    row.get_by_label(re.compile("^Tệp")).set_input_files(str(pdf))
    row.get_by_label("Số văn bản").fill("12/KH-SKHCN")
    row.get_by_label("Ngày văn bản").fill("2024-02-05")
    row.get_by_label("Trang").fill("3")
    row.get_by_role("button", name="Tải lên").click()
    expect(row.get_by_role("link", name="Kế hoạch CCHC năm 2024.pdf")).to_be_visible()
    expect(row).to_contain_text("Số 12/KH-SKHCN, ngày 05/02/2024, tr. 3")
    expect(page.get_by_test_id("progress")).to_contain_text("Đã chấm 35/35")
    screenshot("2-self-assessed")

    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("Đã nộp")
    expect(page.locator(".locked-reason")).to_contain_text("Đơn vị đã nộp bản tự đánh giá ngày")
    screenshot("3-submitted")

    advance(page, live_server, login, "Thẩm định")

    # The council member appraises 2.3 lower: the reason is required.
    switch_to(page, login, "council")
    page.get_by_role("link", name="Thẩm định").first.click()
    page.locator("tr", has_text="Sở Khoa học và Công nghệ thử nghiệm").get_by_role("link", name="Thẩm định").click()
    row = page.locator('.score-row[data-code="2.3"]')
    expect(row.locator(".self-score")).to_have_text("3")
    row.get_by_label("Điểm thẩm định").select_option("1.5")
    row.get_by_role("button", name="Lưu thẩm định 2.3").click()
    expect(page.locator('.score-row[data-code="2.3"] .row-error')).to_contain_text("cần nêu lý do trừ điểm")
    row = page.locator('.score-row[data-code="2.3"]')
    row.get_by_label("Điểm thẩm định").select_option("1.5")
    row.get_by_label(re.compile("Lý do trừ điểm")).fill("Chưa có báo cáo theo dõi thi hành pháp luật quý IV.")
    row.get_by_role("button", name="Lưu thẩm định 2.3").click()
    expect(page.locator('.score-row[data-code="2.3"] .appraised-mark')).to_contain_text("Đã thẩm định")
    screenshot("4-appraised")

    # The council appraised one row only: the checklist stops the step until staff give a reason.
    page.goto(f"{live_server.url}/chi-so/2024/")
    advance(page, live_server, login, "Giải trình", override="Thử nghiệm: Hội đồng chỉ thẩm định tiêu chí 2.3")
    expect(page.locator(".phase-history")).to_contain_text("Thử nghiệm: Hội đồng chỉ thẩm định tiêu chí 2.3")

    # The unit sees the deduction with its reason and explains.
    switch_to(page, login, "editor_a")
    page.goto(f"{live_server.url}/chi-so/phieu/{scene.pk}/giai-trinh/")
    row = page.locator('.score-row[data-code="2.3"]')
    expect(row).to_contain_text("Chưa có báo cáo theo dõi thi hành pháp luật quý IV.")
    row.get_by_label("Nội dung giải trình").fill("Báo cáo quý IV đã gửi ngày 20/12/2024 (Văn bản số 30/BC-SKHCN).")
    row.get_by_role("button", name="Gửi giải trình 2.3").click()
    expect(page.locator('.score-row[data-code="2.3"]')).to_contain_text("Đã lưu")
    screenshot("5-explained")

    advance(page, live_server, login, "Hoàn thiện kết quả")

    # The council accepts the explanation: the final score restores the points.
    switch_to(page, login, "council")
    page.goto(f"{live_server.url}/chi-so/phieu/{scene.pk}/hoan-thien/")
    row = page.locator('.score-row[data-code="2.3"]')
    expect(row).to_contain_text("Báo cáo quý IV đã gửi ngày 20/12/2024")
    row.get_by_label("Điểm cuối cùng").select_option("3")
    row.get_by_label("Ý kiến của Hội đồng").fill("Chấp nhận giải trình.")
    row.get_by_role("button", name="Lưu điểm cuối cùng 2.3").click()
    expect(page.locator('.score-row[data-code="2.3"]')).to_contain_text("Đã lưu")
    row = page.locator('.score-row[data-code="2.3"]')
    row.get_by_text("Lịch sử thay đổi").click()
    history = row.locator(".history-body")
    for label in ("Tự đánh giá", "Thẩm định", "Giải trình", "Hoàn thiện điểm cuối cùng"):
        expect(history).to_contain_text(label)
    screenshot("6-finalised")
    score = Score.objects.get(assessment=scene, criterion__code="2.3")
    assert (score.self_score, score.appraised_score, score.final_score) == (3, 1.5, 3)
    assert scene.period.__class__.objects.get(pk=scene.period_id).phase == Phase.FINALIZATION
