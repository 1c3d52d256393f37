"""The lineage import: which units a reorganisation closed and formed, from a file."""

import datetime

import pytest

from audit.models import AuditEvent
from cchc.errors import DomainError
from cchc.tabular import ImportRejected, read_table, write_csv
from units import signals
from units.lineage import LINEAGE_COLUMNS, lineage_import
from units.models import LineageLink, Reorganisation, Unit, UnitParent
from units.selectors import lineage_export_rows, parents_on

from .conftest import REFORM, import_lineage, lineage_file, state, unit

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2025, 6, 30)
MERGE = [f"{REFORM},merge,X-THACHVAN,X-DONGTIEN", f"{REFORM},merge,X-THACHLAC,X-DONGTIEN"]
SPLIT = [f"{REFORM},split,X-KYLOI,X-KYLOI1", f"{REFORM},split,X-KYLOI,X-KYLOI2", f"{REFORM},split,X-KYLOI,X-KYLOI3"]
LOC_HA = "NQ1283,01/01/2025,Nghị quyết 1283/NQ-UBTVQH15"


def _unit(code):
    return Unit.objects.get(code=code)


def test_a_merge_closes_the_predecessors_the_day_before_and_records_the_event(province):
    result = import_lineage(*MERGE)
    assert (result.events_created, result.links_created, result.units_closed) == (1, 2, 2)
    event = Reorganisation.objects.get(key="NQ1665")
    assert event.effective_date == datetime.date(2025, 7, 1) and event.legal_basis == "Nghị quyết 1665/NQ-UBTVQH15"
    for code in ("X-THACHVAN", "X-THACHLAC"):
        closed = _unit(code)
        assert closed.valid_to == LAST_DAY and not closed.active and closed.is_closed
    assert sorted(LineageLink.objects.values_list("predecessor__code", "successor__code", "kind")) == [
        ("X-THACHLAC", "X-DONGTIEN", "merge"), ("X-THACHVAN", "X-DONGTIEN", "merge"),
    ]
    assert _unit("X-DONGTIEN").active and _unit("X-DONGTIEN").valid_to is None


def test_the_import_is_audited_once_per_event_and_once_per_closed_unit(province, sonv_staff):
    import_lineage(*MERGE, *SPLIT, actor=sonv_staff)
    [event] = AuditEvent.objects.filter(action="lineage.import")
    assert event.actor == sonv_staff and "UBND xã Thạch Văn → UBND xã Đồng Tiến (Sáp nhập)" in event.changes["lineage"][1]
    closed = AuditEvent.objects.filter(action="unit.lineage_close")
    assert sorted(e.target_repr for e in closed) == ["UBND xã Kỳ Lợi", "UBND xã Thạch Lạc", "UBND xã Thạch Văn"]
    assert closed[0].changes["valid_to"] == [None, "2025-06-30"] and "Nghị quyết 1665" in closed[0].reason


def test_a_split_into_three_is_one_event_closing_the_unit_once(province):
    result = import_lineage(*SPLIT)
    assert (result.links_created, result.units_closed) == (3, 1)
    assert _unit("X-KYLOI").valid_to == LAST_DAY
    assert all(link.partial for link in LineageLink.objects.all())


def test_a_transfer_leaves_the_predecessor_running(province):
    import_lineage(f"{REFORM},transfer,X-THACHKIM,X-DONGTIEN")
    assert _unit("X-THACHKIM").valid_to is None and _unit("X-THACHKIM").active
    assert LineageLink.objects.get().kind == LineageLink.Kind.TRANSFER


def test_a_dissolution_has_no_successor_and_closes_the_unit(province):
    import_lineage(f"{REFORM},dissolve,X-THACHKIM,")
    link = LineageLink.objects.get()
    assert link.successor is None and _unit("X-THACHKIM").valid_to == LAST_DAY


