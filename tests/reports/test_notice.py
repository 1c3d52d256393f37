"""The inspection conclusion notice as a PDF: its content, its font, its determinism and the rows
that record it."""

import datetime
import hashlib
import io
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from inspections.models import Finding
from reports import services
from reports import spec as spec_module
from reports.models import GeneratedDocument
from reports.notice import place_date
from reports.registry import KINDS
from reports.rendering import render_pdf
from reports.selectors import document_list, panel_state

from .conftest import D, add, conclude, embedded_fonts, pdf_text, rendered, shipped_fonts

pytestmark = pytest.mark.django_db
SPEC = KINDS["notice"]


@pytest.fixture
def request_and_render(django_capture_on_commit_callbacks):
    """Ask for the notice as a user would; the task runs in-process (eager) after the commit."""

    def run(visit, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.document_request(actor=actor, kind="notice", subject=visit)

    return run


def test_the_notice_shows_title_units_team_findings_and_deadlines_with_their_diacritics(concluded_a, request_and_render, sonv_staff):
    doc = request_and_render(concluded_a, sonv_staff)
    text = pdf_text(rendered(doc))
    for expected in [
        "UBND TỈNH HÀ TĨNH",
        "ĐOÀN KIỂM TRA CÔNG TÁC CCHC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 45/TB-ĐKT",
        "Hà Tĩnh, ngày 12 tháng 6 năm 2023",
        "THÔNG BÁO",
        "Kết luận kiểm tra công tác cải cách hành chính tại Sở Khoa học và Công nghệ thử nghiệm và UBND xã Đức Lĩnh thử nghiệm",
        "Thực hiện Kế hoạch số 125/KH-UBND của UBND tỉnh về kiểm tra công tác CCHC năm 2023;",
        "Ngày 25/05/2023, Tổ công tác số 1",
        "Bùi Văn Sơn",
        "Ban hành kịp thời kế hoạch CCHC năm 2023.",
        "Chưa cử công chức đi bồi dưỡng kỹ năng (UBND xã Đức Lĩnh thử nghiệm).",
        "UBND xã Đức Lĩnh thử nghiệm: Khắc phục: Chưa cử công chức đi bồi dưỡng kỹ năng. Thời hạn: 15/10/2023.",
        "(chậm nhất ngày 31/12/2023)",
        "Nơi nhận:",
        "TM. ĐOÀN KIỂM TRA TRƯỞNG ĐOÀN",
        "Lê Thị Thu",
        "TỔNG HỢP KIẾN NGHỊ VÀ THỜI HẠN KHẮC PHỤC",
    ]:
        assert expected in text, expected
    # Fields in the order of the index (1 before 5 before 7); the appendix by deadline.
    assert text.index("Công tác chỉ đạo, điều hành CCHC") < text.index("Cải cách chế độ công vụ") < text.index("Xây dựng và phát triển chính quyền điện tử")
    appendix = text[text.index("TỔNG HỢP KIẾN NGHỊ") :]
    assert appendix.index("30/09/2023") < appendix.index("15/10/2023") < appendix.index("31/12/2023")
    # Fields without findings are left out.
    assert "Cải cách tài chính công" not in text


def test_page_numbers_start_on_page_two_at_the_top(concluded_a, request_and_render):
    data = rendered(request_and_render(concluded_a))
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    assert pdf_text(data, 1).startswith("UBND TỈNH HÀ TĨNH")
    assert pdf_text(data, 2).startswith("2 ")


def test_the_place_and_date_line_follows_decree_30_for_leading_zeros():
    assert place_date("Hà Tĩnh", D(2024, 2, 3)) == "Hà Tĩnh, ngày 03 tháng 02 năm 2024"
    assert place_date("Hà Tĩnh", D(2023, 11, 23)) == "Hà Tĩnh, ngày 23 tháng 11 năm 2023"


def test_the_province_name_comes_from_the_setting(concluded_a, settings):
    settings.PROVINCE_NAME = "Đồng Tháp"
    context = SPEC.build_context(concluded_a)
    assert context["agency_parent"] == "UBND TỈNH ĐỒNG THÁP"
    assert context["place_date"].startswith("Đồng Tháp, ngày 12")


def test_the_fonts_embedded_are_the_shipped_liberation_serif_in_four_styles(concluded_a, request_and_render):
    data = rendered(request_and_render(concluded_a))
    names = {str(f.get_object()["/BaseFont"]).split("+", 1)[1] for p in PdfReader(io.BytesIO(data)).pages for f in p["/Resources"]["/Font"].values()}
    assert names == {"Liberation-Serif-CCHC", "Liberation-Serif-CCHC-Bold", "Liberation-Serif-CCHC-Italic", "Liberation-Serif-CCHC-Bold-Italic"}
    embedded, shipped = embedded_fonts(data), shipped_fonts()
    # Each embedded subset is the very build shipped in static/fonts (Liberation Serif 2, full
    # Vietnamese), not Debian's Liberation 1.x nor a fallback font.
    assert embedded == shipped
    assert all(version.startswith("Version 2.") for version, _ in embedded.values())


def test_every_string_of_the_context_is_nfc_even_when_typed_decomposed(concluded_a):
    decomposed = unicodedata.normalize("NFD", "Bộ phận một cửa chưa niêm yết thủ tục.")
    Finding.objects.filter(visit=concluded_a, field="7").update(text=decomposed)
    context = SPEC.build_context(concluded_a)
    line = context["fields"][-1]["parts"][0]["lines"][0]
    assert line.startswith("Bộ phận một cửa chưa niêm yết thủ tục") and unicodedata.is_normalized("NFC", line)
    assert "Bộ phận một cửa chưa niêm yết thủ tục" in pdf_text(render_pdf(template=SPEC.template, context=context)[0])


def test_the_same_data_renders_to_the_same_bytes_with_dates_from_the_data(concluded_a):
    context = SPEC.build_context(concluded_a)
    first, _ = render_pdf(template=SPEC.template, context=context)
    second, _ = render_pdf(template=SPEC.template, context=SPEC.build_context(concluded_a))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"].startswith("D:20230612")


def test_rendering_a_row_twice_overwrites_the_same_file_with_the_same_bytes(concluded_a, request_and_render):
    doc = request_and_render(concluded_a)
    data = rendered(doc)
    # A second delivery of the task after success does nothing.
    assert services.document_render(document_id=doc.pk).attempts == 1
    # A forced second rendering (the row failed meanwhile, say) gives the same file, same place.
    GeneratedDocument.objects.filter(pk=doc.pk).update(status=GeneratedDocument.Status.FAILED)
    again = services.document_render(document_id=doc.pk)
    assert again.attempts == 2 and again.file.name == doc.file.name and again.sha256 == hashlib.sha256(data).hexdigest()
    assert rendered(again) == data
    folder = Path(settings.MEDIA_ROOT) / "documents" / "notice"
    assert [p.name for p in folder.iterdir()] == [f"{doc.pk}.pdf"]
    assert GeneratedDocument.objects.count() == 1


def test_asking_again_with_unchanged_data_returns_the_same_row_and_queues_nothing(concluded_a, request_and_render, django_capture_on_commit_callbacks):
    doc = request_and_render(concluded_a)
    with django_capture_on_commit_callbacks() as callbacks:
        again = services.document_request(actor=None, kind="notice", subject=concluded_a)
    assert again.pk == doc.pk and callbacks == [] and GeneratedDocument.objects.count() == 1


def test_after_a_finding_changes_the_old_document_is_out_of_date_and_a_new_request_makes_a_new_row(
    concluded_a, request_and_render, sonv_staff
):
    old = request_and_render(concluded_a)
    assert not panel_state(user=sonv_staff, spec=SPEC, subject=concluded_a).out_of_date
    Finding.objects.filter(visit=concluded_a, field="7").update(deadline=datetime.date(2024, 3, 31))
    state = panel_state(user=sonv_staff, spec=SPEC, subject=concluded_a)
    assert state.document == old and state.out_of_date and state.offer_request
    new = request_and_render(concluded_a, sonv_staff)
    assert new.pk != old.pk and GeneratedDocument.objects.count() == 2
    assert "31/03/2024" in pdf_text(rendered(new)) and "31/03/2024" not in pdf_text(rendered(old))
    assert not panel_state(user=sonv_staff, spec=SPEC, subject=concluded_a).out_of_date
    superseded = {d.pk: d.superseded for d in document_list(user=sonv_staff)}
    assert superseded == {old.pk: True, new.pk: False}


def test_a_failed_render_records_the_error_and_asking_again_queues_the_same_row(concluded_a, request_and_render, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("máy in ảo hỏng")

    monkeypatch.setattr(spec_module, "render_pdf", broken)
    request_and_render(concluded_a)  # the request itself succeeds: the failure is the row's
    doc = GeneratedDocument.objects.get()
    assert doc.status == GeneratedDocument.Status.FAILED and "máy in ảo hỏng" in doc.error and doc.finished_at
    assert doc.attempts == 1  # eager mode: Celery's retry is scheduled, not run in-process
    monkeypatch.undo()
    again = request_and_render(concluded_a)
    assert again.pk == doc.pk and rendered(again).startswith(b"%PDF")


def test_data_changed_between_request_and_rendering_fails_the_row_without_printing_newer_data(concluded_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        doc = services.document_request(actor=None, kind="notice", subject=concluded_a)
    Finding.objects.filter(visit=concluded_a, field="7").update(text="Nội dung mới")
    for callback in callbacks:
        callback()
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.FAILED and "Dữ liệu đã thay đổi" in doc.error and not doc.file


def test_only_a_concluded_visit_has_a_notice(visit_a):
    add(visit_a)
    with pytest.raises(services.DocumentError, match="đã có kết luận"):
        services.document_request(actor=None, kind="notice", subject=visit_a)
    assert not GeneratedDocument.objects.exists()


def test_the_page_count_grows_with_the_number_of_findings(visit_a, visit_b, request_and_render):
    for i in range(5):
        add(visit_a, text=f"Tồn tại số {i + 1} của đơn vị A.")
    for i in range(80):
        add(visit_b, field=str(1 + i % 8), text=f"Tồn tại số {i + 1}: hồ sơ một cửa chưa được số hóa đầy đủ theo quy định.")
    small = request_and_render(conclude(visit_a))
    large = request_and_render(conclude(visit_b, number="48/TB-ĐKT"))
    rendered(small), rendered(large)
    small.refresh_from_db(), large.refresh_from_db()
    assert small.pages <= 4 and large.pages > small.pages + 5
    text = pdf_text(rendered(large))
    assert "Tồn tại số 80: hồ sơ một cửa" in text
    # The appendix table repeats its header on every page it spans.
    reader = PdfReader(io.BytesIO(rendered(large)))
    appendix_pages = [p.extract_text() for p in reader.pages if "Tồn tại số" in p.extract_text() and "Đơn vị thực hiện" in p.extract_text()]
    assert len(appendix_pages) >= 3


def test_the_task_runs_on_the_documents_queue_with_time_limits_and_retries():
    from cchc.celery import app
    from reports.tasks import render_document_task as task

    assert app.amqp.router.route({}, task.name)["queue"].name == "documents"
    assert (task.acks_late, task.max_retries, task.soft_time_limit, task.time_limit) == (True, 3, 120, 150)
    assert task.autoretry_for == (Exception,) and task.retry_backoff
