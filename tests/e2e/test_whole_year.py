"""A whole year of the CCHC index in a browser, every step through the pages as its role does it.

Last year (2024) exists already, approved, with a small framework (three sub-criteria scored by
the units and one survey criterion). Then, in 2025:

 1. Sở Nội vụ copy last year's framework into 2025 and open the self-assessment.
 2. Two units of the same block score every row, attach their evidence and submit.
 3. Sở Nội vụ assign the council member fields 1 and 2, move to appraisal and import the survey
    scores; the council member appraises both units, giving reasons for the deductions.
 4. In the explanation round unit A explains one deducted row, with a document.
 5. In finalisation the council member accepts the explanation and records the council's approval.
 6. Sở Nội vụ enter the People's Committee decision, publish the results and download the
    decision as a PDF.
 7. Unit A reads its rank, its head's rating and its shortcomings.
 8. An inspection visit to unit A finds a shortcoming; the unit reports its remediation and Sở Nội
    vụ accept it.
"""

import re
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from inspections.models import DelegationMember, Finding, InspectionPlan, Team
from scoring.models import Approval, Assessment, Evidence, Period, Phase, Score
from tests.e2e.conftest import ARTIFACTS
from tests.factories import UnitHeadFactory
from tests.scoring.conftest import HEADER, PDF, approve, assessment_of, fill_self, open_period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAST_YEAR, YEAR = 2024, 2025

# A block's framework cut down to one row of each sort: a rule with levels and required evidence
# (1.1), a rule with levels and no evidence (1.2, the remediation of last year's shortcomings),
# any number up to the max with evidence (2.1), and a survey row the units do not score (8.1).
FRAMEWORK = HEADER + (
    'so-nganh,1,"Công tác chỉ đạo, điều hành CCHC",3,,,,,\n'
    'so-nganh,1.1,Ban hành kế hoạch CCHC năm kịp thời theo hướng dẫn của tỉnh,1,,'
    '"1=Đầy đủ, đúng thời gian; 0.5=Đầy đủ nhưng chậm; 0=Không đầy đủ","Quyết định ban hành kế hoạch, ngày ban hành",yes,\n'
    'so-nganh,1.2,"Kết quả khắc phục tồn tại, hạn chế sau thẩm định, kiểm tra năm trước",2,,'
    '2=Khắc phục 100%; 1=Khắc phục từ 70% đến dưới 100%; 0=Dưới 70%,Báo cáo khắc phục,no,\n'
    "so-nganh,2,Cải cách thể chế,2,,,,,\n"
    'so-nganh,2.1,"Rà soát, hệ thống hóa văn bản quy phạm pháp luật",2,,,"Báo cáo kết quả rà soát, danh mục văn bản",yes,\n'
    "so-nganh,8,Tác động của cải cách hành chính,3,,,,,\n"
    'so-nganh,8.1,"Mức độ hài lòng của người dân, tổ chức",3,survey,,Kết quả điều tra xã hội học,no,\n'
)
SURVEY = "unit_code,criterion_code,score,note\nUNIT-A,8.1,\"2,5\",SIPAS 2025\nUNIT-B,8.1,2,SIPAS 2025\n"

UNIT_A, UNIT_B = "Sở Khoa học và Công nghệ thử nghiệm", "Sở Ngoại vụ thử nghiệm"
HEAD_A = "Nguyễn Văn An"
REASON_1_1 = "Kế hoạch CCHC năm 2025 ban hành ngày 20/01/2025, chậm so với hướng dẫn của tỉnh."
REASON_2_1 = "Chưa có danh mục văn bản hết hiệu lực kèm báo cáo rà soát."
REASON_B_1_2 = "Mới khắc phục 3/5 tồn tại năm 2024 (60%)."
EXPLANATION = "Danh mục văn bản hết hiệu lực đã ban hành kèm Quyết định số 15/QĐ-SKHCN ngày 25/11/2025."
FINDING = "Chưa niêm yết đầy đủ thủ tục hành chính tại bộ phận một cửa."


