import pytest

from tests.factories import UnitFactory
from units.selectors import unit_list
from units.text import fold

pytestmark = pytest.mark.django_db


def test_fold_drops_accents_and_maps_d_stroke():
    assert fold("  UBND huyện Đức Thọ ") == "ubnd huyen duc tho"


def test_search_without_accents_finds_the_accented_name():
    UnitFactory(code="H-TH", name="UBND huyện Thạch Hà")
    UnitFactory(code="X-TK", name="UBND xã Thạch Kim")
    assert [u.code for u in unit_list(q="thach ha")] == ["H-TH"]


def test_search_with_accents_and_capitals_finds_the_same():
    UnitFactory(code="H-DT", name="UBND huyện Đức Thọ")
    assert [u.code for u in unit_list(q="ĐỨC THỌ")] == ["H-DT"]
    assert [u.code for u in unit_list(q="duc tho")] == ["H-DT"]


def test_search_by_code():
    UnitFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    assert [u.code for u in unit_list(q="stttt")] == ["STTTT"]


def test_inactive_units_are_hidden_unless_asked_for():
    UnitFactory(code="OLD", name="UBND huyện Cũ", active=False)
    assert not unit_list(q="cu").exists()
    assert [u.code for u in unit_list(q="cu", include_inactive=True)] == ["OLD"]
