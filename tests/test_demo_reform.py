"""The demo of today's Hà Tĩnh: the province until 2024 with its years, the 2025 reform loaded
through the documented imports, and 2026 in the two-tier province.

Seeding takes seconds, so the module seeds one database and every test reads it: the seed runs
inside a transaction of the module (each test's own transaction is a savepoint of it) that is
rolled back at the end, leaving the test database as the other modules expect it."""

import csv
import io
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from audit.models import AuditEvent
from inspections.models import Finding, FindingHandover, InspectionPlan, Visit
from inspections.selectors import scope_check
from scoring.models import Assessment, Period, Phase, RosterEntry, Score
from scoring.selectors.roster import roster_blocks
from units.demo_reform import reform_files
from units.management.commands.seed_demo import seed_from_2025, seed_until_2024
from units.models import LineageLink, Reorganisation, Unit, UnitHead, UnitParent, User

pytestmark = pytest.mark.django_db

DISTRICTS = ["TP-HT", "TX-HL", "TX-KA", "H-CX", "H-CL", "H-DT", "H-HK", "H-HS", "H-KA", "H-LH", "H-NX", "H-TH", "H-VQ"]


def ranking_2023(tmp_path, *options) -> bytes:
    path = tmp_path / "xep-hang-2023.csv"
    call_command("export_ranking", "--year", "2023", *options, "-o", str(path), stderr=io.StringIO())
    return path.read_bytes()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded demo, and the 2023 ranking exports taken before and after the reform's load."""
    tmp = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp / "media"):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            seed_until_2024(out)
            before = {"decision": ranking_2023(tmp, "--decision-blocks"), "all": ranking_2023(tmp)}
            seed_from_2025(out)
            after = {"decision": ranking_2023(tmp, "--decision-blocks"), "all": ranking_2023(tmp)}
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield {"before": before, "after": after}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    cache.clear()


