import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import Assessment, Evidence
from scoring.services import evidence_add

from .conftest import EXE, PDF, assessment_of, fill_self, generated_csv, open_period, row

pytestmark = pytest.mark.django_db


def post_row(client, score, value, note="", **extra):
    return client.post(
        reverse("scoring:score_self", args=[score.pk]),
        {"value": value, "note": note, "version": score.version, **extra},
        HTTP_HX_REQUEST="true",
    )


def test_the_menu_leads_a_unit_editor_to_their_units_assessment(cycle, client_of):
    client = client_of(cycle.editor_a)
    assert 'href="/chi-so/tu-danh-gia/"' in client.get("/").content.decode()
    response = client.get(reverse("scoring:my_assessment"))
    assert response.status_code == 302 and response.url == reverse("scoring:assessment_detail", args=[cycle.a.pk])


def _active_menu_entry(response) -> str | None:
    found = re.search(r'class="nav-link active" aria-current="page" href="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


def test_the_menu_lights_the_entry_a_page_belongs_to_not_the_periods_entry_above_every_address(cycle, client_of):
    sheet = reverse("scoring:assessment_detail", args=[cycle.a.pk])
    editor = client_of(cycle.editor_a)
    assert _active_menu_entry(editor.get(sheet)) == reverse("scoring:my_assessment")
    member = client_of(cycle.member)
    assert _active_menu_entry(member.get(reverse("scoring:appraisal_queue"))) == reverse("scoring:appraisal_queue")
    assert _active_menu_entry(member.get(sheet)) == reverse("scoring:appraisal_queue")
    staff = client_of(cycle.staff)
    assert _active_menu_entry(staff.get(reverse("scoring:results_ranking_first", args=[2024]), follow=True)) == reverse("scoring:results_home")
    # Staff have no "Tự đánh giá" entry: a unit's sheet belongs to the periods they manage.
    assert _active_menu_entry(staff.get(sheet)) == reverse("scoring:period_list")
    assert _active_menu_entry(staff.get(reverse("scoring:period_detail", args=[2024]))) == reverse("scoring:period_list")


def test_the_self_assessment_page_groups_rows_by_field_with_totals_progress_and_forms(cycle, client_of):
    page = client_of(cycle.editor_a).get(reverse("scoring:assessment_detail", args=[cycle.a.pk])).content.decode()
    for text in ("Tự đánh giá — Sở Khoa học và Công nghệ thử nghiệm", "1. Công tác chỉ đạo, điều hành CCHC", "Đã chấm <strong>0</strong>/35",
                 "Lưu 1.1.1", "Điểm điều tra xã hội học", "Nộp bản tự đánh giá", 'id="field-total-2"', "Tải tài liệu kiểm chứng"):
        assert text in page, text
    assert "<script>" not in page and "hx-on" not in page and "onclick" not in page


def test_an_inline_save_returns_the_row_and_the_new_totals_out_of_band(cycle, client_of):
    score = row(cycle.a, "2.3")
    response = post_row(client_of(cycle.editor_a), score, "1,5", note="Báo cáo số 3")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="score-{score.pk}"' in html and "Đã lưu" in html and 'value="3"' not in html.split('name="version"')[0]
    assert 'name="version" value="2"' in html
    assert 'id="field-total-2" class="field-total" hx-swap-oob="true">1,5 / 9<' in html
    assert 'id="self-totals" class="self-totals" hx-swap-oob="true"' in html and "Đã chấm <strong>1</strong>/35" in html
    assert row(cycle.a, "2.3").self_note == "Báo cáo số 3"


def test_a_refused_value_answers_400_with_the_message_on_the_row(cycle, client_of):
    response = post_row(client_of(cycle.editor_a), row(cycle.a, "2.3"), "4")
    assert response.status_code == 400 and "vượt điểm tối đa 3" in response.content.decode()


def test_a_stale_form_answers_409_with_the_current_value(cycle, client_of):
    client = client_of(cycle.editor_a)
    loaded = row(cycle.a, "2.3")
    assert post_row(client, loaded, "3").status_code == 200
    response = post_row(client, loaded, "1,5", note="bản cũ")
    html = response.content.decode()
    assert response.status_code == 409
    assert "vừa được" in html and "thành 3. Hãy xem lại trước khi lưu." in html and "Nội dung bạn định lưu (chưa được lưu): điểm 1,5" in html
    assert 'name="version" value="2"' in html
    assert row(cycle.a, "2.3").self_score == 3


def test_after_submission_the_page_is_read_only_and_says_why(cycle, client_of):
    fill_self(cycle.a)
    client = client_of(cycle.editor_a)
    response = client.post(reverse("scoring:assessment_submit", args=[cycle.a.pk]), {"note": ""})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=cycle.a.pk).status == "open"  # missing evidence, no explanation
    client.post(reverse("scoring:assessment_submit", args=[cycle.a.pk]), {"note": "Tài liệu gửi bản giấy"})
    page = client.get(reverse("scoring:assessment_detail", args=[cycle.a.pk])).content.decode()
    assert "Đơn vị đã nộp bản tự đánh giá ngày" in page and "Lưu 1.1.1" not in page
    assert post_row(client, row(cycle.a, "2.3"), "0").status_code == 400


