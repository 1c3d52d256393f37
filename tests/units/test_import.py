import datetime
import unicodedata

import pytest

from audit.models import AuditEvent
from cchc.tabular import ImportRejected, read_table, write_xlsx
from units.models import Unit, UnitHead
from units.services import UNIT_COLUMNS, units_import

pytestmark = pytest.mark.django_db

HEADER = "code,name,block,parent_code,head_name,head_title\n"
GOOD = (
    HEADER
    + "H-TH,UBND huyện Thạch Hà,ubnd-huyen,,Nguyễn Văn A,Chủ tịch\n"
    + "X-THACHVAN,UBND xã Thạch Văn,ubnd-xa,H-TH,,\n"
    + "STP,Sở Tư pháp,so-nganh,,,\n"
)


def _import(text: str):
    return units_import(table=read_table(text.encode(), "units.csv", UNIT_COLUMNS), actor=None)


def _state():
    return (
        sorted(Unit.objects.values_list("code", "name", "block__code", "parent__code")),
        sorted(UnitHead.objects.values_list("unit__code", "full_name", "title", "end_date")),
    )


def test_a_good_file_creates_units_parents_and_heads():
    result = _import(GOOD)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    commune = Unit.objects.get(code="X-THACHVAN")
    assert commune.parent.code == "H-TH" and commune.block.code == "ubnd-xa"
    assert Unit.objects.get(code="H-TH").heads.get().full_name == "Nguyễn Văn A"
    assert AuditEvent.objects.filter(action="unit.import_create").count() == 3


def test_reimporting_the_same_file_changes_nothing():
    _import(GOOD)
    before, events = _state(), AuditEvent.objects.count()
    result = _import(GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _state() == before
    assert AuditEvent.objects.count() == events


def test_a_child_may_come_before_its_parent_in_the_file():
    _import(HEADER + "X-1,UBND xã Một,ubnd-xa,H-1,,\nH-1,UBND huyện Một,ubnd-huyen,,,\n")
    assert Unit.objects.get(code="X-1").parent.code == "H-1"


def test_a_new_head_name_closes_the_serving_heads_term():
    _import(GOOD)
    _import(GOOD.replace("Nguyễn Văn A,Chủ tịch", "Trần Thị B,Chủ tịch"))
    heads = UnitHead.objects.filter(unit__code="H-TH").order_by("id")
    assert [h.full_name for h in heads] == ["Nguyễn Văn A", "Trần Thị B"]
    assert heads[0].end_date is not None and heads[1].end_date is None


def test_changed_names_are_updated_and_audited():
    _import(GOOD)
    result = _import(GOOD.replace("Sở Tư pháp", "Sở Tư pháp tỉnh"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    event = AuditEvent.objects.get(action="unit.import_update")
    assert event.changes["name"] == ["Sở Tư pháp", "Sở Tư pháp tỉnh"]


@pytest.mark.parametrize(
    "bad_row, row, column, words",
    [
        ("X-9,UBND xã Chín,khoi-la,,,", 5, "block", "Khối 'khoi-la' không tồn tại"),
        ("X-9,UBND xã Chín,ubnd-xa,H-KHONGCO,,", 5, "parent_code", "Không tìm thấy đơn vị cấp trên"),
        ("STP,Sở Tư pháp lần hai,so-nganh,,,", 5, "code", "bị trùng với dòng 4"),
        ("X-9,,ubnd-xa,,,", 5, "name", "Chưa có tên đơn vị"),
        (",UBND xã Chín,ubnd-xa,,,", 5, "code", "Chưa có mã đơn vị"),
        ("X-9,UBND xã Chín,ubnd-xa,X-9,,", 5, "parent_code", "chính nó"),
        ("X-9,UBND xã Chín,ubnd-xa,,,Chủ tịch", 5, "head_name", "chưa có họ tên"),
    ],
)
def test_one_bad_row_is_named_and_nothing_is_written(bad_row, row, column, words):
    before = _state()
    with pytest.raises(ImportRejected) as refused:
        _import(GOOD + bad_row + "\n")
    [error] = refused.value.errors
    assert (error.row, error.column) == (row, column)
    assert words in error.message
    assert _state() == before
    assert not AuditEvent.objects.exists()


def test_every_bad_row_is_listed_not_just_the_first():
    with pytest.raises(ImportRejected) as refused:
        _import(HEADER + "A,,so-nganh,,,\nB,Tên,khong-co,,,\nC,Tên,so-nganh,ZZZ,,\n")
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "name"), (3, "block"), (4, "parent_code")]


def test_a_parent_cycle_inside_the_file_is_refused():
    with pytest.raises(ImportRejected) as refused:
        _import(HEADER + "A,Đơn vị A,ubnd-xa,B,,\nB,Đơn vị B,ubnd-xa,A,,\n")
    assert any("vòng lặp" in e.message for e in refused.value.errors)
    assert not Unit.objects.filter(code__in=["A", "B"]).exists()


def test_a_wrong_header_is_refused_with_the_expected_header():
    with pytest.raises(ImportRejected) as refused:
        read_table(b"ma,ten\nA,B\n", "x.csv", UNIT_COLUMNS)
    assert "Thiếu cột: code, name, block" in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused_in_vietnamese():
    with pytest.raises(ImportRejected) as refused:
        read_table(unicodedata.normalize("NFD", GOOD).encode("cp1258", errors="replace"), "x.csv", UNIT_COLUMNS)
    assert "UTF-8" in str(refused.value)


def test_xlsx_files_import_like_csv():
    rows = [line.split(",") for line in GOOD.strip().splitlines()[1:]]
    data = write_xlsx({"Đơn vị": (UNIT_COLUMNS, rows)})
    result = units_import(table=read_table(data, "units.xlsx", UNIT_COLUMNS), actor=None)
    assert result.created == 3
    assert Unit.objects.get(code="X-THACHVAN").parent.code == "H-TH"


def test_decomposed_vietnamese_is_stored_composed():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Sở Tư pháp")
    _import(HEADER + f"STP,{decomposed},so-nganh,,,\n")
    assert Unit.objects.get(code="STP").name == unicodedata.normalize("NFC", "Sở Tư pháp")


# --- the optional columns valid_from, valid_to, stat_code --------------------------------------

DATED_HEADER = "code,name,block,parent_code,head_name,head_title,valid_from,valid_to,stat_code\n"


def _import_dated(text: str):
    from units.services import UNIT_IMPORT_COLUMNS

    return units_import(table=read_table(text.encode(), "units.csv", UNIT_IMPORT_COLUMNS, required=set(UNIT_COLUMNS)), actor=None)


def test_the_optional_columns_set_the_dates_and_the_statistics_code():
    import datetime

    _import_dated(DATED_HEADER + "X-DT,UBND xã Đồng Tiến,ubnd-xa,,,,01/07/2025,,18619\nX-CU,UBND xã Cũ,ubnd-xa,,,,,2025-06-30,\n")
    new, old = Unit.objects.get(code="X-DT"), Unit.objects.get(code="X-CU")
    assert (new.valid_from, new.valid_to, new.stat_code, new.active) == (datetime.date(2025, 7, 1), None, "18619", True)
    assert old.valid_to == datetime.date(2025, 6, 30) and not old.active


def test_a_file_without_the_optional_columns_leaves_them_as_they_are():
    import datetime

    _import_dated(DATED_HEADER + "STP,Sở Tư pháp,so-nganh,,,,01/01/2008,,S01\n")
    result = _import(HEADER + "STP,Sở Tư pháp,so-nganh,,,\n")
    assert result.unchanged == 1
    assert Unit.objects.get(code="STP").valid_from == datetime.date(2008, 1, 1)


@pytest.mark.parametrize(
    "values, column, words",
    [
        ("31/02/2025,,", "valid_from", "Không có ngày 31/02/2025"),
        ("01/07/2025,30/06/2025,", "valid_to", "trước ngày bắt đầu"),
        (",,12345678901234567", "stat_code", "dài quá 16"),
    ],
)
def test_bad_optional_values_are_named_and_nothing_is_written(values, column, words):
    with pytest.raises(ImportRejected) as refused:
        _import_dated(DATED_HEADER + f"X-DT,UBND xã Đồng Tiến,ubnd-xa,,,,{values}\n")
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, column) and words in error.message
    assert not Unit.objects.exists()


