"""The plan's task list from a file: Vietnamese-friendly columns, every row checked, nothing
written unless the whole file is right, the same file twice changes nothing."""

import csv
import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from cchc.tabular import ImportRejected, read_table, write_xlsx
from monitoring import services
from monitoring.models import PlanTask
from monitoring.selectors import plan_export_rows
from tests.factories import UnitFactory

from .builders import YEAR, report_completion

pytestmark = pytest.mark.django_db
HEADER = services.TASK_COLUMNS


def _csv(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _import(plan, data: bytes, name="ke-hoach.csv", actor=None):
    table = read_table(data, name, services.TASK_FILE_COLUMNS, required=services.TASK_REQUIRED_COLUMNS)
    return services.plan_tasks_import(actor=actor, plan=plan, table=table)


def _rows(unit_a, unit_b):
    return [
        ["1", "Ban hành Kế hoạch CCHC năm 2025", "1. Công tác chỉ đạo, điều hành CCHC", unit_a.code, "", "15/01/2025", "Kế hoạch"],
        ["2", "Rà soát thủ tục hành chính", "thủ tục hành chính", unit_b.code, unit_a.code, "Quý II", "Báo cáo rà soát"],
        ["3", "Tuyên truyền CCHC", "Tac dong", unit_a.code, unit_b.code, "Thường xuyên", ""],
    ]


def test_a_file_of_tasks_is_read_with_fields_units_and_deadlines_as_plans_write_them(plan, unit_a, unit_b, sonv_staff):
    rows = _rows(unit_a, unit_b)
    result = _import(plan, _csv(rows), actor=sonv_staff)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first, second, third = PlanTask.objects.order_by("position")
    assert (first.number, first.field, first.lead_unit, first.deadline) == ("1", "1", unit_a, datetime.date(2025, 1, 15))
    assert (second.field, second.deadline, list(second.supporting_units.all())) == ("3", datetime.date(2025, 6, 30), [unit_a])
    assert (third.field, third.deadline) == ("8", None)
    assert AuditEvent.objects.filter(action="plan_task.import_create").count() == 3


def test_the_same_file_twice_changes_nothing_and_a_corrected_one_updates_what_it_corrects(plan, unit_a, unit_b):
    rows = _rows(unit_a, unit_b)
    _import(plan, _csv(rows))
    again = _import(plan, _csv(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    rows[2][1], rows[2][4] = "Tuyên truyền, phổ biến CCHC", ""
    corrected = _import(plan, _csv(rows))
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 2)
    third = PlanTask.objects.get(number="3")
    assert third.title == "Tuyên truyền, phổ biến CCHC" and not third.supporting_units.exists()
    event = AuditEvent.objects.get(action="plan_task.import_update")
    assert set(event.changes) == {"title", "supporting_units"}


def test_every_wrong_row_is_named_and_nothing_is_written(plan, unit_a):
    closed = UnitFactory(code="DA-GIAI-THE", valid_to=datetime.date(2024, 6, 30), active=False)
    rows = [
        ["1", "Nhiệm vụ đúng", "2", unit_a.code, "", "30/06/2025", ""],
        ["1", "Số thứ tự lặp", "2", unit_a.code, "", "30/06/2025", ""],
        ["2", "", "9", "KHONG-CO", "", "31/02/2025", ""],
        ["3", "Đơn vị đã giải thể", "Cải cách", closed.code, unit_a.code, "Quý V", ""],
        ["4", "Thời hạn năm khác", "2", unit_a.code, unit_a.code, "31/12/2030", ""],
    ]
    with pytest.raises(ImportRejected) as refused:
        _import(plan, _csv(rows))
    found = {(e.row, e.column) for e in refused.value.errors}
    assert (3, "stt") in found  # the duplicate of row 2
    assert {(4, "nhiem_vu"), (4, "linh_vuc"), (4, "don_vi_chu_tri"), (4, "thoi_han")} <= found
    assert {(5, "linh_vuc"), (5, "don_vi_chu_tri"), (5, "thoi_han")} <= found
    assert {(6, "thoi_han"), (6, "don_vi_phoi_hop")} <= found
    messages = " ".join(str(e) for e in refused.value.errors)
    assert "Không có đơn vị mã “KHONG-CO”" in messages and "không hoạt động trong năm 2025" in messages
    assert "Dòng 3, cột stt: Số thứ tự “1” bị trùng với dòng 2." in messages
    assert not PlanTask.objects.exists() and not AuditEvent.objects.filter(action__startswith="plan_task").exists()


def test_a_header_that_is_not_the_plan_files_is_refused(plan):
    with pytest.raises(ImportRejected, match="Thiếu cột: stt"):
        _import(plan, _csv([["x"]], header=["so", "nhiem_vu", "linh_vuc", "don_vi_chu_tri", "thoi_han"]))


def test_a_completed_task_is_not_changed_by_a_file(plan, task_a, unit_a, unit_a_editor, sonv_staff):
    report_completion(unit_a_editor, task_a)
    services.task_accept(actor=sonv_staff, task=task_a)
    row = ["1", "Nội dung khác", "1", unit_a.code, "", "31/12/2025", "Báo cáo kết quả"]
    with pytest.raises(ImportRejected, match="đã được xác nhận hoàn thành"):
        _import(plan, _csv([row]))


def test_the_export_imports_back_unchanged_as_xlsx(plan, task_a, task_b, unit_a_editor):
    report_completion(unit_a_editor, task_a)
    data = write_xlsx({"Nhiệm vụ": (services.TASK_FILE_COLUMNS, plan_export_rows(plan=plan))})
    result = _import(plan, data, name="xuat.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_an_excel_date_cell_is_a_deadline(plan, unit_a):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([1, "Nhiệm vụ", 7, unit_a.code, None, datetime.datetime(2025, 9, 30), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _import(plan, buffer.getvalue(), name="ke-hoach.xlsx")
    task = PlanTask.objects.get()
    assert (task.number, task.field, task.deadline) == ("1", "7", datetime.date(2025, 9, 30))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", "3"), ("3. Cải cách thủ tục hành chính", "3"), ("cải cách thể chế", "2"), ("CHINH QUYEN SO", "7"),
        ("Tài chính công", "6"), ("Tac dong cua CCHC", "8"),
    ],
)
def test_a_field_is_read_by_its_number_or_its_name(text, expected):
    assert services.parse_field(text) == expected


@pytest.mark.parametrize("text", ["9", "", "cải cách", "abc"])
def test_an_unclear_field_is_refused_with_the_list_of_ways_to_write_it(text):
    with pytest.raises(ValueError, match="ghi số từ 1 đến 8"):
        services.parse_field(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30/06/2025", datetime.date(2025, 6, 30)), ("2025-06-30", datetime.date(2025, 6, 30)),
        ("2025-06-30 00:00:00", datetime.date(2025, 6, 30)), ("Quý I", datetime.date(2025, 3, 31)),
        ("quý IV/2026", datetime.date(2026, 12, 31)), ("Tháng 2", datetime.date(2025, 2, 28)), ("tháng 12", datetime.date(2025, 12, 31)),
        ("Thường xuyên", None), ("", None),
    ],
)
def test_a_deadline_is_read_as_plans_write_it(text, expected):
    assert services.parse_deadline(text, YEAR) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "Quý V", "Tháng 13", "sớm", "06/30/2025", "Quý II/0000", "Tháng 12/9999"])
