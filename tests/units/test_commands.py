import datetime

import pytest
from django.core.management import CommandError, call_command

from units.models import Unit, User
from units.selectors import unit_parent_on

pytestmark = pytest.mark.django_db


def test_import_units_with_a_bad_row_exits_non_zero_names_the_row_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_text("code,name,block,parent_code,head_name,head_title\nA,Đơn vị A,so-nganh,,,\nB,Đơn vị B,khoi-sai,,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_units", str(path))
    assert "Dòng 3, cột block" in capsys.readouterr().err
    assert not Unit.objects.exists()


def test_export_then_import_changes_nothing(tmp_path, capsys):
    call_command("seed_demo")
    out = tmp_path / "units.csv"
    call_command("export_units", "-o", str(out))
    first = out.read_bytes()
    call_command("import_units", str(out))
    assert "cập nhật 0" in capsys.readouterr().out
    call_command("export_units", "-o", str(out))
    assert out.read_bytes() == first


def test_xlsx_export_round_trips_too(tmp_path):
    call_command("seed_demo")
    out = tmp_path / "units.xlsx"
    call_command("export_units", "-o", str(out))
    before = sorted(Unit.objects.values_list("code", "name", "parent__code"))
    call_command("import_units", str(out))
    assert sorted(Unit.objects.values_list("code", "name", "parent__code")) == before


def test_seed_demo_loads_ha_tinh_and_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Unit.objects.count(), User.objects.count())
    assert Unit.objects.filter(block__code="so-nganh").count() >= 20
    assert Unit.objects.filter(block__code="ubnd-huyen").count() == 13
    # Thạch Văn was under Thạch Hà in 2024 (under TP Hà Tĩnh from 01/01/2025 until it closed).
    assert unit_parent_on(Unit.objects.get(code="X-THACHVAN"), datetime.date(2024, 6, 1)).code == "H-TH"
    assert "sonv" in first and "cchc-demo-2024" in first
    call_command("seed_demo")
    assert (Unit.objects.count(), User.objects.count()) == counts
    assert "Sắp xếp đơn vị năm 2025: đã nạp, giữ nguyên." in capsys.readouterr().out


def test_import_lineage_with_a_bad_row_exits_non_zero_names_the_row_and_writes_nothing(tmp_path, capsys, province):
    from tests.units.conftest import lineage_file
    from units.models import LineageLink

    path = tmp_path / "sap-xep.csv"
    path.write_text(lineage_file("NQ1665,01/07/2025,Nghị quyết 1665,merge,X-THACHVAN,X-DONGTIEN", "NQ1665,01/07/2025,Nghị quyết 1665,gộp,X-THACHLAC,X-DONGTIEN"), encoding="utf-8")
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_lineage", str(path))
    assert "Dòng 3, cột kind: Hình thức 'gộp' không hợp lệ" in capsys.readouterr().err
    assert not LineageLink.objects.exists()


def test_export_lineage_then_import_lineage_changes_nothing(tmp_path, capsys, province):
    from tests.units.conftest import lineage_file

    path = tmp_path / "sap-xep.csv"
    path.write_text(lineage_file("NQ1665,01/07/2025,Nghị quyết 1665,merge,X-THACHVAN,X-DONGTIEN", "NQ1283,01/01/2025,Nghị quyết 1283,parent,X-THACHKIM,H-TH"), encoding="utf-8")
    call_command("import_lineage", str(path))
    assert "Thêm 2 sự kiện sắp xếp, 1 quan hệ kế thừa, 1 thay đổi cấp trên; 1 đơn vị ngừng hoạt động" in capsys.readouterr().out
    out = tmp_path / "xuat.xlsx"
    call_command("export_lineage", "-o", str(out))
    call_command("import_lineage", str(out))
    assert "Thêm 0 sự kiện sắp xếp, 0 quan hệ kế thừa, 0 thay đổi cấp trên; 0 đơn vị ngừng hoạt động; 2 dòng đã có từ trước." in capsys.readouterr().out


def test_export_units_on_a_day_lists_the_units_that_existed_that_day(tmp_path, province):
    from tests.units.conftest import REFORM, import_lineage

    import_lineage(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN", f"{REFORM},merge,X-THACHLAC,X-DONGTIEN")
    out = tmp_path / "units.csv"
    call_command("export_units", "--on", "2026-07-01", "-o", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code,name,block,parent_code,head_name,head_title,valid_from,valid_to,stat_code"
    codes = {line.split(",")[0] for line in lines[1:]}
    assert codes == {"H-TH", "H-LH", "TP-HT", "X-THACHKIM", "X-KYLOI", "X-DONGTIEN", "X-KYLOI1", "X-KYLOI2", "X-KYLOI3"}
    assert "X-DONGTIEN,UBND xã Đồng Tiến,ubnd-xa,,,,2025-07-01,," in lines
    call_command("export_units", "--on", "2025-06-30", "-o", str(out))
    assert {line.split(",")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]} >= {"X-THACHVAN", "X-THACHLAC"}


def test_export_units_refuses_a_day_it_cannot_read(capsys):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_units", "--on", "01/07/2026")


def test_export_units_keeps_the_six_columns_when_no_unit_has_dates(tmp_path, unit_a):
    out = tmp_path / "units.csv"
    call_command("export_units", "-o", str(out))
    assert out.read_text(encoding="utf-8").splitlines()[0] == "code,name,block,parent_code,head_name,head_title"


def test_a_dated_export_imports_back_unchanged(tmp_path, capsys, province):
    from tests.units.conftest import REFORM, import_lineage

    import_lineage(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN")
    out = tmp_path / "units.csv"
    call_command("export_units", "-o", str(out))
    first = out.read_bytes()
    call_command("import_units", str(out))
    assert "cập nhật 0" in capsys.readouterr().out
    call_command("export_units", "-o", str(out))
    assert out.read_bytes() == first
