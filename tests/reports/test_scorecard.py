"""The unit scorecard (phiếu chấm điểm) as a PDF: content by stage, sums, font, determinism, the
out-of-date mark, and who may see and ask for it."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import services
from reports.models import GeneratedDocument
from reports.registry import KINDS
from reports.rendering import render_pdf
from reports.selectors import panel_state
from scoring.models import Period, Phase
from scoring.selectors import assessment_totals
from tests.factories import UnitFactory
from tests.scoring.conftest import assessment_of, generated_csv, open_period

from .builders import approve, open_year, put
from .conftest import embedded_fonts, pdf_text, rendered, shipped_fonts

pytestmark = pytest.mark.django_db
SPEC = KINDS["scorecard"]


@pytest.fixture
def request_and_render(django_capture_on_commit_callbacks):
    def run(assessment, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.document_request(actor=actor, kind="scorecard", subject=assessment)

    return run


def rows_by_code(context):
    return {row["code"]: row for row in context["rows"]}


def test_the_scorecard_shows_title_unit_every_criterion_with_scores_reasons_and_totals(scored, request_and_render):
    text = pdf_text(rendered(request_and_render(scored.a, scored.staff)))
    for expected in [
        "UBND TỈNH HÀ TĨNH",
        "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHIẾU CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        "Đơn vị: Sở Khoa học và Công nghệ thử nghiệm",
        "Khối Sở, ban, ngành cấp tỉnh",
        "Điểm thẩm định",
        "cuối cùng",
        "Kiểm tra CCHC đối với các đơn vị trực thuộc",
        "Không áp dụng",
        "Thẩm định: Kế hoạch ban hành chậm 10 ngày so với hướng dẫn.",
        "Giải trình: Đơn vị đã ban hành kế hoạch đúng hạn, có văn bản kèm theo.",
        "Ý kiến Hội đồng: Chấp nhận một phần giải trình.",
        "Thẩm định: Chậm gửi báo cáo quý III.",
        "Tổng điểm: 3,92 / 5 điểm",
        "Trong đó điểm trừ: −0,5 điểm",
        "Chỉ số CCHC: 78,40%",
        "Tiêu chí không áp dụng: 1 (1.2)",
        "ĐẠI DIỆN ĐƠN VỊ",
        "TM. HỘI ĐỒNG THẨM ĐỊNH",
    ]:
        assert expected in text, expected
    # The long title wraps inside its cell and still reads as one sentence.
    assert "có đầy đủ nội dung, nhiệm vụ, sản phẩm và thời hạn hoàn thành cụ thể cho từng lĩnh vực cải cách" in text
    for figure in ["1,75", "1,5", "2,67", "−0,5"]:
        assert figure in text
    # Not approved yet: no classification.
    assert "Xếp loại" not in text
    # Fields and criteria in code order.
    assert text.index("Công tác chỉ đạo, điều hành CCHC") < text.index("Tác động của CCHC") < text.index("Chậm gửi báo cáo CCHC")


def test_group_rows_add_up_their_leaves_as_the_totals_do(scored):
    context = SPEC.build_context(scored.a)
    rows = rows_by_code(context)
    totals = assessment_totals(scored.a)
    # Field 1: the max as framed (4), the unit's own 2 points, 1,5 appraised, 1,75 final (1.2 NA).
    assert (rows["1"]["max"], rows["1"]["self"], rows["1"]["appraised"], rows["1"]["final"]) == ("4", "2", "1,5", "1,75")
    assert rows["1"]["final"] == f"{totals.fields['1'].earned.normalize():f}".replace(".", ",")
    # The survey leaf has no self score; the penalties field shows what was deducted.
    assert rows["2.1"]["self"] == "" and rows["2"]["final"] == "2,67"
    assert rows["3"]["final"] == "−0,5" and rows["3"]["max"] == "" and rows["3.1"]["max"] == "−2"
    assert rows["1.2"]["na"] and rows["1.2"]["reasons"] == ["Không áp dụng"] and rows["1.2"]["final"] == ""
    assert [r["code"] for r in context["rows"]] == ["1", "1.1", "1.2", "2", "2.1", "3", "3.1"]


def test_before_the_explanation_round_the_scorecard_holds_the_units_own_scores_only(sonv_staff, unit_a):
    period = open_year(sonv_staff)
    a = assessment_of(period, unit_a)
    put(a, "1.1", self_score=2, appraised_score=1, appraisal_reason="Lý do trừ điểm còn nội bộ Hội đồng.")
    put(a, "1.2", self_score=Decimal("1.5"))
    Period.objects.filter(pk=period.pk).update(phase=Phase.APPRAISAL)
    context = SPEC.build_context(a)
    assert not context["show_appraised"] and not context["show_final"]
    text = pdf_text(render_pdf(template=SPEC.template, context=context)[0])
    assert "Điểm tự đánh giá" in text and "Điểm thẩm định" not in text
    assert "Lý do trừ điểm còn nội bộ" not in text
    # The unit's own total over its self-assessed leaves: 3,5 of 4.
    assert "Tổng điểm tự đánh giá: 3,5 / 4 điểm" in text and "Tỷ lệ điểm tự đánh giá: 87,50%" in text
    assert "NGƯỜI LẬP PHIẾU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    # The council's scores appear once the unit may see them (explanation round).
    Period.objects.filter(pk=period.pk).update(phase=Phase.EXPLANATION)
    assert "Lý do trừ điểm còn nội bộ Hội đồng." in pdf_text(render_pdf(template=SPEC.template, context=SPEC.build_context(a))[0])


def test_an_approved_period_prints_the_classification(scored):
    approve(scored.period, scored.staff)
    text = pdf_text(render_pdf(template=SPEC.template, context=SPEC.build_context(scored.a))[0])
    assert "Xếp loại: Khá" in text and "(Kết quả đã được phê duyệt)" in text


def test_the_fonts_embedded_are_the_shipped_liberation_serif(scored, request_and_render):
    embedded = embedded_fonts(rendered(request_and_render(scored.a)))
    # Regular, bold (group rows, totals) and italic (notes); each the very build in static/fonts.
    assert set(embedded) >= {"Liberation Serif", "Liberation Serif Bold", "Liberation Serif Italic"}
    assert embedded.items() <= shipped_fonts().items()


def test_the_same_data_gives_the_same_bytes_and_one_row(scored, request_and_render, django_capture_on_commit_callbacks):
    doc = request_and_render(scored.a)
    with django_capture_on_commit_callbacks() as callbacks:
        again = services.document_request(actor=None, kind="scorecard", subject=scored.a)
    assert again.pk == doc.pk and callbacks == [] and GeneratedDocument.objects.count() == 1
    first, _ = render_pdf(template=SPEC.template, context=SPEC.build_context(scored.a))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(rendered(doc)).hexdigest()
    assert doc.filename == "phieu-cham-diem-2023-unit-a.pdf"


def test_a_changed_score_marks_the_scorecard_out_of_date(scored, request_and_render, sonv_staff):
    old = request_and_render(scored.a, sonv_staff)
    assert not panel_state(user=sonv_staff, spec=SPEC, subject=scored.a).out_of_date
    put(scored.a, "2.1", final_score=Decimal("2.9"))
    state = panel_state(user=sonv_staff, spec=SPEC, subject=scored.a)
    assert state.document == old and state.out_of_date and state.offer_request
    new = request_and_render(scored.a, sonv_staff)
    assert new.pk != old.pk and "2,9" in pdf_text(rendered(new)) and "2,67" in pdf_text(rendered(old))
    # A note changes what is printed as much as a number does.
    put(scored.a, "1.1", council_note="Không chấp nhận giải trình.")
    assert panel_state(user=sonv_staff, spec=SPEC, subject=scored.a).out_of_date


def test_the_page_count_grows_with_the_criteria_and_the_header_repeats(scored, sonv_staff):
    small = render_pdf(template=SPEC.template, context=SPEC.build_context(scored.a))
    unit = UnitFactory(code="U-LON", name="Sở có bộ chỉ số lớn")
    period = open_period(generated_csv(8, 5, 6), year=2024, actor=sonv_staff)
    large_data, large_pages = render_pdf(template=SPEC.template, context=SPEC.build_context(assessment_of(period, unit)))
    assert small[1] <= 2 and large_pages > small[1] + 5
    text = pdf_text(large_data)
    assert "Tiêu chí thành phần 8.5.6" in text
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(large_data)).pages]
    with_rows = [p for p in pages if "Tiêu chí thành phần" in p]
    assert len(with_rows) >= large_pages - 1
    assert all("Điểm tự" in p and "Lĩnh vực, tiêu chí, tiêu chí thành phần" in p for p in with_rows)


def test_a_period_in_draft_has_no_scorecard(scored):
    Period.objects.filter(pk=scored.period.pk).update(phase=Phase.DRAFT)
    with pytest.raises(services.DocumentError, match="dự thảo"):
        SPEC.build_context(scored.a)


# --- Who sees and asks ---------------------------------------------------------------------------


def panel_url(assessment):
    return reverse("reports:panel", args=["scorecard", assessment.pk])


def request_url(assessment):
    return reverse("reports:request", args=["scorecard", assessment.pk])


def test_the_assessment_page_loads_the_scorecard_panel(client_of, unit_a_editor, scored):
    body = client_of(unit_a_editor).get(reverse("scoring:assessment_detail", args=[scored.a.pk])).content.decode()
    assert f'hx-get="{panel_url(scored.a)}"' in body


def test_the_units_editor_asks_for_their_scorecard_and_downloads_it(client_of, unit_a_editor, scored, django_capture_on_commit_callbacks):
    client = client_of(unit_a_editor)
    panel = client.get(panel_url(scored.a)).content.decode()
    assert "Phiếu chấm điểm (PDF)" in panel
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(scored.a), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    doc = GeneratedDocument.objects.get(kind="scorecard")
    assert doc.requested_by == unit_a_editor
    download = client.get(reverse("reports:download", args=[doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_another_units_editor_gets_404_on_the_panel_request_and_download(client_of, unit_b_editor, scored, request_and_render):
    doc = request_and_render(scored.a)
    client = client_of(unit_b_editor)
    assert client.get(panel_url(scored.a)).status_code == 404
    assert client.post(request_url(scored.a)).status_code == 404
    assert client.get(reverse("reports:download", args=[doc.pk])).status_code == 404
    # Their own unit's is theirs.
    assert client.get(panel_url(scored.b)).status_code == 200


def test_the_appraising_council_members_ask_leaders_wait_for_publication_and_others_see_nothing(
    client_of, council_member, leader, inspector, outsider, scored, request_and_render, django_capture_on_commit_callbacks
):
    from scoring.models import AppraisalAssignment

    # A member who appraises every field of the block sees its scorecards (the sheet prints them all).
    for code in ("1", "2", "3"):
        AppraisalAssignment.objects.create(period=scored.period, member=council_member, field_code=code)
    doc = request_and_render(scored.a)
    client = client_of(council_member)
    assert "Tạo lại" not in client.get(panel_url(scored.a)).content.decode()  # current: nothing to redo
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(request_url(scored.b)).status_code == 302
    assert GeneratedDocument.objects.filter(kind="scorecard").count() == 2
    # Before publication a leader sees no score on any page or file.
    client = client_of(leader)
    assert client.get(reverse("reports:download", args=[doc.pk])).status_code == 404
    assert client.post(request_url(scored.a)).status_code == 404
    for user in (inspector, outsider):
        client = client_of(user)
        assert client.get(panel_url(scored.a)).status_code == 404
        assert client.get(reverse("reports:download", args=[doc.pk])).status_code == 404
