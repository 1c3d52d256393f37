"""The emulation package (hồ sơ thi đua, khen thưởng) of a published year: the blocks the decision
covers with their ranked units, the heads and their ratings, and the units the year's rule
proposes for commendation; as a page for staff and leaders, an XLSX and a DOCX."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from audit.models import AuditEvent
from monitoring import selectors, services
from monitoring.exports import BLOCK_COLUMNS, PROPOSAL_COLUMNS
from monitoring.models import EmulationRule
from monitoring.services import MonitoringError

from .builders import year_2023

pytestmark = pytest.mark.django_db

# Classified Xuất sắc in the blocks the decision covers, in ranking order.
EXCELLENT = ["UNIT-A", "STTTT", "UNIT-B", "TP-HT", "TX-KA"]


def units_of(package) -> list[str]:
    return [line.row.unit.code for line in package.proposed]


@pytest.fixture
def published(sonv_staff, unit_a, unit_b, unit_a_editor, leader, council_member):
    return year_2023(sonv_staff, unit_a, unit_b)


def test_the_published_top_units_of_each_block_the_decision_covers_are_proposed_by_the_default_rule(published):
    package = selectors.emulation_package(period=published)
    assert [b.block.code for b in package.blocks] == ["so-nganh", "ubnd-huyen"]  # no communes
    assert units_of(package) == EXCELLENT
    assert package.rule.pk is None and package.rule.classifications == ["Xuất sắc"] and package.rule_words == "đơn vị xếp loại Xuất sắc"
    departments = package.blocks[0]
    assert [(line.row.rank, line.row.unit.code, line.proposed) for line in departments.lines][:4] == [
        (1, "UNIT-A", True), (2, "STTTT", True), (3, "UNIT-B", True), (4, "SCT", False)
    ]
    top = departments.lines[0].row
    assert (top.index, top.classification, top.head_name, top.head_rating) == (Decimal("95.50"), "Xuất sắc", "Thủ trưởng UNIT-A", "Hoàn thành xuất sắc nhiệm vụ")
    assert package.decision_words == "Quyết định số 519/QĐ-UBND ngày 23/02/2024 của UBND tỉnh"


def test_a_cap_on_places_keeps_only_the_leading_ranks_of_each_block(published, sonv_staff):
    services.emulation_rule_set(actor=sonv_staff, period=published, classifications=["Xuất sắc"], top_n_per_block=2)
    package = selectors.emulation_package(period=published)
    assert units_of(package) == ["UNIT-A", "STTTT", "TP-HT", "TX-KA"]
    assert package.rule_words == "đơn vị xếp loại Xuất sắc, trong 2 thứ hạng dẫn đầu của khối"
    services.emulation_rule_set(actor=sonv_staff, period=published, classifications=["Tốt", "Xuất sắc"], top_n_per_block=None)
    assert units_of(selectors.emulation_package(period=published)) == ["UNIT-A", "STTTT", "UNIT-B", "SCT", "TP-HT", "TX-KA", "H-TH"]
    assert EmulationRule.objects.get(period=published).classifications == ["Xuất sắc", "Tốt"]


def test_units_on_an_equal_index_share_a_place_and_are_proposed_alike(published, sonv_staff):
    from scoring.models import Assessment, Phase

    # Unit B on Sở TT&TT's index: the ranking reads the stored totals, set here directly.
    Assessment.objects.filter(period=published, unit__code="UNIT-B").update(total_index=Decimal("93.20"))
    assert published.phase == Phase.APPROVED
    services.emulation_rule_set(actor=sonv_staff, period=published, classifications=["Xuất sắc"], top_n_per_block=2)
    assert units_of(selectors.emulation_package(period=published))[:3] == ["UNIT-A", "STTTT", "UNIT-B"]


def test_a_year_not_published_has_no_package_and_says_why(sonv_staff, unit_a, unit_b, leader, client_of):
    period = year_2023(sonv_staff, unit_a, unit_b, publish=False)  # the council approved, the decision is in, not published
    with pytest.raises(MonitoringError, match="chưa được phê duyệt bằng quyết định của UBND tỉnh và công bố"):
        selectors.emulation_package(period=period)
    for user in (sonv_staff, leader):
        page = client_of(user).get(reverse("monitoring:emulation", args=[2023]))
        text = page.content.decode()
        assert page.status_code == 200 and "Chưa lập được hồ sơ thi đua, khen thưởng năm 2023" in text
        assert "UBND thành phố Hà Tĩnh" not in text and "95,50" not in text  # not one figure of the draft
        download = client_of(user).get(reverse("monitoring:emulation_xlsx", args=[2023]), follow=True)
        assert download.redirect_chain[-1][0] == reverse("monitoring:emulation", args=[2023])
        assert "chưa được phê duyệt bằng quyết định" in download.content.decode()
    # Staff may still prepare the year's rule before publication.
    assert 'action="/theo-doi/thi-dua/2023/tieu-chi/"' in client_of(sonv_staff).get(reverse("monitoring:emulation", args=[2023])).content.decode()


def test_staff_and_leaders_read_the_package_and_nobody_else_does(published, client_of, sonv_staff, leader, unit_a_editor, council_member):
    urls = [reverse(name, args=[2023]) for name in ("monitoring:emulation", "monitoring:emulation_xlsx", "monitoring:emulation_docx")]
    for user in (sonv_staff, leader):
        assert [client_of(user).get(url).status_code for url in urls] == [200, 200, 200]
    for user in (unit_a_editor, council_member):
        assert [client_of(user).get(url).status_code for url in urls] == [403, 403, 403]
    # Only staff set the rule; a year without a period has no page.
    assert client_of(leader).post(reverse("monitoring:emulation_rule", args=[2023]), {"classifications": ["Tốt"]}).status_code == 403
    assert client_of(sonv_staff).get(reverse("monitoring:emulation", args=[2019])).status_code == 404
    assert client_of(sonv_staff).get("/theo-doi/thi-dua/99999/").status_code == 404
    leader_page = client_of(leader).get(urls[0]).content.decode()
    assert "Thủ trưởng UNIT-A" in leader_page and "rule-form" not in leader_page


def test_staff_change_the_rule_on_the_page_and_the_change_is_logged_once(published, client_of, sonv_staff):
    client = client_of(sonv_staff)
    url = reverse("monitoring:emulation_rule", args=[2023])
    response = client.post(url, {"classifications": ["Xuất sắc"], "top_n_per_block": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("monitoring:emulation", args=[2023])
    page = response.content.decode()
    assert "Đã lưu tiêu chí đề nghị khen thưởng năm 2023." in page and "trong 2 thứ hạng dẫn đầu của khối" in page
    assert "Đặt tiêu chí đề nghị khen thưởng (hồ sơ thi đua)" in page  # the history, in words
    event = AuditEvent.objects.get(action="emulation_rule.set")
    assert event.actor == sonv_staff and event.changes == {"classifications": [None, ["Xuất sắc"]], "top_n_per_block": [None, 2]}
    client.post(url, {"classifications": ["Xuất sắc"], "top_n_per_block": "2"})
    assert AuditEvent.objects.filter(action="emulation_rule.set").count() == 1  # nothing changed, nothing logged


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Chọn ít nhất một xếp loại được đề nghị khen thưởng."),
        ({"classifications": ["Xuất sắc"], "top_n_per_block": "ba"}, "phải là một số nguyên, ví dụ 3."),
        ({"classifications": ["Xuất sắc"], "top_n_per_block": "0"}, "phải từ 1 trở lên"),
        ({"classifications": ["Siêu hạng"]}, "Siêu hạng"),
    ],
)
def test_a_wrong_rule_is_refused_on_the_form_in_vietnamese(published, client_of, sonv_staff, data, message):
    response = client_of(sonv_staff).post(reverse("monitoring:emulation_rule", args=[2023]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not EmulationRule.objects.exists()


def test_the_service_refuses_anyone_but_staff(published, leader):
    with pytest.raises(MonitoringError, match="Chỉ Sở Nội vụ"):
        services.emulation_rule_set(actor=leader, period=published, classifications=["Xuất sắc"], top_n_per_block=None)


def test_the_docx_is_a_vietnamese_administrative_text_with_a_table_per_block_and_the_proposals(published, client_of, sonv_staff):
    response = client_of(sonv_staff).get(reverse("monitoring:emulation_docx", args=[2023]))
    assert response.status_code == 200 and "ho-so-thi-dua-khen-thuong-cchc-2023.docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    heading = document.tables[0]
    assert heading.cell(0, 0).text == "UBND TỈNH HÀ TĨNH\nSỞ NỘI VỤ"
    assert heading.cell(0, 1).text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert heading.cell(1, 1).text.startswith("Hà Tĩnh, ngày ")
    for expected in (
        "HỒ SƠ THI ĐUA, KHEN THƯỞNG",
        "Căn cứ Quyết định số 519/QĐ-UBND ngày 23/02/2024 của UBND tỉnh về việc phê duyệt Chỉ số cải cách hành chính năm 2023;",
        "1. Khối Sở, ban, ngành cấp tỉnh",
        "2. Khối UBND huyện, thị xã, thành phố",
        "II. DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "Tiêu chí: đơn vị xếp loại Xuất sắc.",
        "Tổng số: 5 cơ quan, đơn vị, địa phương.",
    ):
        assert expected in text, expected
    assert "Khối UBND xã" not in text and "Thạch Văn" not in "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    departments, districts, proposals = document.tables[1], document.tables[2], document.tables[3]
    assert [c.text for c in departments.rows[0].cells] == ["Hạng", "Cơ quan, đơn vị", "Chỉ số CCHC (%)", "Xếp loại", "Người đứng đầu", "Đánh giá người đứng đầu"]
    assert [c.text for c in departments.rows[1].cells] == ["1", "Sở Khoa học và Công nghệ thử nghiệm (*)", "95,50", "Xuất sắc", "Thủ trưởng UNIT-A", "Hoàn thành xuất sắc nhiệm vụ"]
    assert departments.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # the header row repeats on every page
    assert [r.cells[1].text for r in districts.rows[1:]] == ["UBND thành phố Hà Tĩnh (*)", "UBND thị xã Kỳ Anh (*)", "UBND huyện Thạch Hà"]
    assert [r.cells[1].text for r in proposals.rows[1:]] == [
        "Sở Khoa học và Công nghệ thử nghiệm", "Sở Thông tin và Truyền thông", "Sở Ngoại vụ thử nghiệm", "UBND thành phố Hà Tĩnh", "UBND thị xã Kỳ Anh"
    ]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert {run.font.name for p in document.paragraphs for run in p.runs} == {"Times New Roman"}
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.left_margin.mm)) == (210, 297, 30)


def test_the_xlsx_has_vietnamese_sheets_and_headers_and_its_figures_are_numbers(published, client_of, leader):
    response = client_of(leader).get(reverse("monitoring:emulation_xlsx", args=[2023]))
    assert response.status_code == 200 and "ho-so-thi-dua-khen-thuong-cchc-2023.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Đề nghị khen thưởng", "Sở, ban, ngành cấp tỉnh", "UBND huyện, thị xã, thành phố", "Căn cứ"]
    proposals = list(book["Đề nghị khen thưởng"].iter_rows(values_only=True))
    assert list(proposals[0]) == PROPOSAL_COLUMNS
    assert [row[3] for row in proposals[1:]] == EXCELLENT
    first = proposals[1]
    assert first[0] == 1 and first[2] == 1 and isinstance(first[5], (int, float)) and first[5] == pytest.approx(95.5)
    departments = list(book["Sở, ban, ngành cấp tỉnh"].iter_rows(values_only=True))
    assert list(departments[0]) == BLOCK_COLUMNS
    rank, code, _, score, maximum, index, band, head, _, rating, proposed = departments[1]
    assert (rank, code, band, head, rating, proposed) == (1, "UNIT-A", "Xuất sắc", "Thủ trưởng UNIT-A", "Hoàn thành xuất sắc nhiệm vụ", "Có")
    assert all(isinstance(v, (int, float)) for v in (rank, score, maximum, index)) and (score, maximum, index) == (95.5, 100, 95.5)
    assert departments[4][1] == "SCT" and departments[4][-1] in ("", None)
    basis = dict(book["Căn cứ"].iter_rows(min_row=2, values_only=True))
    assert basis["Quyết định phê duyệt"] == "519/QĐ-UBND" and basis["Số đơn vị được đề nghị"] == 5


def test_the_page_keeps_to_its_query_budget(published, client_of, sonv_staff, django_assert_max_num_queries):
    client = client_of(sonv_staff)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("monitoring:emulation", args=[2023]))
    text = page.content.decode()
    assert page.status_code == 200 and text.count('class="table-success proposed"') == 5
    assert "95,50" in text and "Thủ trưởng UNIT-A" in text and "UBND xã Thạch Văn" not in text