def test_after_the_deadline_the_page_is_read_only_and_says_why(cycle, client_of):
    cycle.period.self_assessment_deadline = datetime.date.today() - datetime.timedelta(days=2)
    cycle.period.save()
    page = client_of(cycle.editor_a).get(reverse("scoring:assessment_detail", args=[cycle.a.pk])).content.decode()
    assert "Đã quá hạn tự đánh giá" in page and "Lưu 1.1.1" not in page


def test_evidence_is_uploaded_per_row_and_downloaded_as_an_attachment_with_its_vietnamese_name(cycle, client_of):
    client = client_of(cycle.editor_a)
    score = row(cycle.a, "1.1.1")
    upload = SimpleUploadedFile("Quyết định ban hành kế hoạch.pdf", PDF)
    response = client.post(
        reverse("scoring:evidence_upload", args=[score.pk]),
        {"file": upload, "doc_number": "15/QĐ-SKHCN", "doc_date": "2024-02-05", "page_ref": "2", "stage": "self"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Quyết định ban hành kế hoạch.pdf" in html and "Số 15/QĐ-SKHCN, ngày 05/02/2024, tr. 2" in html
    evidence = Evidence.objects.get()
    download = client.get(reverse("scoring:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;") and "filename*=utf-8''Quy%E1%BA%BFt" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_an_executable_renamed_to_pdf_is_refused(cycle, client_of):
    response = client_of(cycle.editor_a).post(
        reverse("scoring:evidence_upload", args=[row(cycle.a, "1.1.1").pk]),
        {"file": SimpleUploadedFile("bao-cao.pdf", EXE), "stage": "self"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400 and "không đúng định dạng được chấp nhận" in response.content.decode()
    assert not Evidence.objects.exists()


def test_files_over_the_size_limit_are_refused(cycle, client_of, settings):
    settings.UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    response = client_of(cycle.editor_a).post(
        reverse("scoring:evidence_upload", args=[row(cycle.a, "1.1.1").pk]), {"file": big, "stage": "self"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and "lớn hơn 1 MB" in response.content.decode()


def test_the_history_of_a_row_lists_every_change(cycle, client_of):
    client = client_of(cycle.editor_a)
    score = row(cycle.a, "2.3")
    post_row(client, score, "1,5")
    post_row(client, row(cycle.a, "2.3"), "3", note="Bổ sung")
    html = client.get(reverse("scoring:score_history", args=[score.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert html.count("Tự đánh giá") == 2 and "1,5</span> → 3" in html and "Bổ sung" in html


def test_unit_b_gets_404_on_every_url_of_unit_as_assessment_rows_history_and_evidence(cycle, client_of):
    score = row(cycle.a, "1.1.1")
    evidence = evidence_add(actor=cycle.editor_a, score=score, upload=SimpleUploadedFile("a.pdf", PDF))
    client = client_of(cycle.editor_b)
    gets = [
        reverse("scoring:assessment_detail", args=[cycle.a.pk]),
        reverse("scoring:assessment_explanation", args=[cycle.a.pk]),
        reverse("scoring:assessment_finalization", args=[cycle.a.pk]),
        reverse("scoring:appraisal_sheet", args=[cycle.a.pk, "2"]),
        reverse("scoring:score_history", args=[score.pk]),
        reverse("scoring:evidence_download", args=[evidence.pk]),
    ]
    posts = [
        reverse("scoring:assessment_submit", args=[cycle.a.pk]),
        reverse("scoring:assessment_reopen", args=[cycle.a.pk]),
        reverse("scoring:conflict_declare", args=[cycle.a.pk]),
        reverse("scoring:score_self", args=[score.pk]),
        reverse("scoring:score_appraise", args=[score.pk]),
        reverse("scoring:score_explain", args=[score.pk]),
        reverse("scoring:score_finalize", args=[score.pk]),
        reverse("scoring:score_return", args=[score.pk]),
        reverse("scoring:evidence_upload", args=[score.pk]),
        reverse("scoring:evidence_delete", args=[evidence.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"value": "0", "version": 1, "note": "x", "reason": "x"}).status_code == 404, url
    assert Evidence.objects.count() == 1 and row(cycle.a, "1.1.1").version == 1


def test_a_leader_reads_no_assessment_before_the_results_are_published(cycle, client_of, leader):
    client = client_of(leader)
    assert client.get(reverse("scoring:assessment_detail", args=[cycle.a.pk])).status_code == 404
    assert post_row(client, row(cycle.a, "2.3"), "3").status_code == 404


def test_the_self_assessment_page_runs_the_same_queries_for_a_small_and_a_large_framework(db, client_of, unit_a_editor):
    counts = []
    for year, shape in ((2024, (1, 1, 2)), (2025, (6, 5, 10))):
        period = open_period(generated_csv(*shape), year=year)
        assessment = assessment_of(period, unit_a_editor.unit)
        client = client_of(unit_a_editor)
        url = reverse("scoring:assessment_detail", args=[assessment.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 20, counts