def test_vietnamese_kinds_iso_dates_and_words_without_accents_are_accepted(province):
    import_lineage(
        "NQ1665,2025-07-01,Nghị quyết 1665/NQ-UBTVQH15,Sáp nhập,X-THACHVAN,X-DONGTIEN",
        "NQ1665,2025-07-01,Nghị quyết 1665/NQ-UBTVQH15,sap nhap,X-THACHLAC,X-DONGTIEN",
        "NQ1665,2025-07-01,Nghị quyết 1665/NQ-UBTVQH15,chia tách,X-KYLOI,X-KYLOI1",
        "NQ1665,2025-07-01,Nghị quyết 1665/NQ-UBTVQH15,CHIA TÁCH,X-KYLOI,X-KYLOI2",
        "NQ1665,2025-07-01,Nghị quyết 1665/NQ-UBTVQH15,điều chuyển,X-THACHKIM,X-DONGTIEN",
    )
    assert sorted(LineageLink.objects.values_list("kind", flat=True)) == ["merge", "merge", "split", "split", "transfer"]


def test_the_same_file_twice_changes_nothing(province):
    rows = [*MERGE, *SPLIT, f"{LOC_HA},parent,X-THACHKIM,H-TH"]
    import_lineage(*rows)
    before = state()
    result = import_lineage(*rows)
    assert (result.events_created, result.links_created, result.parent_moves, result.units_closed) == (0, 0, 0, 0)
    assert result.unchanged == len(rows)
    assert state() == before


def test_an_event_imported_before_gains_the_new_rows_and_keeps_the_old(province):
    import_lineage(MERGE[0])
    first = LineageLink.objects.get()
    result = import_lineage(*MERGE)
    assert (result.events_created, result.links_created, result.unchanged) == (0, 1, 1)
    assert LineageLink.objects.count() == 2 and LineageLink.objects.filter(pk=first.pk).exists()


