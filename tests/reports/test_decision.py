"""The decision approving the index (Quyết định phê duyệt Chỉ số CCHC) as a PDF: its content and
appendices, rank order, page growth, font, determinism, the draft, and who may see and ask."""

import hashlib
import io
import os
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import services
from reports.decision import subject_units
from reports.models import GeneratedDocument
from reports.registry import KINDS
from reports import rendering
from reports.rendering import render_pdf
from scoring.models import Period, Phase
from scoring.selectors import ranking_for_period
from tests.factories import UnitFactory, UnitHeadFactory
from units.models import Block

from .builders import approve, many_units, move, open_year, score_everyone
from .conftest import embedded_fonts, pdf_text, rendered, shipped_fonts

pytestmark = pytest.mark.django_db
SPEC = KINDS["decision"]


@pytest.fixture
def request_and_render(django_capture_on_commit_callbacks):
    def run(period, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.document_request(actor=actor, kind="decision", subject=period)

    return run


@pytest.fixture
def published(scored, unit_a):
    """`scored` with a district, unit A's head on record, the legal basis, approved and published."""
    UnitHeadFactory(unit=unit_a, full_name="Nguyễn Văn Tâm", title="Giám đốc")
    Period.objects.filter(pk=scored.period.pk).update(legal_basis="Kế hoạch số 58/KH-UBND ngày 15/02/2023 của UBND tỉnh về xác định Chỉ số CCHC năm 2023")
    return approve(Period.objects.get(pk=scored.period.pk), scored.staff)


def test_the_decision_reads_as_decree_30_lays_it_out(published, request_and_render, sonv_staff):
    text = pdf_text(rendered(request_and_render(published, sonv_staff)))
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 519/QĐ-UBND",
        "Hà Tĩnh, ngày 23 tháng 02 năm 2024",
        "QUYẾT ĐỊNH Về việc phê duyệt Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "Căn cứ Kế hoạch số 58/KH-UBND ngày 15/02/2023 của UBND tỉnh về xác định Chỉ số CCHC năm 2023;",
        "Theo đề nghị của Giám đốc Sở Nội vụ",
        "QUYẾT ĐỊNH:",
        "Điều 1. Phê duyệt Chỉ số cải cách hành chính năm 2023",
        "chi tiết tại Phụ lục I kèm theo",
        "Điều 2.",
        "Phụ lục II kèm theo",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ",
        "chịu trách nhiệm thi hành Quyết định này./.",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Trần Báu Hà",
        "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        "(Kèm theo Quyết định số 519/QĐ-UBND ngày 23/02/2024 của UBND tỉnh Hà Tĩnh)",
        "I. KHỐI SỞ, BAN, NGÀNH CẤP TỈNH",
        "ĐÁNH GIÁ MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ",
        "Nguyễn Văn Tâm",
        "Hoàn thành tốt nhiệm vụ",
    ]:
        assert expected in text, expected
    assert "DỰ THẢO" not in text
    appendix_1 = text[text.index("KẾT QUẢ CHỈ SỐ CẢI CÁCH") : text.index("ĐÁNH GIÁ MỨC ĐỘ HOÀN THÀNH")]
    # Rank order: B (85,71) before A (78,40), with points, max, index and classification.
    assert appendix_1.index("Sở Ngoại vụ thử nghiệm") < appendix_1.index("Sở Khoa học và Công nghệ thử nghiệm")
    for figure in ["85,71", "78,40", "3,92", "5,00", "2,67", "−0,50", "Khá", "Tốt"]:
        assert figure in appendix_1, figure
    # The legend names the fields behind the column codes.
    assert "Công tác chỉ đạo, điều hành CCHC (4,00 điểm)" in appendix_1


def test_the_subject_line_names_the_blocks_present_as_the_2023_decision_does():
    blocks = {b.code: b for b in Block.objects.all()}
    everyone = [blocks[c] for c in ("so-nganh", "ubnd-huyen", "ubnd-xa", "co-quan-tw")]
    assert subject_units(everyone) == "các sở, ban, ngành; UBND cấp huyện, cấp xã và các cơ quan Trung ương đóng trên địa bàn tỉnh"
    assert subject_units([blocks["so-nganh"]]) == "các sở, ban, ngành"


def test_page_numbers_start_on_page_two_and_the_appendix_is_landscape(published):
    data, pages = SPEC.render(SPEC.build_context(published))
    reader = PdfReader(io.BytesIO(data))
    assert pdf_text(data, 1).startswith("ỦY BAN NHÂN DÂN") and pdf_text(data, 2).startswith("2 ")
    first = reader.pages[0].mediabox
    wide = [p for p in reader.pages if "KẾT QUẢ CHỈ SỐ CẢI CÁCH" in p.extract_text()][0].mediabox
    assert first.width < first.height and wide.width > wide.height


