"""A unit formed by the 2025 reform sees its predecessors' own results, year by year, on its
dashboard, its page and the province overview: each marked as the predecessor's, ranked as the
ranking ranked it, never merged, and only the years the results rule lets the reader see."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from scoring.models import Assessment
from scoring.selectors import ranking_for_period
from scoring.selectors.lineage_history import predecessors_of
from tests.factories import make_user
from units import roles
from units.models import LineageLink

from .lineage_helpers import REFORM, commune, commune_year, reorganise

pytestmark = pytest.mark.django_db

BLOCK_WORDS = "khối UBND xã, phường, thị trấn"


@pytest.fixture
def reform(sonv_staff):
    """Thạch Văn (first of 3 in 2023) and Thạch Lạc (second) merged into Xã Đông Kinh on
    01/07/2025; Thạch Long, third, stays. 2023 is published, 2024 still in finalisation."""
    van = commune("XA-THACH-VAN", "UBND xã Thạch Văn")
    lac = commune("XA-THACH-LAC", "UBND xã Thạch Lạc")
    long_ = commune("XA-THACH-LONG", "UBND xã Thạch Long")
    y2023 = commune_year(2023, sonv_staff, {van: "950", lac: "820", long_: "600"}, publish=True)
    y2024 = commune_year(2024, sonv_staff, {van: "700", lac: "900", long_: "800"}, publish=False)
    new = commune("XA-DONG-KINH", "UBND xã Đông Kinh", valid_from=REFORM)
    event = reorganise("1665-NQ-UBTVQH15", REFORM, [(van, new, LineageLink.Kind.MERGE), (lac, new, LineageLink.Kind.MERGE)])
    editor = make_user(roles.UNIT_EDITOR, new, username="editor_dong_kinh")
    return SimpleNamespace(van=van, lac=lac, long=long_, new=new, y2023=y2023, y2024=y2024, event=event, editor=editor, staff=sonv_staff)


def home_text(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def item_of(text: str, code: str) -> str:
    """The HTML of one predecessor's block on a page."""
    found = re.search(rf'<div class="list-group-item py-2" data-predecessor="{code}">(.*?)\n</div>', text, re.S)
    assert found, f"no block for {code}"
    return found.group(1)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The dashboard ---------------------------------------------------------------------------------


def test_the_new_units_editor_sees_both_predecessors_2023_index_and_rank_on_the_dashboard(client_of, reform):
    text = home_text(client_of(reform.editor))
    assert "data-predecessor-results" in text
    ranked = {row.unit.pk: row for row in ranking_for_period(reform.y2023)}
    for unit in (reform.van, reform.lac):
        item = plain(item_of(text, unit.code))
        row = ranked[unit.pk]
        assert f"Kết quả của {unit.name} (đơn vị trước sáp nhập)" in item
        assert "Sáp nhập vào UBND xã Đông Kinh từ ngày 01/07/2025 · Nghị quyết 1665-NQ-UBTVQH15" in item
        assert f"Năm 2023: chỉ số {row.index:.2f}".replace(".", ",") in item
        assert f"hạng {row.rank}/3 {BLOCK_WORDS}" in item and f"xếp loại {row.classification}" in item
    assert "hạng 1/3" in item_of(text, reform.van.code) and "hạng 2/3" in item_of(text, reform.lac.code)


def test_the_dashboard_shows_each_predecessors_own_figures_and_no_merged_or_averaged_one(client_of, reform):
    text = plain(home_text(client_of(reform.editor)))
    indexes = {row.unit.pk: row.index for row in ranking_for_period(reform.y2023)}
    own = [indexes[reform.van.pk], indexes[reform.lac.pk]]
    average = (sum(own) / 2).quantize(Decimal("0.01"))
    assert f"{average:.2f}".replace(".", ",") not in text
    assert f"{sum(own):.2f}".replace(".", ",") not in text
    assert "Thạch Long" not in text  # not a predecessor: its results are its own