def test_an_event_not_yet_in_force_is_refused_and_nothing_is_written(province):
    unit("X-MOI", "UBND xã Mới", valid_from=datetime.date(2030, 1, 1))
    before = state()
    with pytest.raises(ImportRejected) as refused:
        import_lineage("NQ-2030,01/01/2030,Nghị quyết 2030,merge,X-THACHKIM,X-MOI")
    assert "Dòng 2, cột effective_date: Ngày có hiệu lực 01/01/2030 chưa đến" in str(refused.value)
    assert state() == before


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows, row, column, words",
    [
        ([f"{REFORM},gop,X-THACHVAN,X-DONGTIEN"], 3, "kind", "Hình thức 'gop' không hợp lệ"),
        (["NQ1665,31/02/2025,Nghị quyết 1665/NQ-UBTVQH15,merge,X-THACHVAN,X-DONGTIEN"], 3, "effective_date", "Không có ngày 31/02/2025"),
        (["NQ1665,1/7/25,Nghị quyết 1665/NQ-UBTVQH15,merge,X-THACHVAN,X-DONGTIEN"], 3, "effective_date", "dd/mm/yyyy"),
        ([",01/07/2025,Nghị quyết 1665/NQ-UBTVQH15,merge,X-THACHVAN,X-DONGTIEN"], 3, "event", "Chưa có mã sự kiện"),
        (["NQ1665,01/07/2025,,merge,X-THACHVAN,X-DONGTIEN"], 3, "legal_basis", "Chưa có căn cứ pháp lý"),
        ([f"{REFORM},merge,X-KHONGCO,X-DONGTIEN"], 3, "from_code", "Không tìm thấy đơn vị có mã 'X-KHONGCO'"),
        ([f"{REFORM},merge,X-THACHVAN,X-KHONGCO"], 3, "to_code", "Không tìm thấy đơn vị có mã 'X-KHONGCO'"),
        ([f"{REFORM},rename,X-THACHVAN,X-THACHVAN"], 3, "to_code", "trùng với đơn vị trước"),
        ([f"{REFORM},dissolve,X-THACHKIM,X-DONGTIEN"], 3, "to_code", "để trống cột to_code"),
        ([f"{REFORM},merge,X-THACHKIM,"], 3, "to_code", "Chưa có mã đơn vị sau sắp xếp"),
        (["NQ1665,02/07/2025,Nghị quyết 1665/NQ-UBTVQH15,merge,X-THACHKIM,X-DONGTIEN"], 3, "effective_date", "khác ngày 01/07/2025 ở dòng 2"),
        (["NQ1665,01/07/2025,Nghị quyết khác,merge,X-THACHKIM,X-DONGTIEN"], 3, "legal_basis", "khác với dòng 2"),
        ([f"{REFORM},split,X-KYLOI,X-KYLOI1"], 3, "from_code", "ít nhất hai đơn vị nhận"),
        ([f"{REFORM},merge,X-THACHVAN,X-KYLOI1"], 3, "to_code", "đã được sáp nhập vào UBND xã Đồng Tiến (dòng 2)"),
        ([f"{REFORM},split,X-THACHVAN,X-KYLOI1", f"{REFORM},split,X-THACHVAN,X-KYLOI2"], 3, "kind", "không thể vừa 'Sáp nhập' vừa 'Chia tách (một phần)'"),
        (["NQ-KHAC,01/07/2025,Nghị quyết khác,merge,X-THACHVAN,X-KYLOI1"], 3, "from_code", "đã được sắp xếp theo sự kiện 'NQ1665' (hiệu lực 01/07/2025, dòng 2)"),
        ([f"{REFORM},merge,X-DONGTIEN,X-KYLOI1"], 3, "from_code", "hoạt động từ ngày 01/07/2025, không trước ngày có hiệu lực 01/07/2025"),
        (["NQ-SOM,01/01/2025,Nghị quyết sớm,merge,X-THACHKIM,X-KYLOI1"], 3, "to_code", "hoạt động từ ngày 01/07/2025, sau ngày 01/01/2025"),
        ([f"{REFORM},merge,X-KYLOI,X-THACHVAN"], 3, "to_code", "đã ngừng hoạt động sau ngày 30/06/2025"),
        ([f"{REFORM},transfer,X-THACHKIM,X-THACHLAC", f"{REFORM},transfer,X-THACHLAC,X-THACHKIM"], 4, "to_code", "vòng lặp kế thừa"),
        ([f"{REFORM},merge,X-THACHVAN,X-DONGTIEN"], 3, "from_code", "trùng với dòng 2"),
        ([f"{LOC_HA},parent,X-THACHKIM,X-DONGTIEN"], 3, "to_code", "Đơn vị cấp trên mới không tồn tại vào ngày có hiệu lực"),
        ([f"{LOC_HA},parent,H-TH,X-THACHLAC"], 3, "to_code", "vòng lặp cấp trên"),
        ([f"{LOC_HA},parent,X-THACHKIM,"], 3, "to_code", "Chưa có mã đơn vị cấp trên mới"),
        ([f"{REFORM},parent,X-THACHVAN,TP-HT"], 3, "from_code", "đã ngừng hoạt động sau ngày 30/06/2025"),
    ],
)
def test_a_bad_row_is_named_with_its_column_and_nothing_is_written(province, rows, row, column, words):
    before = state()
    with pytest.raises(ImportRejected) as refused:
        import_lineage(MERGE[0], *rows)
    errors = [(e.row, e.column) for e in refused.value.errors]
    assert (row, column) in errors, refused.value.errors
    assert any(words in e.message for e in refused.value.errors if (e.row, e.column) == (row, column)), refused.value.errors
    assert state() == before


