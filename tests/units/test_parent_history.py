"""A unit's parent over time: the form's and the units import's changes take effect today."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cchc.tabular import read_table
from units.models import Unit, UnitParent
from units.selectors import unit_parent_on
from units.services import UNIT_COLUMNS, UnitError, unit_update, units_import

from .conftest import unit

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _history(code):
    return list(UnitParent.objects.filter(unit__code=code).order_by("id").values_list("parent__code", "valid_from", "valid_to"))


@pytest.fixture
def districts(db):
    return unit("H-1", "UBND huyện Một", "ubnd-huyen"), unit("H-2", "UBND huyện Hai", "ubnd-huyen")


def test_a_new_parent_on_the_form_takes_effect_today_and_is_audited(client_of, sonv_staff, districts):
    first, second = districts
    commune = unit("X-1", "UBND xã Một", parent=first)
    response = client_of(sonv_staff).post(
        reverse("units:edit", args=[commune.pk]),
        {"code": "X-1", "name": "UBND xã Một", "block": commune.block_id, "parent": second.pk, "active": "on"},
    )
    assert response.status_code == 302
    assert _history("X-1") == [("H-1", None, YESTERDAY), ("H-2", TODAY, None)]
    assert unit_parent_on(commune, YESTERDAY) == first and unit_parent_on(commune, TODAY) == second
    assert AuditEvent.objects.get(action="unit.update").changes["parent"] == ["UBND huyện Một", "UBND huyện Hai"]


def test_a_second_change_the_same_day_replaces_the_first(sonv_staff, districts):
    first, second = districts
    commune = unit("X-1", "UBND xã Một", parent=first)
    unit_update(actor=sonv_staff, unit=commune, parent=second)
    unit_update(actor=sonv_staff, unit=commune, parent=None)
    assert _history("X-1") == [("H-1", None, YESTERDAY)]
    assert Unit.objects.get(code="X-1").parent is None


def test_a_unit_made_before_the_history_keeps_its_old_parent_until_yesterday(sonv_staff, districts):
    first, second = districts
    commune = Unit.objects.create(code="X-1", name="UBND xã Một", block=first.block, parent=first)
    unit_update(actor=sonv_staff, unit=commune, parent=second)
    assert _history("X-1") == [("H-1", None, YESTERDAY), ("H-2", TODAY, None)]


def test_a_closed_unit_cannot_change_its_parent(sonv_staff, districts):
    first, second = districts
    commune = unit("X-1", "UBND xã Một", parent=first, valid_to=datetime.date(2025, 6, 30), active=False)
    with pytest.raises(UnitError, match="đã ngừng hoạt động"):
        unit_update(actor=sonv_staff, unit=commune, parent=second)
    assert _history("X-1") == [("H-1", None, None)]


def test_the_units_import_moves_a_parent_from_today(districts):
    unit("X-1", "UBND xã Một", parent=districts[0])
    text = ",".join(UNIT_COLUMNS) + "\nX-1,UBND xã Một,ubnd-xa,H-2,,\n"
    result = units_import(table=read_table(text.encode(), "u.csv", UNIT_COLUMNS), actor=None)
    assert result.updated == 1
    assert _history("X-1") == [("H-1", None, YESTERDAY), ("H-2", TODAY, None)]


def test_the_units_import_refuses_to_move_a_closed_unit(districts):
    unit("X-1", "UBND xã Một", parent=districts[0], valid_to=datetime.date(2025, 6, 30), active=False)
    text = ",".join(UNIT_COLUMNS) + "\nX-1,UBND xã Một,ubnd-xa,H-2,,\n"
    from cchc.tabular import ImportRejected

    with pytest.raises(ImportRejected) as refused:
        units_import(table=read_table(text.encode(), "u.csv", UNIT_COLUMNS), actor=None)
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "parent_code") and "đã ngừng hoạt động" in error.message


def test_the_form_keeps_the_last_day_a_reorganisation_gave(sonv_staff, province):
    from .conftest import REFORM, import_lineage

    import_lineage(f"{REFORM},merge,X-THACHVAN,X-DONGTIEN")
    with pytest.raises(UnitError, match="ngày ngừng hoạt động phải là 30/06/2025"):
        unit_update(actor=sonv_staff, unit=province["X-THACHVAN"], valid_to=datetime.date(2025, 12, 31))
    with pytest.raises(UnitError, match="không được sau ngày đó"):
        unit_update(actor=sonv_staff, unit=province["X-DONGTIEN"], valid_from=datetime.date(2025, 8, 1))
    unit_update(actor=sonv_staff, unit=province["X-DONGTIEN"], stat_code="18619", valid_from=datetime.date(2025, 7, 1))
    assert Unit.objects.get(code="X-DONGTIEN").stat_code == "18619"