def test_an_unpublished_year_of_a_predecessor_is_not_shown_to_the_unit_editor(client_of, reform):
    text = home_text(client_of(reform.editor))
    assert "Năm 2023:" in text and "Năm 2024:" not in text and "tạm tính" not in text


def test_staff_see_every_year_of_the_predecessors_the_unpublished_one_marked_provisional(reform):
    lines = predecessors_of(reform.staff, reform.new)
    assert [line.unit for line in lines] == [reform.lac, reform.van]  # by code, both of one event
    for line in lines:
        assert [(y.result.year, y.provisional) for y in line.years] == [(2024, True), (2023, False)]


def test_a_leader_reads_only_the_published_years_of_the_predecessors(reform, leader):
    lines = predecessors_of(leader, reform.new)
    assert {line.unit.code for line in lines} == {reform.van.code, reform.lac.code}
    assert all([y.result.year for y in line.years] == [2023] for line in lines)


def test_a_unit_without_predecessors_shows_nothing_extra(client_of, reform, unit_a_editor):
    assert predecessors_of(unit_a_editor, unit_a_editor.unit) == []
    text = home_text(client_of(unit_a_editor))
    assert "data-predecessor-results" not in text and "đơn vị trước" not in text


def test_a_predecessor_without_a_published_year_is_listed_as_having_none(client_of, reform, sonv_staff):
    later = commune("XA-MOI", "UBND xã Mới Lập")
    reorganise("thu-nghiem-2025", REFORM, [(later, reform.new, LineageLink.Kind.MERGE)])
    item = plain(item_of(home_text(client_of(reform.editor)), later.code))
    assert "Chưa có kết quả được công bố của đơn vị này." in item


# --- Through the generations, partial links, and the year a predecessor's results stop ----------


def test_a_2030_successor_of_a_2025_successor_sees_both_generations(client_of, reform):
    ward = commune("PH-DONG-KINH", "UBND phường Đông Kinh", valid_from=datetime.date(2030, 1, 1))
    reorganise("2030-thu-nghiem", datetime.date(2030, 1, 1), [(reform.new, ward, LineageLink.Kind.RENAME)])
    editor = make_user(roles.UNIT_EDITOR, ward, username="editor_phuong")
    lines = predecessors_of(editor, ward)
    assert [(line.unit, line.generation, line.into) for line in lines] == [
        (reform.new, 1, ward), (reform.lac, 2, reform.new), (reform.van, 2, reform.new)
    ]
    assert lines[0].years == []  # Đông Kinh had no published year of its own
    text = home_text(client_of(editor))
    assert "Kết quả của UBND xã Đông Kinh (đơn vị trước đổi tên)" in text
    assert "Kết quả của UBND xã Thạch Văn (đơn vị trước sáp nhập)" in text and "hạng 1/3" in item_of(text, reform.van.code)


def test_a_partial_link_counts_and_is_marked_and_so_are_the_generations_behind_it(client_of, reform):
    ward = commune("PH-MOI", "UBND phường Mới")
    reorganise("2030-chia-tach", datetime.date(2030, 1, 1), [(reform.new, ward, LineageLink.Kind.SPLIT)])
    lines = {line.unit.pk: line for line in predecessors_of(reform.staff, ward)}
    assert set(lines) == {reform.new.pk, reform.van.pk, reform.lac.pk}
    assert all(line.partial for line in lines.values())
    editor = make_user(roles.UNIT_EDITOR, ward, username="editor_phuong_moi")
    item = item_of(home_text(client_of(editor)), reform.van.code)
    assert "data-predecessor-partial" in item and "một phần" in item


def test_a_unit_that_transferred_part_of_itself_shows_only_its_years_before_the_transfer(reform):
    reorganise("2024-dieu-chuyen", datetime.date(2024, 1, 1), [(reform.long, reform.new, LineageLink.Kind.TRANSFER)])
    line = next(line for line in predecessors_of(reform.staff, reform.new) if line.unit == reform.long)
    assert line.partial and [y.result.year for y in line.years] == [2023]
    assert line.heading == "Kết quả của UBND xã Thạch Long (đơn vị điều chuyển một phần)"


