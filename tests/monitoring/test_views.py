"""The monitoring pages: thin views over the services, another unit's rows answer 404, bad input
gets a Vietnamese message and never a 500."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Initiative, PlanTask, ReportKind, ReportSubmission, SelfInspection, SubUnit

from .builders import YEAR, monitoring_world, pdf, report_completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit_a, unit_a_editor, sonv_staff):
    return monitoring_world(unit_a=unit_a, unit_a_editor=unit_a_editor, sonv_staff=sonv_staff)


def test_the_menu_entry_is_there_for_staff_leaders_and_unit_contacts_only(client_of, sonv_staff, leader, unit_a_editor, council_member, inspector):
    for user, shown in ((sonv_staff, True), (leader, True), (unit_a_editor, True), (council_member, False), (inspector, False)):
        page = client_of(user).get(reverse("home")).content.decode()
        assert ('href="/theo-doi/"' in page) is shown, user


def test_another_units_rows_do_not_exist_for_a_unit(world, client_of, unit_b_editor, unit_a):
    client = client_of(unit_b_editor)
    urls = [
        reverse("monitoring:task", args=[world["plan_task"].pk]),
        reverse("monitoring:task_evidence", args=[world["task_evidence"].pk]),
        reverse("monitoring:report_file", args=[world["report_submission"].pk]),
        reverse("monitoring:initiative", args=[world["initiative"].pk]),
        reverse("monitoring:initiative_evidence", args=[world["initiative_evidence"].pk]),
        reverse("monitoring:self_unit", args=[unit_a.pk, YEAR]),
        reverse("monitoring:subunit_edit", args=[world["subunit"].pk]),
        reverse("monitoring:self_inspection", args=[world["self_inspection"].pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert client.post(reverse("monitoring:initiative_start", args=[world["initiative"].pk])).status_code == 404
    assert client.post(reverse("monitoring:subunit_remove", args=[world["subunit"].pk])).status_code == 404
    assert Initiative.objects.get().status == Initiative.Status.REGISTERED and SubUnit.objects.get().removed_on is None
    # Nor do they show in its lists.
    assert "Một cửa không chờ" not in client.get(reverse("monitoring:initiatives")).content.decode()
    assert "Nhiệm vụ số 1" not in client.get(reverse("monitoring:my_tasks")).content.decode()


@pytest.mark.parametrize(
    "name, kwargs, query",
    [
        ("monitoring:reports", {"year": 99999}, {}),
        ("monitoring:self_overview", {"year": 1}, {}),
        ("monitoring:self_unit", {"unit_pk": 1, "year": 3000}, {}),
        ("monitoring:plan", {"pk": "plan"}, {"unit": "abc"}),
        ("monitoring:plan", {"pk": "plan"}, {"unit": "99999999999999999999999"}),
        ("monitoring:my_tasks", {}, {"year": "²"}),
    ],
)
def test_what_no_row_can_have_is_a_404_not_a_500(world, client_of, sonv_staff, unit_a_editor, name, kwargs, query):
    kwargs = {k: (world["reform_plan"].pk if v == "plan" else v) for k, v in kwargs.items()}
    user = unit_a_editor if name == "monitoring:my_tasks" else sonv_staff
    assert client_of(user).get(reverse(name, kwargs=kwargs), query).status_code == 404


def test_a_filter_value_that_means_nothing_is_ignored(world, client_of, sonv_staff):
    client = client_of(sonv_staff)
    assert client.get(reverse("monitoring:initiatives"), {"year": "abc", "status": "x", "field": "99"}).status_code == 200
    assert client.get(reverse("monitoring:plan", args=[world["reform_plan"].pk]), {"state": "lost", "field": "x"}).status_code == 200
    assert client.get(reverse("monitoring:self_overview", args=[YEAR]), {"state": "x", "block": "none"}).status_code == 200


def test_staff_import_a_plan_file_and_a_wrong_one_lists_its_errors(world, client_of, sonv_staff, unit_a):
    client = client_of(sonv_staff)
    url = reverse("monitoring:plan_import", args=[world["reform_plan"].pk])
    good = f"stt,nhiem_vu,linh_vuc,don_vi_chu_tri,thoi_han\n2,Rà soát thủ tục,3,{unit_a.code},Quý III\n".encode()
    response = client.post(url, {"file": SimpleUploadedFile("ke-hoach.csv", good)})
    assert response.status_code == 302
    assert PlanTask.objects.get(number="2").deadline == datetime.date(YEAR, 9, 30)
    bad = b"stt,nhiem_vu,linh_vuc,don_vi_chu_tri,thoi_han\n3,,9,KHONG,mai\n"
    response = client.post(url, {"file": SimpleUploadedFile("sai.csv", bad)})
    body = response.content.decode()
    assert response.status_code == 400 and "Tệp chưa được nhập" in body and "Không có đơn vị mã “KHONG”" in body
    assert client.post(url, {"file": SimpleUploadedFile("ke-hoach.txt", good)}).status_code == 200  # the form says .csv or .xlsx


def test_the_unit_reports_with_evidence_staff_accept_and_the_rate_changes(plan, task_a, client_of, unit_a_editor, sonv_staff):
    plan_url = reverse("monitoring:plan", args=[plan.pk])
    staff = client_of(sonv_staff)
    assert "1 nhiệm vụ, hoàn thành 0 = 0,00 %" in staff.get(plan_url).content.decode()
    unit = client_of(unit_a_editor)
    response = unit.post(
        reverse("monitoring:task_report", args=[task_a.pk]),
        {"kind": "completion", "text": "Đã ban hành kế hoạch.", "files": [pdf("Kế hoạch.pdf")]},
    )
    assert response.status_code == 302
    page = unit.get(reverse("monitoring:task", args=[task_a.pk])).content.decode()
    assert "Kế hoạch.pdf" in page and "Đã báo cáo hoàn thành, chờ xác nhận" in page
    staff = client_of(sonv_staff)
    detail = staff.get(reverse("monitoring:task", args=[task_a.pk])).content.decode()
    assert 'data-confirm="Xác nhận' in detail
    assert staff.post(reverse("monitoring:task_accept", args=[task_a.pk])).status_code == 302
    assert "1 nhiệm vụ, hoàn thành 1 = 100,00 %" in staff.get(plan_url).content.decode()


def test_a_completion_without_evidence_is_refused_on_the_form(task_a, client_of, unit_a_editor):
    response = client_of(unit_a_editor).post(reverse("monitoring:task_report", args=[task_a.pk]), {"kind": "completion", "text": "Xong."})
    assert response.status_code == 400 and "ít nhất một tài liệu kiểm chứng" in response.content.decode()
    response = client_of(unit_a_editor).post(reverse("monitoring:task_report", args=[task_a.pk]), {"kind": "progress", "text": "Đang làm."})
    assert response.status_code == 400 and "Nhập tiến độ từ 0 đến 100 %" in response.content.decode()
    assert not task_a.reports.exists()


def test_returning_without_a_reason_is_refused_with_a_message(task_a, client_of, unit_a_editor, sonv_staff):
    report_completion(unit_a_editor, task_a)
    client = client_of(sonv_staff)
    response = client.post(reverse("monitoring:task_return", args=[task_a.pk]), {"comment": ""}, follow=True)
    assert "Khi trả lại cần ghi rõ lý do" in response.content.decode()
    task_a.refresh_from_db()
    assert task_a.status == PlanTask.Status.REPORTED


def test_a_unit_sends_its_report_and_sees_its_state(dues, client_of, unit_a_editor, monkeypatch):
    client = client_of(unit_a_editor)
    due = dues[ReportKind.Q1]
    response = client.post(reverse("monitoring:report_submit", args=[due.pk]), {f"due{due.pk}-file": pdf("Báo cáo quý I.pdf"), f"due{due.pk}-note": "Số 12/BC"})
    assert response.status_code == 302
    page = client.get(reverse("monitoring:reports", args=[YEAR])).content.decode()
    assert "Báo cáo quý I.pdf" in page and "Số 12/BC" in page and "report-state-late" in page  # sent now, due 15/03/2025
    empty = client.post(reverse("monitoring:report_submit", args=[due.pk]), {})
    assert empty.status_code == 400 and "Trường này là bắt buộc" in empty.content.decode()
    assert ReportSubmission.objects.count() == 1


def test_staff_set_the_calendar_with_dates_typed_day_first(client_of, sonv_staff):
    response = client_of(sonv_staff).post(
        reverse("monitoring:report_calendar", args=[YEAR]), {"q1": "14/03/2025", "h1": "14/06/2025", "m9": "14/09/2025", "year": "31/02/2025"}
    )
    assert response.status_code == 200 and "Không có ngày 31/02/2025" in response.content.decode()


def test_remind_now_asks_first_and_says_whom_it_reached(dues, client_of, sonv_staff, unit_a_editor):
    unit_a_editor.email = "a@example.vn"
    unit_a_editor.save()
    client = client_of(sonv_staff)
    page = client.get(reverse("monitoring:reports", args=[YEAR])).content.decode()
    assert 'data-confirm="Gửi ngay thư nhắc' in page
    response = client.post(reverse("monitoring:report_remind"), follow=True)
    assert "Không có ai cần nhắc" in response.content.decode()  # every 2025 report is past


def test_a_unit_registers_an_initiative_with_documents_and_staff_register_one_for_a_unit(client_of, unit_a_editor, sonv_staff, unit_b):
    response = client_of(unit_a_editor).post(
        reverse("monitoring:initiative_register"),
        {"year": "2026", "title": "Số hóa hồ sơ", "field": "7", "description": "Số hóa 100 % hồ sơ.", "files": [pdf("De an.pdf")]},
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and initiative.unit == unit_a_editor.unit and initiative.evidence.count() == 1
    response = client_of(sonv_staff).post(
        reverse("monitoring:initiative_register"), {"unit": unit_b.pk, "year": "2026", "title": "Một cửa", "field": "3", "description": "Mô tả."}
    )
    assert response.status_code == 302 and Initiative.objects.get(title="Một cửa").unit == unit_b


def test_staff_recognise_after_the_page_asks(world, client_of, unit_a_editor, sonv_staff):
    initiative = world["initiative"]
    client_of(unit_a_editor).post(reverse("monitoring:initiative_start", args=[initiative.pk]))
    client = client_of(sonv_staff)
    form = client.get(reverse("monitoring:initiative_recognise", args=[initiative.pk])).content.decode()
    assert 'data-confirm="Ghi nhận quyết định công nhận' in form
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(reverse("monitoring:initiative_recognise", args=[initiative.pk]), {"decision_number": "15/QĐ-UBND", "decision_date": today})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.RECOGNISED and initiative.decision_number == "15/QĐ-UBND"


def test_a_unit_keeps_its_list_plans_and_records_its_self_inspection(client_of, unit_a, unit_a_editor):
    client = client_of(unit_a_editor)
    page = client.get(reverse("monitoring:self_unit", args=[unit_a.pk, YEAR])).content.decode()
    assert "chưa khai báo" in page
    assert client.post(reverse("monitoring:subunit_add", args=[unit_a.pk]), {"name": "Văn phòng", "kind": "division"}).status_code == 302
    again = client.post(reverse("monitoring:subunit_add", args=[unit_a.pk]), {"name": "Văn phòng", "kind": "division"})
    assert again.status_code == 400 and "Danh sách đã có “Văn phòng”" in again.content.decode()
    office = SubUnit.objects.get()
    today = timezone.localdate()
    year, day = today.year, today.strftime("%d/%m/%Y")
    response = client.post(reverse("monitoring:self_inspection_create", args=[unit_a.pk, year]), {"subunit": office.pk, "planned_date": day, "form": "online"})
    assert response.status_code == 302
    inspection = SelfInspection.objects.get()
    response = client.post(reverse("monitoring:self_inspection_result", args=[inspection.pk]), {"done_on": day, "result": "Tốt."})
    assert response.status_code == 302
    page = client.get(reverse("monitoring:self_unit", args=[unit_a.pk, year])).content.decode()
    assert "1/1" in page and "100,00 %" in page
    removal = client.get(reverse("monitoring:self_unit", args=[unit_a.pk, year])).content.decode()
    assert 'data-confirm="Bỏ “Văn phòng” khỏi danh sách' in removal


def test_every_page_of_the_app_renders_for_the_roles_that_use_it(world, client_of, sonv_staff, leader, unit_a_editor, unit_a):
    pages = [
        reverse("monitoring:plans"), reverse("monitoring:plan", args=[world["reform_plan"].pk]),
        reverse("monitoring:task", args=[world["plan_task"].pk]), reverse("monitoring:reports", args=[YEAR]),
        reverse("monitoring:initiatives"), reverse("monitoring:initiative", args=[world["initiative"].pk]),
        reverse("monitoring:self_overview", args=[YEAR]), reverse("monitoring:self_unit", args=[unit_a.pk, YEAR]),
        reverse("monitoring:self_inspection", args=[world["self_inspection"].pk]),
    ]
    for user in (sonv_staff, leader):
        client = client_of(user)
        assert [client.get(url).status_code for url in pages] == [200] * len(pages), user
    client = client_of(unit_a_editor)
    own = [reverse("monitoring:my_tasks"), *pages[2:6], *pages[7:]]
    assert [client.get(url).status_code for url in own] == [200] * len(own)


SCRIPT = '<script>alert("cchc")</script>'


def test_what_units_and_staff_type_comes_back_escaped(plan, sonv_staff, unit_a, unit_a_editor, client_of):
    from monitoring import services

    from .builders import make_subunit, make_task

    task = make_task(sonv_staff, plan, unit_a)
    PlanTask.objects.filter(pk=task.pk).update(title=SCRIPT, expected_product=SCRIPT)
    initiative = services.initiative_register(actor=unit_a_editor, unit=unit_a, year=YEAR, title=SCRIPT, field="1", description=SCRIPT)
    make_subunit(unit_a_editor, unit_a, SCRIPT)
    client = client_of(sonv_staff)
    for url in (
        reverse("monitoring:plan", args=[plan.pk]), reverse("monitoring:task", args=[task.pk]), reverse("monitoring:initiatives"),
        reverse("monitoring:initiative", args=[initiative.pk]), reverse("monitoring:self_unit", args=[unit_a.pk, YEAR]),
    ):
        html = client.get(url).content.decode()
        assert SCRIPT not in html and "&lt;script&gt;" in html, url