def test_a_unit_closed_by_a_reorganisation_keeps_its_last_day(province):
    from tests.units.conftest import REFORM, import_lineage

    import_lineage(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN")
    with pytest.raises(ImportRejected) as refused:
        _import_dated(DATED_HEADER + "X-THACHVAN,UBND xã Thạch Văn,ubnd-xa,H-TH,,,,,\n")
    assert "đã ngừng hoạt động theo sự kiện 'NQ1665'" in refused.value.errors[0].message


def test_a_parent_loop_through_a_stored_unit_is_refused(db):
    from cchc.tabular import ImportRejected
    from tests.factories import UnitFactory

    upper = UnitFactory(code="UP")
    UnitFactory(code="LOW", parent=upper)
    table = read_table(f"{','.join(UNIT_COLUMNS)}\nUP,Đơn vị trên,so-nganh,LOW,,\n".encode(), "don-vi.csv", UNIT_COLUMNS)
    with pytest.raises(ImportRejected) as refused:
        units_import(table=table, actor=None)
    assert "Dòng 2, cột parent_code: Quan hệ cấp trên tạo thành vòng lặp." in str(refused.value)


def test_a_last_day_before_the_stored_first_day_is_a_row_error_not_a_crash(db):
    from cchc.tabular import ImportRejected
    from tests.factories import UnitFactory

    UnitFactory(code="NEWU", valid_from=datetime.date(2026, 1, 1))
    text = "code,name,block,parent_code,head_name,head_title,valid_to\nNEWU,Đơn vị mới,so-nganh,,,,2025-01-01\n"
    table = read_table(text.encode(), "don-vi.csv", [*UNIT_COLUMNS, "valid_from", "valid_to", "stat_code"], required=set(UNIT_COLUMNS))
    with pytest.raises(ImportRejected) as refused:
        units_import(table=table, actor=None)
    assert "Dòng 2, cột valid_to: Đơn vị NEWU sẽ ngừng hoạt động (01/01/2025) trước ngày bắt đầu hoạt động (01/01/2026)." in str(refused.value)