# --- The unit's page and the province overview -----------------------------------------------------


def test_the_units_page_shows_its_predecessors_results_to_its_own_contact(client_of, reform):
    response = client_of(reform.editor).get(reverse("units:detail", args=[reform.new.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kết quả của UBND xã Thạch Văn (đơn vị trước sáp nhập)" in text and "Năm 2024:" not in text
    assert "data-predecessor-results" not in client_of(reform.editor).get(reverse("units:detail", args=[reform.van.pk])).content.decode()


@pytest.fixture
def first_year(reform):
    """2025, the first year of Xã Đông Kinh, published; 2024 stays unpublished."""
    period = commune_year(2025, reform.staff, {reform.new: "880"}, publish=True)
    assert Assessment.objects.filter(period=period, unit=reform.new).exists()
    return period


def test_the_province_overview_shows_the_new_units_predecessors_results(client_of, first_year, reform, leader):
    url = reverse("scoring:results_overview", args=[first_year.year])
    for user, years in ((reform.staff, ["2024", "2023"]), (leader, ["2023"])):
        response = client_of(user).get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert f'data-successor="{reform.new.code}"' in text
        item = item_of(text, reform.van.code)
        assert re.findall(r'data-predecessor-year="(\d+)"', item) == years
        assert f"hạng 1/3 {BLOCK_WORDS}" in item
    successors = client_of(leader).get(url).context["successors"]
    assert [s.unit for s in successors] == [reform.new]  # Thạch Long has no predecessors


# --- Query budgets ------------------------------------------------------------------------------


def test_the_predecessors_read_runs_the_same_queries_for_more_predecessors_years_and_generations(reform, django_assert_num_queries):
    editor = reform.editor
    roles.roles_of(editor)  # read once per request, as the page does
    with django_assert_num_queries(4):  # the links, the predecessors, the years, their results
        assert len(predecessors_of(editor, reform.new)) == 2
    commune_year(2022, reform.staff, {reform.van: "500", reform.lac: "510"}, publish=True)
    framework = reform.y2023.frameworks.get(block__code="ubnd-xa")
    more = [commune(f"XA-CU-{i}", f"UBND xã Cũ {i}") for i in range(6)]
    for unit in more:
        Assessment.objects.create(period=reform.y2023, unit=unit, framework=framework, status=Assessment.Status.CLOSED, total_index=Decimal("75"))
    reorganise("them-don-vi", REFORM, [(unit, reform.new, LineageLink.Kind.MERGE) for unit in more[:3]])
    reorganise("the-he-truoc", datetime.date(2024, 1, 1), [(unit, more[0], LineageLink.Kind.MERGE) for unit in more[3:]])
    with django_assert_num_queries(4):
        lines = predecessors_of(editor, reform.new)
    assert len(lines) == 8 and {len(line.years) for line in lines} == {1, 2}


def test_a_unit_without_predecessors_costs_one_query(unit_a_editor, django_assert_num_queries):
    roles.roles_of(unit_a_editor)
    with django_assert_num_queries(1):
        assert predecessors_of(unit_a_editor, unit_a_editor.unit) == []



def test_another_unit_s_contact_and_an_inspector_read_none_of_a_unit_s_predecessors_results(reform, client_of):
    from tests.factories import UnitFactory

    stranger = make_user(roles.UNIT_EDITOR, UnitFactory(), username="editor_elsewhere")
    inspector = make_user(roles.INSPECTOR, UnitFactory(), username="inspector_elsewhere")
    assert predecessors_of(reform.editor, reform.new)
    assert predecessors_of(stranger, reform.new) == []
    assert predecessors_of(inspector, reform.new) == []
    for reader in (stranger, inspector):
        page = client_of(reader).get(reverse("units:detail", args=[reform.new.pk]))
        assert page.status_code == 200 and 'data-predecessor="XA-THACH-VAN"' not in page.content.decode()