def exported_units(tmp_path, day: str) -> list[dict]:
    path = tmp_path / f"don-vi-{day}.csv"
    call_command("export_units", "--on", day, "-o", str(path), stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_on_1_july_2026_the_province_has_69_xa_and_phuong_and_no_district(demo, tmp_path):
    rows = exported_units(tmp_path, "2026-07-01")
    communes = [r for r in rows if r["block"] == "ubnd-xa-phuong"]
    assert len(communes) == 69
    assert Counter(r["name"].split()[0] for r in communes) == {"Xã": 60, "Phường": 9}
    assert all(r["code"] == r["stat_code"] and r["valid_from"] == "2025-07-01" and not r["parent_code"] for r in communes)
    assert not {r["code"] for r in rows} & set(DISTRICTS)
    assert not [r for r in rows if r["block"] in ("ubnd-huyen", "ubnd-xa")]


def test_in_june_2024_the_province_had_its_13_districts_and_none_of_the_new_units(demo, tmp_path):
    rows = exported_units(tmp_path, "2024-06-01")
    codes = {r["code"] for r in rows}
    assert set(DISTRICTS) <= codes
    assert not [r for r in rows if r["block"] == "ubnd-xa-phuong"]
    assert not codes & {"SNNMT", "TW-THUE-HT", "TW-THUE-KV11"}
    # 209 communes under 12 districts on 30/06/2025, Lộc Hà's among them in 2024.
    assert sum(r["block"] == "ubnd-xa" for r in rows) == 209


def test_every_new_commune_was_formed_from_old_units_that_existed_the_day_before(demo):
    new = Unit.objects.filter(block__code="ubnd-xa-phuong")
    assert new.count() == 69
    for unit in new.prefetch_related("predecessor_links__predecessor"):
        links = list(unit.predecessor_links.all())
        assert links, unit.name
        for link in links:
            assert link.predecessor.block.code == "ubnd-xa"
            assert link.predecessor.valid_to.isoformat() == "2025-06-30", link.predecessor.name


def test_no_unit_is_closed_by_two_events(demo):
    closing = LineageLink.objects.filter(kind__in=LineageLink.CLOSING).values_list("predecessor__code", "event__key")
    events_of = Counter(code for code, _ in set(closing))
    assert max(events_of.values()) == 1
    splits = Counter(LineageLink.objects.filter(kind="split").values_list("predecessor__code", flat=True))
    assert splits == {"P-DAINAI": 2, "X-KYLOI": 3}
    assert set(Unit.objects.filter(valid_to__isnull=False, active=True).values_list("code", flat=True)) == set()


def test_the_reform_closes_the_districts_the_old_departments_and_moves_the_communes_of_2025(demo):
    loc_ha = Unit.objects.get(code="H-LH")
    assert loc_ha.valid_to.isoformat() == "2024-12-31" and loc_ha.successor_links.get().successor.code == "H-TH"
    assert set(Unit.objects.filter(code__in=DISTRICTS, valid_to="2025-06-30").values_list("code", flat=True)) == set(DISTRICTS) - {"H-LH"}
    assert set(Unit.objects.filter(valid_to="2025-02-28").values_list("code", flat=True)) == {
        "SKHDT", "SGTVT", "STTTT", "SLDTBXH", "SNNPTNT", "STNMT", "TW-THUE",
    }
    snnmt = Unit.objects.get(code="SNNMT")
    assert set(snnmt.predecessor_links.values_list("predecessor__code", "kind")) == {
        ("SNNPTNT", "merge"), ("STNMT", "merge"), ("SLDTBXH", "transfer"),
    }
    # Thạch Văn: under Thạch Hà until 31/12/2024, then under TP Hà Tĩnh until it closed.
    history = UnitParent.objects.filter(unit__code="X-THACHVAN").order_by("id").values_list("parent__code", "valid_to")
    assert [(code, str(day)) for code, day in history] == [("H-TH", "2024-12-31"), ("TP-HT", "2025-06-30")]
    assert Reorganisation.objects.filter(key="HAICAP-2025").get().legal_basis == "Chính quyền địa phương hai cấp từ 01/07/2025"


def test_the_lineage_and_units_files_are_what_the_sources_give(demo):
    # After a change to a source: `from units.demo_reform import write_reform_files; write_reform_files()`.
    for path, data in reform_files().items():
        assert path.read_bytes() == data, f"{path.name} is out of date"


def test_ban_quan_ly_kkt_and_ban_dan_toc_stay_open_but_off_the_2026_roster(demo):
    period = Period.objects.get(year=2026)
    for code in ("BQLKKT", "BDT"):
        assert Unit.objects.get(code=code).valid_to is None
        assert not RosterEntry.objects.filter(period=period, unit__code=code).exists()


def test_2026_is_in_self_assessment_with_three_blocks_and_ranks_them(demo, tmp_path):
    period = Period.objects.get(year=2026)
    assert period.phase == Phase.SELF_ASSESSMENT
    blocks = [b.code for b in roster_blocks(period)]
    assert blocks == ["so-nganh", "ubnd-xa-phuong", "co-quan-tw"]
    counts = Counter(RosterEntry.objects.filter(period=period).values_list("block__code", flat=True))
    assert counts == {"so-nganh": 13, "ubnd-xa-phuong": 69, "co-quan-tw": 6}
    assert Assessment.objects.filter(period=period).count() == 88
    path = tmp_path / "2026.csv"
    call_command("export_ranking", "--year", "2026", "-o", str(path), stderr=io.StringIO())
    ranked = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(dict.fromkeys(r["block"] for r in ranked)) == blocks
    assert "minh họa" in period.title and "minh họa" in period.legal_basis.lower()
    assert not period.decision_blocks.exists()  # the decision approves every block


def test_the_2026_communes_framework_has_bonus_points_and_rows_computed_from_the_units_figures(demo):
    from scoring.models import Criterion, Kind, Score

    communes = Criterion.objects.filter(framework__period__year=2026, framework__block__code="ubnd-xa-phuong")
    assert set(communes.exclude(formula="").values_list("code", flat=True)) == {"1.2", "3.2", "7.2"}
    assert set(communes.filter(kind=Kind.BONUS).values_list("code", flat=True)) == {"11", "11.1", "11.2"}
    entered = Score.objects.filter(criterion__in=communes.exclude(formula=""), assessment__unit__code="18619").exclude(self_inputs={})
    assert entered.exists()
    for score in entered.select_related("criterion"):
        done, total = (int(score.self_inputs[name]) for name in ("a", "b"))
        if score.criterion.code == "3.2":  # ratio × 5 points, rounded half-up to 2 decimals
            assert score.self_score == (Decimal(done) * 5 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_2023_and_2024_decisions_leave_the_communes_to_their_districts(demo):
    for year in (2023, 2024):
        assert sorted(Period.objects.get(year=year).decision_blocks.values_list("code", flat=True)) == ["co-quan-tw", "so-nganh", "ubnd-huyen"]


def test_loading_the_reform_changes_no_byte_of_the_2023_ranking(demo):
    assert demo["after"] == demo["before"]
    assert demo["after"]["all"].count(b"\n") == 48  # header + the 47 units assessed in 2023


def test_dong_tien_has_a_login_its_rows_under_way_thach_van_s_past_and_its_shortcoming(demo):
    dong_tien = Unit.objects.get(code="18619")
    editor = User.objects.get(username="dm.dongtien")
    assert editor.unit == dong_tien and editor.full_name == "Tài khoản minh họa UBND xã Đồng Tiến"
    assert sorted(dong_tien.predecessor_links.values_list("predecessor__code", flat=True)) == ["X-THACHHOI", "X-THACHTRI", "X-THACHVAN"]
    assessment = Assessment.objects.get(period__year=2026, unit=dong_tien)
    assert Score.objects.filter(assessment=assessment, self_score__isnull=False, updated_by=editor).exists()
    assert Score.objects.filter(assessment=assessment, self_score__isnull=True, criterion__kind="self").exists()
    assert Assessment.objects.filter(period__year=2023, unit__code="X-THACHVAN", period__phase=Phase.APPROVED).exists()
    handover = FindingHandover.objects.select_related("finding").get(unit=dong_tien)
    assert handover.finding.owner_unit.code == "X-THACHVAN" and handover.finding.visit.plan.year == 2022
    assert handover.finding.status != Finding.Status.CLOSED and handover.confirmed_at is not None
    assert not UnitHead.objects.filter(unit__in=Unit.objects.filter(valid_from__isnull=False)).exists()


def test_every_login_keeps_its_unit_and_years(demo):
    thach_van = User.objects.get(username="dm.thachvan")
    assert thach_van.unit.code == "X-THACHVAN" and thach_van.is_active
    assert Assessment.objects.filter(unit=thach_van.unit, period__year__in=[2023, 2024]).count() == 2
    assert User.objects.get(username="dm.cucthue").unit.code == "TW-THUE"


def test_the_2026_inspection_plan_covers_eight_xa_and_phuong_and_three_departments(demo):
    plan = InspectionPlan.objects.get(year=2026)
    assert plan.min_communes == 8 and not plan.min_districts
    assert all(line.met for line in scope_check(plan=plan))
    visited = {v.unit.code for v in Visit.objects.filter(plan=plan).select_related("unit")}
    assert "18619" in visited and Visit.objects.get(plan=plan, unit__code="18619").status == Visit.Status.PLANNED


def test_seeding_again_changes_nothing(demo):
    counts = lambda: [m.objects.count() for m in (Unit, LineageLink, UnitParent, RosterEntry, Assessment, Score, Finding, User, AuditEvent)]  # noqa: E731
    before = counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert "Sắp xếp đơn vị năm 2025: đã nạp, giữ nguyên." in out.getvalue()
    assert "dm.dongtien" in out.getvalue() and "Cán bộ đầu mối CCHC của đơn vị — Xã Đồng Tiến\n" in out.getvalue()
    assert "dm.thachvan" in out.getvalue() and "UBND xã Thạch Văn (hoạt động đến 30/06/2025)" in out.getvalue()