def test_every_bad_row_is_listed_in_row_order(province):
    with pytest.raises(ImportRejected) as refused:
        import_lineage(f"{REFORM},gop,X-THACHVAN,X-DONGTIEN", MERGE[1], f"{REFORM},merge,X-KHONGCO,X-DONGTIEN", "NQ1665,hôm qua,,merge,X-KYLOI,")
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "kind"), (4, "from_code"), (5, "effective_date"), (5, "legal_basis"), (5, "to_code"),
    ]
    assert str(refused.value.errors[0]).startswith("Dòng 2, cột kind: ")


def test_an_event_key_imported_before_with_another_date_or_basis_is_refused(province):
    import_lineage(MERGE[0])
    with pytest.raises(ImportRejected) as refused:
        import_lineage("NQ1665,01/08/2025,Nghị quyết 1665/NQ-UBTVQH15,merge,X-THACHLAC,X-DONGTIEN", "NQ1665,01/07/2025,Nghị quyết khác,merge,X-KYLOI,X-DONGTIEN")
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "effective_date"), (3, "legal_basis")]
    assert "đã được nhập với ngày có hiệu lực 01/07/2025" in refused.value.errors[0].message


def test_a_unit_closed_by_an_event_imported_before_is_not_closed_again(province):
    import_lineage(MERGE[0])
    with pytest.raises(ImportRejected) as refused:
        import_lineage("NQ-KHAC,01/08/2025,Nghị quyết khác,rename,X-THACHVAN,X-KYLOI1")
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "from_code")
    assert "đã được sắp xếp theo sự kiện 'NQ1665' (hiệu lực 01/07/2025)" in error.message


def test_a_predecessor_with_another_last_day_is_refused(province):
    Unit.objects.filter(code="X-THACHKIM").update(valid_to=datetime.date(2025, 3, 31))
    with pytest.raises(ImportRejected) as refused:
        import_lineage(f"{REFORM},merge,X-THACHKIM,X-DONGTIEN")
    [error] = refused.value.errors
    assert error.column == "from_code" and "đã có ngày ngừng hoạt động 31/03/2025" in error.message


def test_a_predecessor_whose_last_day_is_already_the_day_before_is_accepted(province):
    Unit.objects.filter(code="X-THACHKIM").update(valid_to=LAST_DAY)
    import_lineage(f"{REFORM},merge,X-THACHKIM,X-DONGTIEN")
    assert LineageLink.objects.get().predecessor.code == "X-THACHKIM"


def test_a_cycle_through_links_stored_before_names_the_row_that_closes_it(province):
    import_lineage("E1,01/01/2024,Quyết định 1,transfer,X-THACHKIM,X-THACHVAN")
    with pytest.raises(ImportRejected) as refused:
        import_lineage("E2,01/01/2025,Quyết định 2,transfer,X-THACHVAN,X-THACHLAC", "E3,01/02/2025,Quyết định 3,transfer,X-THACHLAC,X-THACHKIM")
    [error] = refused.value.errors
    assert (error.row, error.column) == (3, "to_code") and "vòng lặp kế thừa" in error.message


def test_a_link_stored_with_another_kind_is_refused(province):
    import_lineage(f"{REFORM},transfer,X-THACHKIM,X-DONGTIEN")
    with pytest.raises(ImportRejected) as refused:
        import_lineage(f"{REFORM},merge,X-THACHKIM,X-DONGTIEN")
    assert "đã có quan hệ này với hình thức 'Điều chuyển một phần'" in refused.value.errors[0].message


def test_a_parent_loop_counts_the_other_moves_of_the_file_on_that_day(province):
    with pytest.raises(ImportRejected) as refused:
        import_lineage(f"{LOC_HA},parent,X-THACHKIM,X-THACHVAN", f"{LOC_HA},parent,X-THACHVAN,X-THACHKIM")
    [error] = refused.value.errors
    assert (error.row, error.column) == (3, "to_code") and "vòng lặp cấp trên" in error.message