def test_a_hundred_times_more_units_give_more_pages_every_block_in_rank_order_and_repeated_headers(sonv_staff):
    many_units(20)
    period = open_year(sonv_staff)
    score_everyone(period)
    _, few_pages = SPEC.render(SPEC.build_context(approve(period, sonv_staff)))

    many_units(280, prefix="K")
    later = open_year(sonv_staff, year=2024)
    score_everyone(later)
    later = approve(later, sonv_staff, number="88/QĐ-UBND")
    data, pages = SPEC.render(SPEC.build_context(later))
    assert pages > few_pages + 10
    text = pdf_text(data)
    results = text[text.index("KẾT QUẢ CHỈ SỐ CẢI CÁCH") : text.index("ĐÁNH GIÁ MỨC ĐỘ HOÀN THÀNH")]
    district = [row for row in ranking_for_period(later) if row.block.code == "ubnd-huyen"]
    assert len(district) == 300
    positions = [results.index(row.unit.name) for row in district]
    assert positions == sorted(positions)
    page_texts = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]
    assert sum("Điểm đạt theo lĩnh vực" in p for p in page_texts) >= 2
    assert sum("Họ và tên người" in p and "Mức độ hoàn thành" in p for p in page_texts) >= 2


def _page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _numbers_apart(texts: list[str]) -> list[tuple[str, str]]:
    """(page number, the rest) of each page: where the number falls in the extracted text depends
    on the order it was drawn in, not on where it stands on the page."""
    split = []
    for n, text in enumerate(texts, start=1):
        number = str(n) if n > 1 and (text.startswith(f"{n} ") or text.endswith(f" {n}")) else ""
        rest = text if not number else (text[len(number) + 1 :] if text.startswith(f"{n} ") else text[: -len(number) - 1])
        split.append((number, rest))
    return split


def _two_blocks_of_units(staff, *, publish: bool = True) -> Period:
    many_units(40, block="so-nganh", prefix="S")
    many_units(110, prefix="K")
    period = open_year(staff)
    score_everyone(period)
    return approve(period, staff, number="88/QĐ-UBND", publish=publish)


def test_a_decision_laid_out_in_chunks_reads_page_for_page_as_one_long_run(sonv_staff, monkeypatch):
    context = SPEC.build_context(_two_blocks_of_units(sonv_staff))
    whole, whole_pages = render_pdf(template=SPEC.template, context=context)
    # Small chunks, so that the appendices are cut many times: mid-table and around block headings.
    monkeypatch.setattr(rendering, "CHUNK_PIECES", 23)
    parts, parts_pages = SPEC.render(context)

    assert parts_pages == whole_pages == len(_page_texts(parts)) > 10
    # The same rows on each page, and every page but the first numbered, on from page to page.
    assert _numbers_apart(_page_texts(parts)) == _numbers_apart(_page_texts(whole))
    assert [number for number, _ in _numbers_apart(_page_texts(parts))] == [""] + [str(n) for n in range(2, parts_pages + 1)]
    reader = PdfReader(io.BytesIO(parts))
    assert reader.metadata["/Title"] == context["meta"]["title"]
    landscape = [p.mediabox.width > p.mediabox.height for p in reader.pages]
    assert landscape == [p.mediabox.width > p.mediabox.height for p in PdfReader(io.BytesIO(whole)).pages]


def test_a_decision_laid_out_on_two_processes_has_every_row_in_order_and_numbers_on(sonv_staff, monkeypatch, settings):
    context = SPEC.build_context(_two_blocks_of_units(sonv_staff))
    whole, whole_pages = render_pdf(template=SPEC.template, context=context)
    monkeypatch.setattr(rendering, "CHUNK_PIECES", 23)
    settings.DOCUMENT_PARALLEL_FROM_PIECES = 0
    parts, parts_pages = SPEC.render(context)

    def rows(data):
        return re.findall(r"UBND đơn vị thử nghiệm [SK]\d{5}", " ".join(_page_texts(data)))

    assert rows(parts) == rows(whole) and len(rows(whole)) == 2 * 150
    # Phụ lục I is shared between the two processes: its second half starts on a new page.
    assert whole_pages <= parts_pages <= whole_pages + 1
    assert [number for number, _ in _numbers_apart(_page_texts(parts))] == [""] + [str(n) for n in range(2, parts_pages + 1)]
    assert SPEC.render(context)[0] == parts  # the same bytes every time


def test_a_flow_failing_in_a_forked_process_fails_the_rendering_with_its_error(sonv_staff, monkeypatch, settings):
    context = SPEC.build_context(_two_blocks_of_units(sonv_staff))
    settings.DOCUMENT_PARALLEL_FROM_PIECES = 0
    monkeypatch.setattr(rendering, "CHUNK_PIECES", 50)
    real = rendering._html_document

    def broken_heads(template, part):
        if part.get("part") == "heads" and os.getpid() != parent:
            raise ValueError("hết bộ nhớ giả lập")
        return real(template, part)

    parent = os.getpid()
    monkeypatch.setattr(rendering, "_html_document", broken_heads)
    with pytest.raises(RuntimeError, match="ValueError: hết bộ nhớ giả lập"):
        SPEC.render(context)