@pytest.fixture(autouse=True)
def _documents_rendered_in_process():
    """The decision is rendered by a Celery task. With a broker configured (CI) no worker runs
    beside the browser tests, so the task runs in the live server's thread, as in the embedded
    set-up."""
    from cchc.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def last_year(sonv_staff, council_member, unit_a_editor, unit_b_editor, inspector):
    """2024 as the app holds it a year later: approved, with the same framework; the heads of the
    two units; the 2026 inspection plan with a team led by the inspector."""
    period = open_period(FRAMEWORK, year=LAST_YEAR, actor=sonv_staff)
    fill_self(assessment_of(period, unit_a_editor.unit), value="1")
    fill_self(assessment_of(period, unit_b_editor.unit), value="0.5")
    approve(period, sonv_staff)
    UnitHeadFactory(unit=unit_a_editor.unit, full_name=HEAD_A, title="Giám đốc")
    UnitHeadFactory(unit=unit_b_editor.unit, full_name="Trần Thị Bình", title="Giám đốc")

    plan = InspectionPlan.objects.create(year=YEAR + 1, title=f"Kế hoạch kiểm tra công tác CCHC năm {YEAR + 1}", number="38/KH-UBND")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", title="Phó Giám đốc Sở Nội vụ", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    return period


# --- Helpers: each is a thing a person does on a page -----------------------------------------------


def switch_to(page, login, username):
    page.context.clear_cookies()
    login(username)


def menu(page, label):
    # The icon before each label is a glyph of the icon font, part of the link's accessible name.
    page.locator("#main-nav").get_by_role("link", name=re.compile(rf"(^|\s){re.escape(label)}$")).click()


def confirm_and_click(page, button):
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()


def open_period_page(page, year=YEAR):
    menu(page, "Kỳ đánh giá")
    page.get_by_role("link", name=str(year), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"năm {year}")


def advance(page, to_label):
    """Staff on the period page move it one phase on (the button asks for a confirmation)."""
    # The step's checklist stands before its button; a clean year has nothing blocking it.
    expect(page.locator("#transition .readiness")).to_be_visible()
    expect(page.locator("#transition .readiness-item.is-blocking")).to_have_count(0)
    confirm_and_click(page, page.get_by_role("button", name=f"Chuyển sang: {to_label}"))
    expect(page.get_by_text(f"đã chuyển sang giai đoạn {to_label}")).to_be_visible()


def row_of(page, code):
    return page.locator(f'.score-row[data-code="{code}"]')


def set_value(row, label, value):
    control = row.get_by_label(label)
    if control.evaluate("el => el.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)


def self_assess(page, code, value, note):
    row = row_of(page, code)
    set_value(row, "Điểm tự chấm", value)
    row.get_by_label("Thuyết minh, trích dẫn tài liệu").fill(note)
    row.get_by_role("button", name=f"Lưu {code}").click()
    expect(row_of(page, code).locator(".saved-mark")).to_be_visible()


def upload_evidence(page, code, path, number, date, page_ref):
    row = row_of(page, code)
    row.get_by_text("Tải tài liệu kiểm chứng").click()
    row.get_by_label(re.compile("^Tệp")).set_input_files(str(path))
    row.get_by_label("Số văn bản").fill(number)
    row.get_by_label("Ngày văn bản").fill(date)
    row.get_by_label("Trang").fill(page_ref)
    row.get_by_role("button", name="Tải lên").click()
    expect(row_of(page, code).get_by_role("link", name=path.name)).to_be_visible()


def appraise(page, code, value, reason=""):
    row = row_of(page, code)
    set_value(row, "Điểm thẩm định", value)
    if reason:
        row.get_by_label(re.compile("^Lý do trừ điểm")).fill(reason)
    row.get_by_role("button", name=f"Lưu thẩm định {code}").click()
    expect(row_of(page, code).locator(".saved-mark")).to_be_visible()
    expect(row_of(page, code).locator(".appraised-mark")).to_contain_text("Đã thẩm định")


def open_queue_item(page, unit_name, field_title, link="Thẩm định"):
    menu(page, "Thẩm định")
    item = page.locator("tr", has_text=unit_name).filter(has_text=field_title)
    item.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit_name)


def pdf_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    return path


# --- The year ------------------------------------------------------------------------------------------