def test_a_deadline_that_is_no_day_is_refused_in_vietnamese(text):
    with pytest.raises(ValueError, match="Thời hạn"):
        services.parse_deadline(text, YEAR)


def test_the_command_imports_a_plan_file_and_names_every_error(plan, unit_a, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "ke-hoach.csv"
    good.write_bytes(_csv([["1", "Nhiệm vụ", "1", unit_a.code, "", "Quý I", ""]]))
    call_command("import_plan_tasks", str(good), "--year", str(YEAR))
    assert "thêm mới 1" in capsys.readouterr().out
    bad = tmp_path / "sai.csv"
    bad.write_bytes(_csv([["2", "Nhiệm vụ", "1", "KHONG", "", "Quý I", ""]]))
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_plan_tasks", str(bad), "--year", str(YEAR))
    assert "Dòng 2, cột don_vi_chu_tri" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Chưa có kế hoạch CCHC năm 2030"):
        call_command("import_plan_tasks", str(good), "--year", "2030")


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=1+1", "@SUM(A1)", "1", "8", "9", "Quý II", "Quý V", "Tháng 13", "31/02/2025", "Thường xuyên", "UNIT-A", "UNIT-B", "UNIT-A; UNIT-B", "thể chế", " "]),
)


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=7, max_size=7), max_size=5))
def test_a_careless_file_is_imported_whole_or_not_at_all(rows, plan, unit_a, unit_b):
    before = PlanTask.objects.count(), AuditEvent.objects.count()
    table = None
    try:
        table = read_table(_csv(rows), "f.csv", services.TASK_FILE_COLUMNS, required=services.TASK_REQUIRED_COLUMNS)
        result = services.plan_tasks_import(actor=None, plan=plan, table=table)
    except ImportRejected as exc:
        assert exc.errors and all(str(e) for e in exc.errors)
        assert (PlanTask.objects.count(), AuditEvent.objects.count()) == before
    else:
        assert result.created + result.updated + result.unchanged == len(table.rows)


def test_a_damaged_excel_file_gets_a_vietnamese_message_on_the_page(plan, client_of, sonv_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = client_of(sonv_staff).post(reverse("monitoring:plan_import", args=[plan.pk]), {"file": SimpleUploadedFile("ke-hoach.xlsx", b"PK\x03\x04 broken")})
    assert response.status_code == 400 and "Không đọc được tệp Excel" in response.content.decode()
