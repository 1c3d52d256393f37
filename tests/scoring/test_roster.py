"""The period's roster: which units a year assesses, in which block. Filled when the period is
created, shaped by staff while it is in draft, only added to once it is open; the opening makes
one assessment per roster entry in its block's framework."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from scoring.models import Assessment, Period, Phase, RosterEntry, Score
from scoring.selectors import roster_block_ids_by_unit, roster_block_of, roster_candidates
from scoring.services import (
    PhaseError,
    ScoringError,
    assessments_create_missing,
    period_advance,
    period_clone,
    period_create,
    period_reopen,
    roster_add,
    roster_fill,
    roster_move,
    roster_remove,
)
from tests.factories import BlockFactory, UnitFactory
from units.models import Block, Unit

from .conftest import import_text, sample_text

pytestmark = pytest.mark.django_db

D = datetime.date


def codes(period) -> set[str]:
    return set(RosterEntry.objects.filter(period=period).values_list("unit__code", flat=True))


@pytest.fixture
def huyen():
    return Block.objects.get(code="ubnd-huyen")


@pytest.fixture
def draft(sonv_staff, unit_a, unit_b):
    """2024 in draft with the departments' framework; units A and B (and Sở Nội vụ's own unit)."""
    return import_text(sample_text(), year=2024, actor=sonv_staff).period


# --- Filling -------------------------------------------------------------------------------------


def test_a_new_period_lists_the_units_that_exist_on_the_last_day_of_its_year_in_their_current_block(sonv_staff, huyen):
    UnitFactory(code="OPEN", name="Sở không đổi")
    UnitFactory(code="NEW-0107", name="Xã mới từ 01/07/2025", block=huyen, valid_from=D(2025, 7, 1))
    UnitFactory(code="OLD-3006", name="Xã cũ đến 30/06/2025", valid_to=D(2025, 6, 30), active=False)
    UnitFactory(code="GONE", name="Sở giải thể (không rõ ngày)", active=False)
    UnitFactory(code="LATER", name="Đơn vị thành lập năm 2026", valid_from=D(2026, 1, 1))
    period = period_create(actor=sonv_staff, year=2025)
    assert codes(period) == {"SNV", "OPEN", "NEW-0107"}
    assert period.roster.get(unit__code="NEW-0107").block == huyen
    event = AuditEvent.objects.get(action="roster.fill")
    assert event.target_id == str(period.pk) and event.reason == "Các đơn vị đang hoạt động ngày 31/12/2025."
    assert sorted(event.changes["units"][1]) == ["Sở Nội vụ", "Sở không đổi", "Xã mới từ 01/07/2025"]


def test_filling_again_adds_only_the_units_missing_from_the_roster(draft, sonv_staff):
    UnitFactory(code="UNIT-NEW", name="Sở mới thành lập", roster=False)
    assert roster_fill(actor=sonv_staff, period=draft) == 1
    assert roster_fill(actor=sonv_staff, period=draft) == 0
    assert codes(draft) == {"SNV", "UNIT-A", "UNIT-B", "UNIT-NEW"}


def test_filling_is_for_a_period_in_draft(draft, sonv_staff):
    period_advance(actor=sonv_staff, period=draft)
    with pytest.raises(PhaseError, match="hãy thêm từng đơn vị"):
        roster_fill(actor=sonv_staff, period=draft)


# --- Shaping it in draft -------------------------------------------------------------------------


def test_opening_makes_one_assessment_per_roster_entry_in_its_roster_blocks_framework(draft, sonv_staff, unit_a, unit_b, huyen):
    import_text(sample_text().replace("so-nganh,", "ubnd-huyen,"), year=2024)  # the same tree for the districts
    framework = draft.frameworks.get(block=huyen)
    roster_move(actor=sonv_staff, entry=draft.roster.get(unit=unit_a), block=huyen)
    roster_remove(actor=sonv_staff, entry=draft.roster.get(unit=unit_b))
    period_advance(actor=sonv_staff, period=draft)
    a = Assessment.objects.get(period=draft, unit=unit_a)
    assert a.framework == framework and unit_a.block.code == "so-nganh"  # the unit itself did not move
    assert not Assessment.objects.filter(period=draft, unit=unit_b).exists()
    assert roster_block_of(draft, unit_a.pk) == huyen.pk
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="roster.").order_by("id")] == ["roster.fill", "roster.move", "roster.remove"]
    move_event = AuditEvent.objects.get(action="roster.move")
    assert move_event.target_id == str(draft.pk) and move_event.changes["block"] == ["Khối Sở, ban, ngành cấp tỉnh", huyen.name]


def test_a_unit_is_moved_or_removed_only_while_the_period_is_in_draft(draft, sonv_staff, unit_a, huyen):
    period_advance(actor=sonv_staff, period=draft)
    entry = draft.roster.get(unit=unit_a)
    with pytest.raises(PhaseError, match="chỉ chuyển khối khi kỳ đánh giá ở giai đoạn dự thảo"):
        roster_move(actor=sonv_staff, entry=entry, block=huyen)
    with pytest.raises(PhaseError, match="chỉ bỏ đơn vị khỏi danh sách khi kỳ đánh giá ở giai đoạn dự thảo"):
        roster_remove(actor=sonv_staff, entry=entry)
    assert draft.roster.get(unit=unit_a).block.code == "so-nganh"


def test_a_period_back_in_draft_keeps_its_assessed_units_where_they_are(draft, sonv_staff, unit_a, huyen):
    period_advance(actor=sonv_staff, period=draft)
    period_reopen(actor=sonv_staff, period=draft, to_phase=Phase.DRAFT, reason="Sửa bộ chỉ số")
    with pytest.raises(ScoringError, match="đã có phiếu đánh giá năm 2024"):
        roster_move(actor=sonv_staff, entry=draft.roster.get(unit=unit_a), block=huyen)
    with pytest.raises(ScoringError, match="đã có phiếu đánh giá năm 2024"):
        roster_remove(actor=sonv_staff, entry=draft.roster.get(unit=unit_a))


def test_a_unit_is_added_once_and_only_to_a_year_it_existed_in(draft, sonv_staff, unit_a):
    with pytest.raises(ScoringError, match="đã có trong danh sách"):
        roster_add(actor=sonv_staff, period=draft, unit=unit_a, block=unit_a.block)
    later = UnitFactory(code="X-2026", name="Xã thành lập 2026", valid_from=D(2026, 1, 1), roster=False)
    with pytest.raises(ScoringError, match="không tồn tại trong năm 2024"):
        roster_add(actor=sonv_staff, period=draft, unit=later, block=later.block)
    closed_mid_year = UnitFactory(code="X-0607", name="Xã đến 30/06/2024", valid_to=D(2024, 6, 30), active=False, roster=False)
    assert closed_mid_year in roster_candidates(draft) and later not in roster_candidates(draft)
    roster_add(actor=sonv_staff, period=draft, unit=closed_mid_year, block=closed_mid_year.block)
    assert "X-0607" in codes(draft)


def test_nothing_changes_on_the_roster_of_an_approved_year(sonv_staff, unit_a):
    from .conftest import approve, move, open_period

    period = approve(move(open_period(actor=sonv_staff), Phase.FINALIZATION, sonv_staff), sonv_staff)
    unit = UnitFactory(code="LATE", name="Sở thêm muộn")
    with pytest.raises(PhaseError, match="đã được phê duyệt"):
        roster_add(actor=sonv_staff, period=period, unit=unit, block=unit.block)


# --- After opening -------------------------------------------------------------------------------


def test_a_unit_added_after_opening_gets_its_assessment_at_once_in_its_blocks_framework(cycle, huyen):
    unit = UnitFactory(code="UNIT-NEW", name="Sở mới thành lập", roster=False)
    entry = roster_add(actor=cycle.staff, period=cycle.period, unit=unit, block=unit.block)
    assert entry.assessment_created
    assessment = Assessment.objects.get(period=cycle.period, unit=unit)
    assert assessment.framework == cycle.a.framework and assessment.status == Assessment.Status.OPEN
    assert Score.objects.filter(assessment=assessment).count() == 41
    other = UnitFactory(code="H-NEW", name="UBND huyện mới", block=huyen, roster=False)
    with pytest.raises(ScoringError, match="không có bộ chỉ số năm 2024"):
        roster_add(actor=cycle.staff, period=cycle.period, unit=other, block=huyen)
    assert not RosterEntry.objects.filter(unit=other).exists()


def test_creating_the_missing_assessments_reads_the_roster_not_the_units(cycle):
    on_roster = UnitFactory(code="UNIT-NEW", name="Sở mới thành lập")  # made by a test: on the roster, no assessment yet
    UnitFactory(code="UNIT-OFF", name="Sở không được đánh giá", roster=False)
    assert assessments_create_missing(actor=cycle.staff, period=cycle.period) == 1
    assert Assessment.objects.filter(period=cycle.period, unit=on_roster).exists()
    assert not Assessment.objects.filter(period=cycle.period, unit__code="UNIT-OFF").exists()


# --- The next year -------------------------------------------------------------------------------


def test_a_cloned_year_copies_the_roster_less_the_units_closed_before_it_and_adds_nothing_else(draft, sonv_staff, unit_a, unit_b, huyen):
    roster_move(actor=sonv_staff, entry=draft.roster.get(unit=unit_b), block=huyen)
    unit_a.valid_to, unit_a.active = D(2024, 12, 31), False
    unit_a.save()
    UnitFactory(code="UNIT-NEW", name="Sở thành lập năm 2025", valid_from=D(2025, 1, 1))
    new = period_clone(actor=sonv_staff, source=Period.objects.get(pk=draft.pk), year=2025)
    assert codes(new) == {"SNV", "UNIT-B"}
    assert new.roster.get(unit=unit_b).block == huyen  # the source roster's block, not the unit's
    assert AuditEvent.objects.get(action="roster.copy").changes["source"] == [None, 2024]


# --- What others read ----------------------------------------------------------------------------


def test_the_roster_block_of_units_in_a_year_is_read_in_one_query(draft, sonv_staff, unit_a, unit_b, huyen, django_assert_num_queries):
    roster_move(actor=sonv_staff, entry=draft.roster.get(unit=unit_b), block=huyen)
    stranger = UnitFactory(code="OFF", roster=False)
    with django_assert_num_queries(1):
        found = roster_block_ids_by_unit(2024, [unit_a.pk, unit_b.pk, stranger.pk])
    assert found == {unit_a.pk: unit_a.block_id, unit_b.pk: huyen.pk}
    assert roster_block_ids_by_unit(2031, [unit_a.pk]) == {}


# --- The page ------------------------------------------------------------------------------------


def page_of(client, year=2024) -> str:
    response = client.get(reverse("scoring:roster", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_read_the_roster_per_block_with_counts_from_the_period_page(client_of, sonv_staff, draft):
    client = client_of(sonv_staff)
    detail = client.get(reverse("scoring:period_detail", args=[2024])).content.decode()
    assert reverse("scoring:roster", args=[2024]) in detail and "(3 đơn vị)" in detail
    page = page_of(client)
    assert "3 đơn vị trong 1 khối" in page and 'data-block="so-nganh"' in page and ">3 đơn vị<" in page
    assert "Thêm tất cả đơn vị đang hoạt động" in page and "Chuyển khối" in page
    assert 'data-confirm="Bỏ Sở Khoa học và Công nghệ thử nghiệm khỏi danh sách đơn vị được đánh giá năm 2024?' in page


def test_staff_add_move_and_remove_units_on_the_page_with_messages_in_vietnamese(client_of, sonv_staff, draft, unit_a, unit_b, huyen):
    client = client_of(sonv_staff)
    new = UnitFactory(code="UNIT-NEW", name="Sở mới thành lập", roster=False)
    done = client.post(reverse("scoring:roster_add", args=[2024]), {"unit": new.pk, "block": ""}, follow=True).content.decode()
    assert "Đã thêm Sở mới thành lập vào Khối Sở, ban, ngành cấp tỉnh." in done
    entry = draft.roster.get(unit=unit_a)
    done = client.post(reverse("scoring:roster_move", args=[2024]), {"entry": entry.pk, "block": huyen.pk}, follow=True).content.decode()
    assert f"Đã chuyển Sở Khoa học và Công nghệ thử nghiệm sang {huyen.name}." in done
    assert "chưa có bộ chỉ số" in done  # the districts' block has no framework this year
    entry = draft.roster.get(unit=unit_b)
    done = client.post(reverse("scoring:roster_remove", args=[2024]), {"entry": entry.pk}, follow=True).content.decode()
    assert "Đã bỏ Sở Ngoại vụ thử nghiệm khỏi danh sách đơn vị được đánh giá năm 2024." in done
    assert codes(draft) == {"SNV", "UNIT-A", "UNIT-NEW"}
    done = client.post(reverse("scoring:roster_fill", args=[2024]), follow=True).content.decode()
    assert "Đã thêm 1 đơn vị vào danh sách được đánh giá." in done and "UNIT-B" in codes(draft)


def test_bad_posts_are_refused_with_a_message_not_an_error_page(client_of, sonv_staff, draft):
    client = client_of(sonv_staff)
    for name, data, message in (
        ("scoring:roster_add", {}, "Hãy chọn đơn vị."),
        ("scoring:roster_move", {"entry": "999999", "block": "1"}, "Đơn vị không có trong danh sách được đánh giá"),
        ("scoring:roster_remove", {}, "Đơn vị không có trong danh sách được đánh giá"),
    ):
        response = client.post(reverse(name, args=[2024]), data, follow=True)
        assert response.status_code == 200 and message in response.content.decode(), name
    assert client.post(reverse("scoring:roster_remove", args=[2024]), {"entry": "9" * 30}).status_code == 404


def test_another_years_entry_cannot_be_moved_from_this_years_page(client_of, sonv_staff, draft, unit_a, huyen):
    other = period_create(actor=sonv_staff, year=2025)
    entry = other.roster.get(unit=unit_a)
    done = client_of(sonv_staff).post(reverse("scoring:roster_move", args=[2024]), {"entry": entry.pk, "block": huyen.pk}, follow=True)
    assert "Đơn vị không có trong danh sách được đánh giá" in done.content.decode()
    assert RosterEntry.objects.get(pk=entry.pk).block == unit_a.block


def test_after_opening_the_page_offers_only_adding_a_unit(client_of, cycle):
    UnitFactory(code="UNIT-NEW", name="Sở mới thành lập", roster=False)
    client = client_of(cycle.staff)
    page = page_of(client)
    assert "Thêm vào danh sách" in page and "Sở mới thành lập (UNIT-NEW)" in page
    assert "Chuyển khối" not in page and "Thêm tất cả đơn vị đang hoạt động" not in page and "roster_remove" not in page
    assert "Đã có phiếu đánh giá" in page
    new = Unit.objects.get(code="UNIT-NEW")
    done = client.post(reverse("scoring:roster_add", args=[2024]), {"unit": new.pk}, follow=True).content.decode()
    assert "Đã thêm Sở mới thành lập vào Khối Sở, ban, ngành cấp tỉnh và tạo phiếu đánh giá." in done
    refused = client.post(reverse("scoring:roster_fill", args=[2024]), follow=True).content.decode()
    assert "hãy thêm từng đơn vị" in refused


def test_the_roster_page_runs_the_same_queries_for_few_and_many_units(client_of, sonv_staff, draft):
    client = client_of(sonv_staff)
    page_of(client)
    with CaptureQueriesContext(connection) as few:
        page_of(client)
    villages = BlockFactory(code="xa-t", name="Khối xã thử")
    for i in range(30):
        UnitFactory(code=f"X{i:02d}", block=villages if i % 2 else Block.objects.get(code="so-nganh"))
    for i in range(10):
        UnitFactory(code=f"C{i:02d}", roster=False)  # candidates for "add"
    page = page_of(client)
    assert "33 đơn vị trong 2 khối" in page
    with CaptureQueriesContext(connection) as many:
        page_of(client)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_cloned_year_leaves_out_a_unit_deactivated_without_a_closing_date(draft, sonv_staff, unit_a, unit_b):
    unit_a.active = False
    unit_a.save()
    new = period_clone(actor=sonv_staff, source=Period.objects.get(pk=draft.pk), year=2025)
    assert "UNIT-A" not in codes(new) and "UNIT-B" in codes(new)