def test_a_draft_laid_out_in_chunks_is_marked_on_every_page(sonv_staff, monkeypatch):
    monkeypatch.setattr(rendering, "CHUNK_PIECES", 23)
    data, _ = SPEC.render(SPEC.build_context(_two_blocks_of_units(sonv_staff, publish=False)))
    assert all("DỰ THẢO" in page for page in _page_texts(data))


def test_the_fonts_embedded_are_the_shipped_liberation_serif(published, request_and_render):
    embedded = embedded_fonts(rendered(request_and_render(published)))
    assert set(embedded) >= {"Liberation Serif", "Liberation Serif Bold", "Liberation Serif Italic"}
    assert embedded.items() <= shipped_fonts().items()


def test_the_same_data_gives_the_same_bytes_and_one_row(published, request_and_render):
    doc = request_and_render(published)
    rendered(doc)
    assert services.document_request(actor=None, kind="decision", subject=published).pk == doc.pk
    assert GeneratedDocument.objects.count() == 1
    again, _ = SPEC.render(SPEC.build_context(published))
    assert hashlib.sha256(again).hexdigest() == doc.sha256 and doc.filename == "quyet-dinh-phe-duyet-chi-so-cchc-2023.pdf"
    assert PdfReader(io.BytesIO(again)).metadata["/CreationDate"].startswith("D:20240223")


def test_before_the_councils_approval_there_is_no_decision(scored):
    with pytest.raises(services.DocumentError, match="Hội đồng thẩm định đã thông qua"):
        services.document_request(actor=scored.staff, kind="decision", subject=scored.period)


def test_an_approval_not_yet_published_prints_as_a_draft(scored):
    period = approve(scored.period, scored.staff, publish=False)
    context = SPEC.build_context(period)
    assert context["draft"] and context["file_stem"].endswith("-du-thao")
    text = pdf_text(SPEC.render(context)[0])
    assert "DỰ THẢO" in text and "Số: 519/QĐ-UBND" in text


# --- Who sees and asks ---------------------------------------------------------------------------


def panel_url(period):
    return reverse("reports:panel", args=["decision", period.pk])


def test_unit_editors_get_the_decision_only_once_published(client_of, unit_a_editor, sonv_staff, scored, request_and_render):
    period = approve(scored.period, sonv_staff, publish=False)
    draft = request_and_render(period, sonv_staff)
    client = client_of(unit_a_editor)
    assert client.get(panel_url(period)).status_code == 404
    assert client.get(reverse("reports:download", args=[draft.pk])).status_code == 404
    page = client.get(reverse("scoring:period_detail", args=[period.year])).content.decode()
    assert panel_url(period) not in page

    period = move(period, Phase.APPROVED, sonv_staff)
    final = request_and_render(period, sonv_staff)
    assert final.pk != draft.pk
    assert client.get(panel_url(period)).status_code == 200
    assert client.get(reverse("reports:download", args=[final.pk])).status_code == 200
    assert client.post(reverse("reports:request", args=["decision", period.pk])).status_code == 403
    assert panel_url(period) in client.get(reverse("scoring:period_detail", args=[period.year])).content.decode()


def test_staff_ask_council_and_leaders_read_and_others_see_nothing(
    client_of, sonv_staff, council_member, leader, inspector, outsider, published, django_capture_on_commit_callbacks
):
    staff = client_of(sonv_staff)
    assert "Quyết định phê duyệt (PDF)" in staff.get(panel_url(published)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(reverse("reports:request", args=["decision", published.pk]), HTTP_HX_REQUEST="true").status_code == 200
    doc = GeneratedDocument.objects.get(kind="decision")
    for user in (council_member, leader):
        client = client_of(user)
        assert client.get(reverse("reports:download", args=[doc.pk])).status_code == 200
        assert client.post(reverse("reports:request", args=["decision", published.pk])).status_code == 403
    for user in (inspector, outsider):
        client = client_of(user)
        assert client.get(panel_url(published)).status_code == 404
        assert client.get(reverse("reports:download", args=[doc.pk])).status_code == 404


def test_a_district_block_gets_its_own_table_and_is_named_in_the_subject(published, sonv_staff):
    UnitFactory(code="H-TH", name="UBND huyện Thạch Hà thử nghiệm", block=Block.objects.get(code="ubnd-huyen"))
    later = open_year(sonv_staff, year=2024)
    score_everyone(later)
    context = SPEC.build_context(approve(later, sonv_staff, number="88/QĐ-UBND"))
    assert [b["heading"] for b in context["results"]] == ["I. KHỐI SỞ, BAN, NGÀNH CẤP TỈNH", "II. KHỐI UBND HUYỆN, THỊ XÃ, THÀNH PHỐ"]
    assert context["subject_line"].endswith("của các sở, ban, ngành và UBND cấp huyện")
    assert [f["code"] for f in context["results"][1]["fields"]] == ["1", "2"]
