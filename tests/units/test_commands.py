import pytest
from django.core.management import CommandError, call_command

from units.models import Unit, User

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
    assert Unit.objects.get(code="X-THACHVAN").parent.code == "H-TH"
    assert "sonv" in first and "cchc-demo-2024" in first
    call_command("seed_demo")
    assert (Unit.objects.count(), User.objects.count()) == counts
    assert "Thêm mới 0, cập nhật 0" in capsys.readouterr().out