def test_a_whole_year_from_the_framework_to_the_decision_and_the_remediation_of_an_inspection(
    page, live_server, login, screenshot, last_year, sonv_staff, council_member, unit_a, unit_b, tmp_path
):
    # The year assesses units A and B: the personas' own units (Sở Nội vụ, the council member's,
    # the inspector's) are not assessed this time.
    from units.models import Unit

    Unit.objects.exclude(pk__in=[unit_a.pk, unit_b.pk]).update(active=False)

    # 1. Sở Nội vụ start 2025 from last year's framework and open the self-assessment.
    login("sonv_staff")
    menu(page, "Kỳ đánh giá")
    page.get_by_role("link", name="Tạo kỳ mới từ năm trước").click()
    expect(page.get_by_label("Sao chép bộ chỉ số từ năm")).to_have_value(str(LAST_YEAR))
    expect(page.get_by_label("Năm đánh giá mới")).to_have_value(str(YEAR))
    page.get_by_label("Tên kỳ đánh giá").fill(f"Chỉ số cải cách hành chính năm {YEAR} của các sở, ban, ngành")
    page.get_by_role("button", name="Tạo kỳ đánh giá").click()
    expect(page.get_by_text(f"Đã tạo kỳ đánh giá năm {YEAR} từ bộ chỉ số năm {LAST_YEAR}")).to_be_visible()
    frameworks = page.locator("table").filter(has_text="Khối")
    expect(frameworks).to_contain_text("hợp lệ")
    screenshot("01-period-cloned")
    page.get_by_role("link", name="Khối Sở, ban, ngành cấp tỉnh").click()
    expect(page.locator("#framework-tree")).to_contain_text("Mức độ hài lòng của người dân, tổ chức")
    screenshot("02-framework")
    page.go_back()
    advance(page, "Tự đánh giá")
    expect(page.locator(".phase-step[aria-current=step]")).to_contain_text("Tự đánh giá")
    screenshot("03-self-assessment-open")

    # 2. Each unit scores every row, attaches the evidence the framework requires, and submits.
    units = {
        "editor_a": (UNIT_A, [("1.1", "1"), ("1.2", "2"), ("2.1", "2")], "5"),
        "editor_b": (UNIT_B, [("1.1", "0.5"), ("1.2", "1"), ("2.1", "1,5")], "3"),
    }
    for n, (username, (unit_name, values, total)) in enumerate(units.items()):
        switch_to(page, login, username)
        menu(page, "Tự đánh giá")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Tự đánh giá — {unit_name}")
        expect(page.get_by_test_id("progress")).to_contain_text("Đã chấm 0/3")
        for code, value in values:
            self_assess(page, code, value, f"Báo cáo số {n + 10}/BC ngày 05/12/{YEAR}, mục {code}")
        upload_evidence(page, "1.1", pdf_file(tmp_path, f"Kế hoạch CCHC năm {YEAR} ({username}).pdf"), f"{n + 12}/KH-UBND", f"{YEAR}-01-20", "1–3")
        upload_evidence(page, "2.1", pdf_file(tmp_path, f"Báo cáo rà soát văn bản ({username}).pdf"), f"{n + 40}/BC", f"{YEAR}-11-30", "2")
        expect(page.get_by_test_id("progress")).to_have_text("Đã chấm 3/3 tiêu chí")
        expect(page.get_by_test_id("overall-total")).to_have_text(total)
        screenshot(f"{4 + 2 * n:02d}-self-assessed-{username}")
        page.reload()
        confirm_and_click(page, page.get_by_role("button", name="Nộp bản tự đánh giá"))
        expect(page.get_by_test_id("assessment-status")).to_have_text("Đã nộp")
        expect(page.locator(".locked-reason")).to_contain_text("Đơn vị đã nộp bản tự đánh giá ngày")
        screenshot(f"{5 + 2 * n:02d}-submitted-{username}")
    assert Evidence.objects.filter(score__assessment__period__year=YEAR).count() == 4

    # 3. Sở Nội vụ assign the appraisal, move to appraisal and import the survey scores.
    switch_to(page, login, "sonv_staff")
    open_period_page(page)
    page.get_by_role("link", name="Phân công thẩm định").click()
    for field in ("1", "2"):
        page.get_by_label("Thành viên Hội đồng").select_option(str(council_member.pk))
        page.get_by_label("Lĩnh vực").select_option(field)
        page.get_by_role("button", name="Thêm phân công").click()
        expect(page.get_by_text("Đã thêm phân công thẩm định.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(2)
    screenshot("08-assignments")
    page.get_by_role("link", name=f"Năm {YEAR}").click()
    advance(page, "Thẩm định")
    page.get_by_role("link", name="Nhập điểm (điều tra xã hội học, dữ liệu cũ)").click()
    page.get_by_label("Loại điểm").select_option("survey")
    survey = tmp_path / f"dieu-tra-xa-hoi-hoc-{YEAR}.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    page.get_by_label("Tệp CSV (UTF-8) hoặc Excel (.xlsx)").set_input_files(str(survey))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_text(f"Đã nhập 2 dòng điểm điều tra xã hội học của kỳ đánh giá năm {YEAR}")).to_be_visible()
    screenshot("09-survey-imported")

    # The council member appraises both units, field by field; a deduction needs its reason.
    switch_to(page, login, "council")
    menu(page, "Thẩm định")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hàng đợi thẩm định — năm {YEAR}")
    screenshot("10-appraisal-queue")
    open_queue_item(page, UNIT_A, "1. Công tác chỉ đạo")
    expect(row_of(page, "1.1").locator(".self-score")).to_have_text("1")
    expect(row_of(page, "1.1")).to_contain_text(f"Kế hoạch CCHC năm {YEAR} (editor_a).pdf")
    row = row_of(page, "1.1")
    set_value(row, "Điểm thẩm định", "0.5")
    row.get_by_role("button", name="Lưu thẩm định 1.1").click()
    expect(row_of(page, "1.1").locator(".row-error")).to_contain_text("cần nêu lý do trừ điểm")
    appraise(page, "1.1", "0.5", REASON_1_1)
    appraise(page, "1.2", "2")
    screenshot("11-appraised-unit-a-field-1")
    open_queue_item(page, UNIT_A, "2. Cải cách thể chế")
    appraise(page, "2.1", "1", REASON_2_1)
    open_queue_item(page, UNIT_B, "1. Công tác chỉ đạo")
    appraise(page, "1.1", "0.5")
    appraise(page, "1.2", "0", REASON_B_1_2)
    open_queue_item(page, UNIT_B, "2. Cải cách thể chế")
    appraise(page, "2.1", "1,5")
    menu(page, "Thẩm định")
    for unit_name in (UNIT_A, UNIT_B):
        for field_title, done in (("1. Công tác chỉ đạo", "2/2"), ("2. Cải cách thể chế", "1/1")):
            item = page.locator("tr", has_text=unit_name).filter(has_text=field_title)
            expect(item.locator("td.num")).to_have_text(done)
    screenshot("12-appraisal-queue-done")

    # 4. The explanation round: unit A answers the deduction of 2.1 with a document.
    switch_to(page, login, "sonv_staff")
    open_period_page(page)
    advance(page, "Giải trình")
    switch_to(page, login, "editor_a")
    menu(page, "Tự đánh giá")
    page.get_by_role("link", name="Xem kết quả thẩm định, giải trình").click()
    expect(row_of(page, "1.1")).to_contain_text(REASON_1_1)
    expect(row_of(page, "2.1")).to_contain_text(REASON_2_1)
    expect(page.locator(".score-row")).to_have_count(2)
    row = row_of(page, "2.1")
    row.get_by_label("Nội dung giải trình").fill(EXPLANATION)
    row.get_by_role("button", name="Gửi giải trình 2.1").click()
    expect(row_of(page, "2.1").locator(".saved-mark")).to_be_visible()
    upload_evidence(page, "2.1", pdf_file(tmp_path, "Quyết định 15-QĐ-SKHCN danh mục văn bản.pdf"), "15/QĐ-SKHCN", f"{YEAR}-11-25", "1–4")
    screenshot("13-explained")

    # 5. Finalisation: the council member accepts the explanation; the council approves the results.
    switch_to(page, login, "sonv_staff")
    open_period_page(page)
    advance(page, "Hoàn thiện kết quả")
    switch_to(page, login, "council")
    open_queue_item(page, UNIT_A, "2. Cải cách thể chế", link="Hoàn thiện")
    expect(page.get_by_test_id("final-total")).to_have_text("6")
    row = row_of(page, "2.1")
    expect(row).to_contain_text(EXPLANATION)
    expect(row.get_by_role("link", name="Quyết định 15-QĐ-SKHCN danh mục văn bản.pdf")).to_be_visible()
    set_value(row, "Điểm cuối cùng", "2")
    expect(row.locator(".verdict")).to_contain_text("Chưa kết luận")
    row.get_by_label("Chấp nhận giải trình", exact=True).check()
    row.get_by_label("Ý kiến của Hội đồng").fill("Chấp nhận giải trình: đơn vị đã ban hành danh mục trong năm.")
    row.get_by_role("button", name="Lưu điểm cuối cùng 2.1").click()
    expect(row_of(page, "2.1").locator(".saved-mark")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("final-total")).to_have_text("7")
    expect(row_of(page, "2.1")).to_contain_text("Chấp nhận giải trình")
    screenshot("14-finalised")

    menu(page, "Kết quả")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Chỉ số CCHC năm {YEAR}")
    approval = page.locator("#approval")
    approval.get_by_label("Ngày Hội đồng thông qua").fill(f"20/02/{YEAR + 1}")
    approval.get_by_label("Biên bản họp").fill(f"Biên bản họp Hội đồng thẩm định ngày 20/02/{YEAR + 1}")
    confirm_and_click(page, approval.get_by_role("button", name="Ghi nhận thông qua"))
    expect(page.get_by_text("Đã ghi nhận Hội đồng thẩm định thông qua kết quả.")).to_be_visible()
    expect(page.locator("#approval")).to_contain_text(f"Hội đồng thẩm định thông qua ngày 20/02/{YEAR + 1}")
    screenshot("15-council-approved")

    # 6. Sở Nội vụ enter the decision, publish, and download the decision as a PDF.
    switch_to(page, login, "sonv_staff")
    menu(page, "Kết quả")
    approval = page.locator("#approval")
    approval.get_by_label("Số quyết định").fill("215/QĐ-UBND")
    approval.get_by_label("Ngày quyết định").fill(f"25/02/{YEAR + 1}")
    approval.get_by_label("Người ký").fill("Trần Báu Hà")
    approval.get_by_label("Chức vụ").fill("Phó Chủ tịch")
    approval.get_by_role("button", name="Lưu quyết định").click()
    expect(page.get_by_text("Đã lưu quyết định phê duyệt.")).to_be_visible()
    expect(page.locator("#approval")).to_contain_text(f"Quyết định số 215/QĐ-UBND ngày 25/02/{YEAR + 1}, Phó Chủ tịch Trần Báu Hà ký.")
    screenshot("16-decision-entered")
    page.locator("#approval").get_by_role("link", name=re.compile("chuyển kỳ đánh giá sang")).click()
    advance(page, "Đã phê duyệt")
    panel = page.locator(".document-panel")
    panel.get_by_role("button", name="Quyết định phê duyệt (PDF)").click()
    download_link = page.locator(".document-panel").get_by_role("link", name="Tải về (PDF)")
    expect(download_link).to_be_visible(timeout=90_000)
    expect(page.locator(".document-panel")).to_contain_text("Hoàn tất")
    screenshot("17-decision-pdf-ready")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"quyet-dinh-phe-duyet-chi-so-cchc-{YEAR}.pdf"
    saved = ARTIFACTS.parent / "downloads" / download.suggested_filename
    saved.parent.mkdir(parents=True, exist_ok=True)
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    reader = PdfReader(saved)
    text = unicodedata.normalize("NFC", " ".join(p.extract_text() for p in reader.pages))
    assert len(reader.pages) == 3  # the decision, Phụ lục I (the index), Phụ lục II (the heads)
    for words in ("QUYẾT ĐỊNH", "215/QĐ-UBND", f"năm {YEAR}", UNIT_A, "87,50", HEAD_A, "Hoàn thành tốt", "Trần Báu Hà"):
        assert words in text, words
    period = Period.objects.get(year=YEAR)
    assert period.phase == Phase.APPROVED
    assert Approval.objects.get(period=period, voided_at__isnull=True).decision_number == "215/QĐ-UBND"

    # 7. Unit A reads its own results: rank, the head's rating, and the rows that lost points.
    switch_to(page, login, "editor_a")
    menu(page, "Kết quả của đơn vị")
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT_A)
    expect(page.get_by_text(f"Kết quả Chỉ số CCHC năm {YEAR}")).to_be_visible()
    units_in_block = Assessment.objects.filter(period=period, unit__block=unit_a.block).count()
    stats = page.locator(".card-body")
    expect(stats.filter(has_text="Xếp hạng").locator(".stat-value")).to_have_text(f"1/{units_in_block}")
    expect(stats.filter(has_text="Chỉ số CCHC").first.locator(".stat-value")).to_have_text("87,50%")
    expect(stats.filter(has_text="Xếp loại").locator(".stat-value")).to_have_text("Tốt")
    head = stats.filter(has_text="Người đứng đầu")
    expect(head).to_contain_text(HEAD_A)
    expect(head).to_contain_text("Hoàn thành tốt nhiệm vụ")
    shortcomings = page.locator("#ton-tai tbody tr")
    expect(shortcomings).to_have_count(2)
    expect(shortcomings.nth(0)).to_contain_text("1.1")
    expect(shortcomings.nth(0)).to_contain_text(REASON_1_1)
    expect(shortcomings.nth(0)).to_contain_text("Không giải trình")
    expect(shortcomings.nth(1)).to_contain_text("8.1")
    expect(page.locator("#ton-tai")).not_to_contain_text("Rà soát, hệ thống hóa")  # 2.1: the explanation restored it
    expect(page.locator("table").filter(has_text="Xếp loại").filter(has_text=str(LAST_YEAR))).to_contain_text(str(YEAR))
    screenshot("18-unit-results")

    # 8. An inspection visit in the following year finds a shortcoming at unit A.
    switch_to(page, login, "sonv_staff")
    menu(page, "Kiểm tra")
    page.get_by_role("link", name=f"Kế hoạch kiểm tra công tác CCHC năm {YEAR + 1}").click()
    page.get_by_role("link", name="Thêm cuộc kiểm tra").click()
    page.get_by_label("Tổ công tác").select_option(label="Tổ công tác số 1")
    page.get_by_label("Đơn vị được kiểm tra").select_option(str(unit_a.pk))
    page.get_by_label("Từ ngày").fill(f"{YEAR + 1}-05-20")
    page.get_by_label("Đến ngày").fill(f"{YEAR + 1}-05-20")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu lịch kiểm tra.")).to_be_visible()
    screenshot("19-visit-scheduled")

    switch_to(page, login, "inspector")
    menu(page, "Kiểm tra")
    page.get_by_role("link", name=f"Kế hoạch kiểm tra công tác CCHC năm {YEAR + 1}").click()
    page.get_by_role("link", name=UNIT_A).click()
    page.get_by_label("Lĩnh vực").select_option("3")
    page.get_by_label("Tồn tại, hạn chế").check()
    page.get_by_label("Nội dung").fill(FINDING)
    page.get_by_label("Kiến nghị").fill("Niêm yết đầy đủ, cập nhật thủ tục hành chính theo quyết định công bố của tỉnh.")
    page.get_by_label("Trung bình").check()
    page.get_by_label("Thời hạn khắc phục").fill(f"{YEAR + 1}-09-30")
    page.get_by_role("button", name="Ghi kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi")
    expect(page.locator("#field-3").get_by_text(FINDING)).to_be_visible()
    confirm_and_click(page, page.get_by_role("button", name="Đã kiểm tra xong"))
    expect(page.get_by_text("Đã đánh dấu cuộc kiểm tra là đã kiểm tra xong.")).to_be_visible()
    screenshot("20-inspector-recorded")
    finding = Finding.objects.get()
    assert finding.owner_unit == unit_a and finding.status == Finding.Status.OPEN

    # The unit sees it among its open shortcomings and reports what it did.
    switch_to(page, login, "editor_a")
    menu(page, "Kết quả của đơn vị")
    page.get_by_role("link", name=re.compile("^Chưa niêm yết đầy đủ")).click()
    evidence = pdf_file(tmp_path, "Báo cáo khắc phục niêm yết TTHC.pdf")
    page.get_by_label("Kết quả khắc phục").fill("Đã niêm yết đủ 126 thủ tục hành chính tại bộ phận một cửa ngày 15/06/2026.")
    page.get_by_label("Tài liệu kiểm chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo khắc phục đến Sở Nội vụ.")).to_be_visible()
    expect(page.get_by_role("link", name=evidence.name)).to_be_visible()
    screenshot("21-remediation-reported")

    # Sở Nội vụ accept the report.
    switch_to(page, login, "sonv_staff")
    menu(page, "Kiểm tra")
    page.get_by_role("link", name="Xét báo cáo khắc phục").click()
    item = page.locator(f"#review-{finding.pk}")
    expect(item.get_by_role("link", name=evidence.name)).to_be_visible()
    confirm_and_click(page, item.get_by_role("button", name="Xác nhận"))
    expect(page.get_by_text(f"Đã xác nhận hoàn thành khắc phục tồn tại số {finding.pk}")).to_be_visible()
    screenshot("22-remediation-accepted")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED

    # What the pages did is what the database holds.
    a = Score.objects.filter(assessment__period=period, assessment__unit=unit_a).select_related("criterion")
    assert {s.criterion.code: (s.self_score, s.appraised_score, s.final_score) for s in a} == {
        "1.1": (1, 0.5, None), "1.2": (2, 2, None), "2.1": (2, 1, 2), "8.1": (None, 2.5, 2.5),
    }