def test_a_parent_move_before_a_change_already_recorded_later_is_refused(province):
    record = UnitParent.objects.get(unit__code="X-THACHKIM")
    record.valid_to = datetime.date(2025, 12, 31)
    record.save()
    UnitParent.objects.create(unit=province["X-THACHKIM"], parent=province["TP-HT"], valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(ImportRejected) as refused:
        import_lineage(f"{LOC_HA},parent,X-THACHKIM,H-TH")
    assert refused.value.errors[0].column == "from_code" and "từ ngày 01/01/2026" in refused.value.errors[0].message


# --- parent moves -----------------------------------------------------------------------------


def test_a_parent_move_ends_the_old_record_the_day_before_and_starts_a_new_one(province, sonv_staff):
    import_lineage(f"{LOC_HA},parent,X-THACHKIM,H-TH", actor=sonv_staff)
    rows = list(UnitParent.objects.filter(unit__code="X-THACHKIM").order_by("id").values_list("parent__code", "valid_from", "valid_to", "event__key"))
    assert rows == [("H-LH", None, datetime.date(2024, 12, 31), None), ("H-TH", datetime.date(2025, 1, 1), None, "NQ1283")]
    assert _unit("X-THACHKIM").parent.code == "H-TH"
    kim = province["X-THACHKIM"]
    assert parents_on([kim.pk], datetime.date(2024, 12, 31)) == {kim.pk: province["H-LH"].pk}
    assert parents_on([kim.pk], datetime.date(2025, 1, 1)) == {kim.pk: province["H-TH"].pk}
    event = AuditEvent.objects.get(action="unit.lineage_parent")
    assert event.changes["parent"] == ["UBND huyện Lộc Hà", "UBND huyện Thạch Hà"] and event.actor == sonv_staff


def test_a_second_act_cannot_rewrite_the_parent_move_another_act_recorded_that_day(province):
    import_lineage("NQ1283,01/01/2025,Nghị quyết 1283/NQ-UBTVQH15,parent,X-THACHVAN,TP-HT")
    before = state()
    with pytest.raises(ImportRejected) as refused:
        import_lineage("OTHER,01/01/2025,Quyết định khác,parent,X-THACHVAN,H-TH")
    assert "đã có thay đổi cấp trên từ ngày 01/01/2025 theo sự kiện 'NQ1283'" in str(refused.value)
    assert state() == before


def test_a_closed_unit_ends_its_parent_record_on_its_last_day(province):
    import_lineage(*MERGE)
    record = UnitParent.objects.get(unit__code="X-THACHVAN")
    assert record.valid_to == LAST_DAY
    vd = province["X-THACHVAN"]
    assert parents_on([vd.pk], datetime.date(2025, 7, 1)) == {vd.pk: None}


def test_a_unit_without_history_records_has_its_current_parent_on_every_day(db):
    district = unit("H-1", "UBND huyện Một", "ubnd-huyen")
    commune = Unit.objects.create(code="X-1", name="UBND xã Một", block=district.block, parent=district)
    assert parents_on([commune.pk, district.pk], datetime.date(1990, 1, 1)) == {commune.pk: district.pk, district.pk: None}


def test_parents_on_is_one_query(province, django_assert_num_queries):
    ids = [u.pk for u in province.values()]
    with django_assert_num_queries(1):
        parents = parents_on(ids, datetime.date(2024, 6, 1))
    assert parents[province["X-THACHKIM"].pk] == province["H-LH"].pk


# --- the signal -------------------------------------------------------------------------------


def test_the_signal_carries_the_new_links_and_the_actor_inside_the_transaction(province, sonv_staff):
    from django.db import connection

    received = []

    def receiver(sender, links, actor, **kwargs):
        received.append(([(link.pk is not None, link.predecessor.code, link.successor.code) for link in links], actor, connection.in_atomic_block))

    signals.lineage_imported.connect(receiver)
    try:
        import_lineage(*MERGE, actor=sonv_staff)
        import_lineage(*MERGE, actor=sonv_staff)  # nothing new: no signal
    finally:
        signals.lineage_imported.disconnect(receiver)
    [(links, actor, in_transaction)] = received
    assert sorted(links) == [(True, "X-THACHLAC", "X-DONGTIEN"), (True, "X-THACHVAN", "X-DONGTIEN")]
    assert actor == sonv_staff and in_transaction


def test_a_receiver_refusing_cancels_the_whole_import(province):
    before = state()

    def refuse(sender, **kwargs):
        raise DomainError("Không chuyển được tồn tại, hạn chế.")

    signals.lineage_imported.connect(refuse)
    try:
        with pytest.raises(DomainError):
            import_lineage(*MERGE)
    finally:
        signals.lineage_imported.disconnect(refuse)
    assert state() == before


# --- export -----------------------------------------------------------------------------------


def test_export_writes_the_import_format_in_a_fixed_order(province):
    import_lineage(MERGE[1], *SPLIT, f"{LOC_HA},parent,X-THACHKIM,H-TH", MERGE[0], f"{REFORM},dissolve,X-THACHKIM,")
    assert lineage_export_rows() == [
        ["NQ1283", "2025-01-01", "Nghị quyết 1283/NQ-UBTVQH15", "parent", "X-THACHKIM", "H-TH"],
        ["NQ1665", "2025-07-01", "Nghị quyết 1665/NQ-UBTVQH15", "split", "X-KYLOI", "X-KYLOI1"],
        ["NQ1665", "2025-07-01", "Nghị quyết 1665/NQ-UBTVQH15", "split", "X-KYLOI", "X-KYLOI2"],
        ["NQ1665", "2025-07-01", "Nghị quyết 1665/NQ-UBTVQH15", "split", "X-KYLOI", "X-KYLOI3"],
        ["NQ1665", "2025-07-01", "Nghị quyết 1665/NQ-UBTVQH15", "dissolve", "X-THACHKIM", ""],
        ["NQ1665", "2025-07-01", "Nghị quyết 1665/NQ-UBTVQH15", "merge", "X-THACHLAC", "X-DONGTIEN"],
        ["NQ1665", "2025-07-01", "Nghị quyết 1665/NQ-UBTVQH15", "merge", "X-THACHVAN", "X-DONGTIEN"],
    ]


def test_export_then_import_changes_nothing(province):
    import_lineage(*MERGE, *SPLIT, f"{LOC_HA},parent,X-THACHKIM,H-TH")
    data = write_csv(LINEAGE_COLUMNS, lineage_export_rows())
    before = state()
    result = lineage_import(table=read_table(data, "xuat.csv", LINEAGE_COLUMNS), actor=None)
    assert result.unchanged == 6 and state() == before
    assert write_csv(LINEAGE_COLUMNS, lineage_export_rows()) == data


def test_a_header_without_the_lineage_columns_is_refused():
    with pytest.raises(ImportRejected) as refused:
        read_table(lineage_file().replace("kind,", "").encode(), "x.csv", LINEAGE_COLUMNS)
    assert "Thiếu cột: kind" in str(refused.value)


def test_a_closed_unit_keeps_as_its_parent_the_one_it_had_on_its_last_day(province):
    import_lineage(
        "NQ1283,01/01/2025,Nghị quyết 1283/NQ-UBTVQH15,parent,X-THACHVAN,TP-HT",
        f"{REFORM},merge,X-THACHVAN,X-DONGTIEN",
    )
    assert Unit.objects.get(code="X-THACHVAN").parent.code == "TP-HT"


def test_closing_a_unit_ends_its_serving_head_s_term_on_its_last_day(province):
    from units.models import UnitHead

    head = UnitHead.objects.create(unit=province["X-THACHVAN"], full_name="Người đứng đầu thử", start_date=datetime.date(2021, 6, 1))
    import_lineage(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN")
    head.refresh_from_db()
    assert head.end_date == datetime.date(2025, 6, 30)
    assert not UnitHead.objects.current().filter(unit=province["X-THACHVAN"]).exists()
