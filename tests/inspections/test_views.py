import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from inspections import services
from inspections.models import Finding, RemediationEvidence, Visit
from tests.factories import UnitFactory

from .conftest import PDF, add_shortcoming, pdf_upload

pytestmark = pytest.mark.django_db


def _finding_post(**overrides):
    data = {
        "field": "7",
        "kind": "shortcoming",
        "text": "Tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3, 4 còn thấp.",
        "recommendation": "Đẩy mạnh dịch vụ công trực tuyến.",
        "severity": "high",
        "deadline": "2023-12-31",
    }
    return {**data, **overrides}


# --- Inspector quick entry --------------------------------------------------------------------


def test_the_inspector_adds_a_shortcoming_with_htmx_and_gets_the_form_and_the_list_back(client_of, inspector, visit_a, unit_a):
    client = client_of(inspector)
    response = client.post(
        reverse("inspections:finding_add", args=[visit_a.pk]), _finding_post(owner_unit=unit_a.pk), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="finding-form"') and 'id="findings" hx-swap-oob="true"' in body
    assert "Tỷ lệ hồ sơ dịch vụ công trực tuyến" in body
    finding = Finding.objects.get()
    assert finding.created_by == inspector and finding.severity == "high" and finding.status == "open"


def test_an_invalid_quick_entry_returns_the_form_with_the_error_and_saves_nothing(client_of, inspector, visit_a, unit_a):
    response = client_of(inspector).post(
        reverse("inspections:finding_add", args=[visit_a.pk]), _finding_post(recommendation="", owner_unit=unit_a.pk), HTTP_HX_REQUEST="true"
    )
    assert "Tồn tại, hạn chế cần có kiến nghị." in response.content.decode() and not Finding.objects.exists()


def test_the_inspector_edits_and_deletes_their_own_finding_inline(client_of, inspector, shortcoming_a):
    client = client_of(inspector)
    url = reverse("inspections:finding_edit", args=[shortcoming_a.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="finding-{shortcoming_a.pk}"' in form and f"f{shortcoming_a.pk}-text" in form
    prefix = f"f{shortcoming_a.pk}-"
    data = {prefix + k: v for k, v in _finding_post(text="Nội dung đã sửa", owner_unit=shortcoming_a.owner_unit_id).items()}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert 'id="findings"' in response.content.decode() and "Nội dung đã sửa" in response.content.decode()
    client.post(reverse("inspections:finding_delete", args=[shortcoming_a.pk]), HTTP_HX_REQUEST="true")
    assert not Finding.objects.exists()
    assert AuditEvent.objects.filter(action="finding.delete").exists()


def test_an_inspector_of_another_team_cannot_see_or_record_on_the_visit(client_of, inspector, visit_b, shortcoming_b):
    client = client_of(inspector)
    assert client.get(reverse("inspections:visit", args=[visit_b.pk])).status_code == 404
    assert client.post(reverse("inspections:finding_add", args=[visit_b.pk]), _finding_post()).status_code == 404
    assert client.get(reverse("inspections:finding", args=[shortcoming_b.pk])).status_code == 404
    assert client.post(reverse("inspections:finding_delete", args=[shortcoming_b.pk])).status_code == 404
    schedule = client.get(reverse("inspections:schedule")).content.decode()
    assert visit_b.unit.name not in schedule


def test_an_inspector_may_not_edit_a_colleagues_finding(client_of, inspector, visit_a, sonv_staff):
    finding = add_shortcoming(visit_a, actor=sonv_staff)
    assert client_of(inspector).post(reverse("inspections:finding_delete", args=[finding.pk])).status_code == 403
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_the_visit_page_shows_findings_by_field_and_warnings(client_of, inspector, visit_a, shortcoming_a, unit_a, plan, team_1):
    from inspections.models import DelegationMember

    team_1.members.add(DelegationMember.objects.create(plan=plan, full_name="Người Cùng Đơn Vị", unit=unit_a))
    page = client_of(inspector).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    assert "7. Xây dựng và phát triển chính quyền điện tử, chính quyền số" in page
    assert "Người Cùng Đơn Vị công tác tại" in page
    assert 'id="finding-form"' in page


def test_the_team_marks_the_visit_done_and_staff_conclude_it(client_of, inspector, sonv_staff, visit_a):
    client_of(inspector).post(reverse("inspections:visit_done", args=[visit_a.pk]))
    assert Visit.objects.get(pk=visit_a.pk).status == "done"
    assert client_of(inspector).get(reverse("inspections:visit_conclude", args=[visit_a.pk])).status_code == 403
    response = client_of(sonv_staff).post(
        reverse("inspections:visit_conclude", args=[visit_a.pk]),
        {"number": "45/TB-ĐKT", "date": "12/06/2023", "signer_name": "Lê Thị Thu", "signer_title": "Phó Giám đốc Sở Nội vụ"},
    )
    assert response.status_code == 302
    page = client_of(sonv_staff).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    assert "Thông báo kết luận kiểm tra số 45/TB-ĐKT" in page and 'id="finding-form"' not in page


# --- Remediation by the unit and review by staff ------------------------------------------------


def test_the_unit_sees_its_open_shortcomings_and_reports_with_evidence(client_of, unit_a_editor, shortcoming_a, shortcoming_b):
    client = client_of(unit_a_editor)
    page = client.get(reverse("inspections:remediation")).content.decode()
    assert shortcoming_a.text in page and shortcoming_b.text not in page
    response = client.post(
        reverse("inspections:finding_report", args=[shortcoming_a.pk]),
        {"text": "Đã ban hành Kế hoạch số 15/KH-UBND.", "files": [pdf_upload("Kế hoạch 15.pdf")]},
    )
    assert response.status_code == 302
    shortcoming_a.refresh_from_db()
    assert shortcoming_a.status == "reported" and RemediationEvidence.objects.get().original_name == "Kế hoạch 15.pdf"


def test_an_exe_renamed_to_pdf_is_refused_on_the_report_form(client_of, unit_a_editor, shortcoming_a):
    response = client_of(unit_a_editor).post(
        reverse("inspections:finding_report", args=[shortcoming_a.pk]),
        {"text": "Xem tệp.", "files": [pdf_upload("bao-cao.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)]},
    )
    assert response.status_code == 400 and "không đúng định dạng" in response.content.decode()
    shortcoming_a.refresh_from_db()
    assert shortcoming_a.status == "open" and not RemediationEvidence.objects.exists()


def test_a_unit_editor_gets_404_on_another_units_finding_report_and_evidence(client_of, unit_b_editor, reported_a):
    client = client_of(unit_b_editor)
    evidence = RemediationEvidence.objects.get()
    assert client.get(reverse("inspections:finding", args=[reported_a.pk])).status_code == 404
    assert client.post(reverse("inspections:finding_report", args=[reported_a.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("inspections:evidence", args=[evidence.pk])).status_code == 404
    assert reported_a.text not in client.get(reverse("inspections:remediation")).content.decode()


def test_evidence_is_served_as_an_attachment_to_the_unit_and_to_staff_only(client_of, unit_a_editor, sonv_staff, outsider, reported_a):
    evidence = RemediationEvidence.objects.get()
    url = reverse("inspections:evidence", args=[evidence.pk])
    for user in (unit_a_editor, sonv_staff):
        response = client_of(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content) == PDF
    assert client_of(outsider).get(url).status_code == 404


def test_staff_accept_one_report_and_return_another_with_a_comment(client_of, sonv_staff, reported_a, shortcoming_b, unit_b_editor):
    services.finding_report_remediation(actor=unit_b_editor, finding=shortcoming_b, text="Đã tổ chức lớp bồi dưỡng.", files=[])
    client = client_of(sonv_staff)
    queue = client.get(reverse("inspections:review")).content.decode()
    assert reported_a.text in queue and shortcoming_b.text in queue
    client.post(reverse("inspections:finding_accept", args=[reported_a.pk]), {"comment": "", "next": reverse("inspections:review")})
    refused = client.post(reverse("inspections:finding_return", args=[shortcoming_b.pk]), {"comment": ""}, follow=True)
    assert "cần ghi rõ lý do" in refused.content.decode()
    client.post(reverse("inspections:finding_return", args=[shortcoming_b.pk]), {"comment": "Thiếu danh sách học viên."})
    assert Finding.objects.get(pk=reported_a.pk).status == "closed"
    assert Finding.objects.get(pk=shortcoming_b.pk).status == "returned"
    page = client_of(unit_b_editor).get(reverse("inspections:finding", args=[shortcoming_b.pk])).content.decode()
    assert "Thiếu danh sách học viên." in page and "Gửi báo cáo" in page


def test_the_finding_history_shows_each_step_with_its_status_and_comment(client_of, sonv_staff, reported_a):
    services.finding_return(actor=sonv_staff, finding=reported_a, comment="Thiếu danh sách học viên.")
    page = client_of(sonv_staff).get(reverse("inspections:finding", args=[reported_a.pk])).content.decode()
    history = page[page.index("audit-timeline history") :]
    for label in ("Ghi kết quả kiểm tra", "Đơn vị báo cáo khắc phục", "Sở Nội vụ trả lại báo cáo"):
        assert label in history
    returned = Finding.Status.RETURNED.label
    assert f'Tình trạng khắc phục: <span class="text-muted">{Finding.Status.REPORTED.label}</span> → {returned}' in history
    assert "Lý do: Thiếu danh sách học viên." in history


def test_a_unit_editor_cannot_review(client_of, unit_a_editor, reported_a):
    client = client_of(unit_a_editor)
    assert client.post(reverse("inspections:finding_accept", args=[reported_a.pk])).status_code == 403
    assert Finding.objects.get(pk=reported_a.pk).status == "reported"


def test_a_district_sees_the_communes_findings_of_its_visit_but_only_the_commune_reports(client_of, inspector, visit_a, unit_a_editor):
    commune = UnitFactory(name="UBND xã Thạch Văn")
    visit_a.also_units.add(commune)
    finding = add_shortcoming(visit_a, actor=inspector, owner_unit=commune)
    page = client_of(unit_a_editor).get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert finding.text in page and "Gửi báo cáo" not in page
    assert client_of(unit_a_editor).post(reverse("inspections:finding_report", args=[finding.pk]), {"text": "x"}).status_code == 403


def test_the_overdue_item_is_listed_for_staff_after_the_task(client_of, sonv_staff, shortcoming_a):
    services.findings_mark_overdue(today=datetime.date(2024, 1, 2))
    page = client_of(sonv_staff).get(reverse("inspections:overdue")).content.decode()
    assert shortcoming_a.text in page and "Quá hạn" in page


# --- Pages by role ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["inspections:plan_create", "inspections:review", "inspections:tracker_import"]
)
def test_staff_only_pages_are_forbidden_to_other_roles(client_of, unit_a_editor, inspector, leader, name):
    for user in (unit_a_editor, inspector, leader):
        assert client_of(user).get(reverse(name)).status_code == 403


def test_inspection_pages_are_forbidden_to_unit_editors(client_of, unit_a_editor, visit_a, plan):
    client = client_of(unit_a_editor)
    for url in (reverse("inspections:plans"), reverse("inspections:schedule"), reverse("inspections:plan", args=[plan.pk]), reverse("inspections:visit", args=[visit_a.pk])):
        assert client.get(url).status_code == 403


def test_the_menu_offers_each_role_its_entry(client_of, unit_a_editor, inspector):
    assert "Khắc phục tồn tại" in client_of(unit_a_editor).get(reverse("home")).content.decode()
    assert "Kiểm tra" in client_of(inspector).get(reverse("home")).content.decode()


def test_staff_create_a_plan_a_team_and_a_visit_through_the_pages(client_of, sonv_staff, unit_a, unit_b):
    client = client_of(sonv_staff)
    response = client.post(
        reverse("inspections:plan_create"),
        {"year": 2024, "title": "Kế hoạch kiểm tra 2024", "issuer": "UBND tỉnh", "content_areas": ["1", "3", "7"], "min_districts": 0, "min_communes_per_district": 0, "min_departments": 1},
    )
    assert response.status_code == 302
    from inspections.models import InspectionPlan

    plan = InspectionPlan.objects.get(year=2024)
    assert plan.content_areas == ["1", "3", "7"]
    client.post(reverse("inspections:delegation", args=[plan.pk]), {"m-full_name": "Bùi Văn Sơn", "m-unit": unit_b.pk, "m-role": "member"})
    member = plan.members.get()
    client.post(reverse("inspections:team_create", args=[plan.pk]), {"t-number": 1, "t-leader": member.pk})
    team = plan.teams.get()
    response = client.post(
        reverse("inspections:visit_create", args=[plan.pk]),
        {"team": team.pk, "unit": unit_a.pk, "start_date": "2024-05-20", "end_date": "2024-05-20", "form": "unannounced"},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.form == "unannounced"
    page = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert "Sở, ban, ngành" in page and "đạt" in page


@pytest.mark.parametrize("n", [2, 25])
def test_list_pages_run_a_constant_number_of_queries(client_of, sonv_staff, visit_a, inspector, unit_a_editor, django_assert_max_num_queries, n):
    for i in range(n):
        finding = add_shortcoming(visit_a, actor=inspector)
        services.finding_report_remediation(actor=unit_a_editor, finding=finding, text="Đã làm.", files=[pdf_upload()])
        day = datetime.date(2023, 6, 1) + datetime.timedelta(days=i)
        Visit.objects.create(plan=visit_a.plan, team=visit_a.team, unit=UnitFactory(), start_date=day, end_date=day).also_units.add(UnitFactory())
    # The plan and visit pages read the roster of the plan's year (the blocks units were in then).
    budgets = {
        reverse("inspections:tracker"): 12,
        reverse("inspections:review"): 11,
        reverse("inspections:overdue"): 8,
        reverse("inspections:schedule"): 16,
        reverse("inspections:plan", args=[visit_a.plan.pk]): 17,
        reverse("inspections:visit", args=[visit_a.pk]): 16,
        reverse("inspections:handovers"): 9,
    }
    staff = client_of(sonv_staff)
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert staff.get(url).status_code == 200
    editor = client_of(unit_a_editor)
    with django_assert_max_num_queries(10):
        assert editor.get(reverse("inspections:remediation")).status_code == 200


def test_the_tracker_exports_xlsx_with_the_import_columns(client_of, sonv_staff, leader, shortcoming_a):
    from openpyxl import load_workbook
    import io

    response = client_of(leader).get(reverse("inspections:tracker_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == services.STATUS_COLUMNS and rows[1][0] == shortcoming_a.pk and rows[1][7] == "open"


def test_a_bad_import_file_shows_every_error_and_changes_nothing(client_of, sonv_staff, reported_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.tabular import write_csv

    data = write_csv(services.STATUS_COLUMNS, [[reported_a.pk, "", "", "", "", "", "", "returned", ""]])
    response = client_of(sonv_staff).post(reverse("inspections:tracker_import"), {"file": SimpleUploadedFile("tt.csv", data)})
    assert response.status_code == 400 and "cột comment" in response.content.decode()
    assert Finding.objects.get(pk=reported_a.pk).status == "reported"
