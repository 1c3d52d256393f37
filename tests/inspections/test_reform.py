"""Inspections after the 2025 reform: a plan is checked against the province as it was in its
year, and the open shortcomings of a unit closed by a reorganisation go to its successor."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from inspections import selectors, services
from inspections.models import DelegationMember, Finding, FindingHandover, InspectionPlan, Team, Visit
from scoring.models import Assessment, Framework, Period, RosterEntry
from tests.factories import BlockFactory, UnitFactory, make_user
from units import roles
from units.models import Block, LineageLink, Reorganisation, UnitParent
from units.signals import lineage_imported

from .conftest import add_shortcoming, pdf_upload

pytestmark = pytest.mark.django_db
D = datetime.date
REFORM = D(2025, 7, 1)


def _block(code):
    return Block.objects.get(code=code)


def _plan(year, **targets):
    plan = InspectionPlan.objects.create(year=year, title=f"Kế hoạch kiểm tra công tác CCHC năm {year}", **targets)
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=UnitFactory())
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    return plan


def _visit(plan, unit, *, day=None, along=()):
    day = day or D(plan.year, 5, 25)
    visit = Visit.objects.create(plan=plan, team=plan.teams.get(), unit=unit, start_date=day, end_date=day)
    visit.also_units.add(*along)
    return visit


def _lines(plan):
    return {line.label: line for line in selectors.scope_check(plan=plan)}


# --- The plan's scope, read in its year --------------------------------------------------------


def test_a_2022_plan_still_counts_a_commune_under_its_2022_district_after_it_moved_in_2025():
    loc_ha = UnitFactory(code="H-LH", name="UBND huyện Lộc Hà", block=_block("ubnd-huyen"), valid_to=D(2024, 12, 31), active=False)
    thach_ha = UnitFactory(code="H-TH", name="UBND huyện Thạch Hà", block=_block("ubnd-huyen"))
    commune = UnitFactory(code="X-TC", name="UBND xã Thạch Châu", block=_block("ubnd-xa"), parent=thach_ha)
    UnitParent.objects.create(unit=commune, parent=loc_ha, valid_to=D(2024, 12, 31))
    UnitParent.objects.create(unit=commune, parent=thach_ha, valid_from=D(2025, 1, 1))
    plan = _plan(2022, min_districts=1, min_communes_per_district=1)
    _visit(plan, loc_ha, along=[commune])

    communes = _lines(plan)["UBND cấp xã của mỗi huyện được kiểm tra"]
    assert communes.met and communes.actual == "1 xã ở 1 huyện"


def test_a_unit_moved_to_another_block_today_does_not_change_a_2024_plans_check():
    unit = UnitFactory(name="Sở Thông tin và Truyền thông", block=_block("so-nganh"))
    period = Period.objects.create(year=2024, title="Chỉ số CCHC năm 2024")
    RosterEntry.objects.create(period=period, unit=unit, block=_block("so-nganh"))
    plan = _plan(2024, min_departments=1, min_communes=1)
    _visit(plan, unit)
    unit.block = _block("ubnd-xa")
    unit.save()

    lines = _lines(plan)
    assert lines["Sở, ban, ngành"].met and lines["Sở, ban, ngành"].actual == "1"
    assert not lines["UBND cấp xã (xã, phường)"].met and lines["UBND cấp xã (xã, phường)"].actual == "0"


def test_the_kind_of_a_block_is_its_level_not_its_code():
    communes_2026 = BlockFactory(code="xa-phuong-2026", name="UBND xã, phường (từ 2026)", level=Block.Level.COMMUNE)
    departments_2026 = BlockFactory(code="so-2026", name="Sở, ngành (từ 2026)", level=Block.Level.PROVINCIAL)
    plan = _plan(2026, min_communes=2, min_departments=1)
    _visit(plan, UnitFactory(block=departments_2026))
    _visit(plan, UnitFactory(block=communes_2026), along=[UnitFactory(block=communes_2026), UnitFactory(block=_block("co-quan-tw"))])

    lines = _lines(plan)
    assert lines["UBND cấp xã (xã, phường)"].met and lines["UBND cấp xã (xã, phường)"].actual == "2"
    assert lines["Sở, ban, ngành"].met and lines["Sở, ban, ngành"].actual == "1"


def test_communes_are_counted_without_districts_after_the_reform():
    plan = _plan(2026, min_communes=3)
    communes = [UnitFactory(block=_block("ubnd-xa")) for _ in range(2)]
    _visit(plan, communes[0], along=communes[1:])

    line = _lines(plan)["UBND cấp xã (xã, phường)"]
    assert (line.target, line.actual, line.met) == ("ít nhất 3", "2", False)


def test_every_district_means_those_that_existed_when_the_plan_began():
    vu_quang = UnitFactory(code="H-VQ", name="UBND huyện Vũ Quang", block=_block("ubnd-huyen"))
    UnitFactory(code="H-LH", name="UBND huyện Lộc Hà", block=_block("ubnd-huyen"), valid_to=D(2024, 12, 31), active=False)
    UnitFactory(code="H-MOI", name="UBND huyện Mới", block=_block("ubnd-huyen"), valid_from=D(2023, 1, 1))
    plan = _plan(2022, all_districts=True)
    _visit(plan, vu_quang)

    line = _lines(plan)["UBND cấp huyện"]
    assert line.target == "tất cả (2)" and not line.met
    assert "Lộc Hà" in line.detail and "Mới" not in line.detail and "Vũ Quang" not in line.detail


def test_the_plan_form_and_page_offer_the_communes_target(client_of, sonv_staff):
    client = client_of(sonv_staff)
    assert 'name="min_communes"' in client.get(reverse("inspections:plan_create")).content.decode()
    data = {
        "year": 2026, "title": "Kế hoạch kiểm tra 2026", "issuer": "UBND tỉnh", "content_areas": ["1", "7"],
        "min_districts": 0, "min_communes_per_district": 0, "min_communes": 20, "min_departments": 5,
    }
    response = client.post(reverse("inspections:plan_create"), data)
    plan = InspectionPlan.objects.get(year=2026)
    assert response.status_code == 302 and plan.min_communes == 20
    page = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert "UBND cấp xã (xã, phường)" in page and "ít nhất 20" in page
    assert AuditEvent.objects.get(action="plan.create").changes["min_communes"] == [None, 20]


# --- The framework a finding's criterion comes from --------------------------------------------


def test_a_findings_framework_is_that_of_the_units_roster_block_of_the_year_not_its_block_today():
    period = Period.objects.create(year=2024, title="Chỉ số CCHC năm 2024")
    departments = Framework.objects.create(period=period, block=_block("so-nganh"))
    Framework.objects.create(period=period, block=_block("ubnd-xa"))
    unit = UnitFactory(block=_block("so-nganh"))  # on the 2024 roster among the departments
    visit = _visit(_plan(2024), unit)
    unit.block = _block("ubnd-xa")
    unit.save()

    assert services.finding_frameworks(visit) == {unit.pk: departments.pk}


# --- Handing shortcomings over to successors ---------------------------------------------------


@pytest.fixture
def closed_unit(db):
    """Xã Thạch Châu, closed on 30/06/2025, with open shortcomings of 2022 and 2024 and one remedied."""
    unit = UnitFactory(code="X-TC", name="UBND xã Thạch Châu", block=_block("ubnd-xa"))
    old = add_shortcoming(_visit(_plan(2022), unit), text="Chưa niêm yết thủ tục hành chính.", deadline=D(2022, 12, 31))
    recent = add_shortcoming(_visit(_plan(2024), unit), text="Hồ sơ trực tuyến còn thấp.", deadline=D(2024, 12, 31))
    remedied = add_shortcoming(Visit.objects.get(unit=unit, plan__year=2024), text="Đã khắc phục.")
    Finding.objects.filter(pk=remedied.pk).update(status=Finding.Status.CLOSED)
    unit.valid_to, unit.active = REFORM - datetime.timedelta(days=1), False
    unit.save()
    unit.findings = {"old": old, "recent": recent, "remedied": remedied}
    return unit


def _reorganise(kind, predecessor, *successors, actor=None, key="nq-1665"):
    """What the lineage import does for one predecessor: the event, its links, and the signal."""
    event, _ = Reorganisation.objects.get_or_create(key=key, defaults={"effective_date": REFORM, "legal_basis": "Nghị quyết 1665/NQ-UBTVQH15"})
    links = [LineageLink.objects.create(event=event, kind=kind, predecessor=predecessor, successor=s) for s in successors or [None]]
    lineage_imported.send(sender=None, links=links, actor=actor)
    return links


def _successor(name):
    return UnitFactory(name=name, block=_block("ubnd-xa"), valid_from=REFORM)


def _editor(unit):
    return make_user(roles.UNIT_EDITOR, unit)


def test_a_merge_hands_every_open_shortcoming_of_any_year_to_the_successor(client_of, closed_unit, sonv_staff):
    successor = _successor("UBND xã Thạch Lạc")
    [link] = _reorganise(LineageLink.Kind.MERGE, closed_unit, successor, actor=sonv_staff)
    found = closed_unit.findings

    page = client_of(_editor(successor)).get(reverse("inspections:remediation")).content.decode()
    assert found["old"].text in page and found["recent"].text in page and found["remedied"].text not in page
    assert "Tiếp nhận từ UBND xã Thạch Châu (kiểm tra năm 2022)" in page
    handover = FindingHandover.objects.get(finding=found["old"])
    assert handover.unit == successor and handover.link == link and handover.confirmed_by == sonv_staff and handover.confirmed_at
    # The finding stays the closed unit's record: only who answers for it moved.
    assert Finding.objects.get(pk=found["old"].pk).owner_unit == closed_unit
    assert not FindingHandover.objects.filter(finding=found["remedied"]).exists()
    assert AuditEvent.objects.filter(action="finding.hand_over").count() == 2


def test_the_successor_reports_on_a_handed_over_shortcoming_and_another_unit_gets_404(client_of, closed_unit, unit_b_editor):
    successor = _successor("UBND xã Thạch Lạc")
    _reorganise(LineageLink.Kind.RENAME, closed_unit, successor)
    finding = closed_unit.findings["old"]
    url = reverse("inspections:finding_report", args=[finding.pk])

    client = client_of(_editor(successor))
    assert "UBND xã Thạch Lạc" in client.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert client.post(url, {"text": "Đã niêm yết đầy đủ.", "files": [pdf_upload()]}).status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.REPORTED
    other = client_of(unit_b_editor)
    assert other.get(reverse("inspections:finding", args=[finding.pk])).status_code == 404
    assert other.post(url, {"text": "x"}).status_code == 404
    # The closed unit's contact still reads its own inspection record, and may no longer report.
    original = client_of(_editor(closed_unit))
    assert original.get(reverse("inspections:finding", args=[finding.pk])).status_code == 200
    assert original.post(reverse("inspections:finding_report", args=[closed_unit.findings["recent"].pk]), {"text": "x"}).status_code == 403


def test_a_split_needs_staffs_confirmation_and_before_it_no_candidate_sees_the_shortcoming(client_of, closed_unit, sonv_staff):
    first, second = _successor("UBND phường Thành Sen"), _successor("UBND phường Trần Phú")
    _reorganise(LineageLink.Kind.SPLIT, closed_unit, first, second)
    finding = closed_unit.findings["recent"]
    assert FindingHandover.objects.filter(finding=finding, confirmed_at__isnull=True).count() == 2
    for unit in (first, second):
        client = client_of(_editor(unit))
        assert client.get(reverse("inspections:finding", args=[finding.pk])).status_code == 404
        assert finding.text not in client.get(reverse("inspections:remediation")).content.decode()
        assert not selectors.open_findings_for_unit(unit).exists()

    staff = client_of(sonv_staff)
    page = staff.get(reverse("inspections:handovers")).content.decode()
    assert finding.text in page and "UBND phường Trần Phú" in page and "data-confirm=" in page
    chosen = FindingHandover.objects.get(finding=finding, unit=second)
    response = staff.post(reverse("inspections:handover_confirm", args=[finding.pk]), {"handover": chosen.pk})
    assert response.status_code == 302

    assert list(FindingHandover.objects.filter(finding=finding).values_list("unit", "confirmed_by")) == [(second.pk, sonv_staff.pk)]
    assert client_of(_editor(second)).get(reverse("inspections:finding", args=[finding.pk])).status_code == 200
    assert client_of(_editor(first)).get(reverse("inspections:finding", args=[finding.pk])).status_code == 404
    event = AuditEvent.objects.get(action="finding.handover_confirm", target_id=str(finding.pk))
    assert event.changes["responsible_unit"] == ["UBND xã Thạch Châu", "UBND phường Trần Phú"]


def test_confirming_without_a_choice_or_a_stale_choice_is_refused_with_a_message(client_of, closed_unit, sonv_staff):
    first, second = _successor("UBND phường Thành Sen"), _successor("UBND phường Trần Phú")
    _reorganise(LineageLink.Kind.SPLIT, closed_unit, first, second)
    finding = closed_unit.findings["recent"]
    staff = client_of(sonv_staff)
    url = reverse("inspections:handover_confirm", args=[finding.pk])
    response = staff.post(url, {}, follow=True)
    assert "Chọn đơn vị tiếp nhận tồn tại." in response.content.decode()
    chosen = FindingHandover.objects.get(finding=finding, unit=first)
    services.finding_handover_confirm(actor=sonv_staff, handover=chosen)
    with pytest.raises(services.InspectionError):
        services.finding_handover_confirm(actor=sonv_staff, handover=chosen)
    assert staff.post(url, {"handover": "abc"}).status_code == 302


def test_a_dissolved_units_shortcomings_go_nowhere_and_are_listed_to_staff(client_of, closed_unit, sonv_staff):
    _reorganise(LineageLink.Kind.DISSOLVE, closed_unit)
    assert not FindingHandover.objects.exists()
    orphans = list(selectors.findings_without_successor(today=D(2026, 1, 5)))
    assert {f.pk for f in orphans} == {closed_unit.findings["old"].pk, closed_unit.findings["recent"].pk}
    page = client_of(sonv_staff).get(reverse("inspections:handovers")).content.decode()
    assert closed_unit.findings["old"].text in page


def test_a_transfer_leaves_the_shortcomings_with_the_unit_that_goes_on():
    unit = UnitFactory(block=_block("so-nganh"))
    finding = add_shortcoming(_visit(_plan(2024), unit))
    _reorganise(LineageLink.Kind.TRANSFER, unit, UnitFactory(block=_block("so-nganh")))
    assert not FindingHandover.objects.exists()
    assert list(selectors.open_findings_for_unit(unit)) == [finding]


def test_a_shortcoming_follows_two_reorganisations_in_a_row(closed_unit):
    middle, last = _successor("UBND xã Thạch Lạc"), _successor("UBND xã Đồng Tiến")
    _reorganise(LineageLink.Kind.MERGE, closed_unit, middle)
    _reorganise(LineageLink.Kind.MERGE, middle, last, key="sap-xep-2027")
    assert set(selectors.open_findings_for_unit(last)) == {closed_unit.findings["old"], closed_unit.findings["recent"]}
    assert not selectors.open_findings_for_unit(middle).exists()


def test_the_same_links_sent_again_change_nothing(closed_unit):
    successor = _successor("UBND xã Thạch Lạc")
    links = _reorganise(LineageLink.Kind.MERGE, closed_unit, successor)
    lineage_imported.send(sender=None, links=links, actor=None)
    assert FindingHandover.objects.count() == 2


def test_the_appraisers_remediation_panel_shows_the_shortcomings_handed_to_the_unit(closed_unit):
    from scoring.selectors import remediation_findings

    successor = _successor("UBND xã Thạch Lạc")
    _reorganise(LineageLink.Kind.MERGE, closed_unit, successor)
    period = Period.objects.create(year=2025, title="Chỉ số CCHC năm 2025")
    assessment = Assessment.objects.create(period=period, unit=successor, framework=Framework.objects.create(period=period, block=successor.block))

    shown = remediation_findings(assessment)
    assert [f.pk for f in shown] == [closed_unit.findings["recent"].pk]
    assert shown[0].responsible_unit_name == "UBND xã Thạch Lạc"


@pytest.mark.parametrize("n", [2, 12])
def test_the_handovers_page_runs_a_constant_number_of_queries(client_of, sonv_staff, django_assert_max_num_queries, n):
    split, dissolved = (UnitFactory(block=_block("ubnd-xa"), valid_to=D(2025, 6, 30), active=False) for _ in range(2))
    plan = _plan(2024)
    for unit in (split, dissolved):
        visit = _visit(plan, unit)
        for _ in range(n):
            add_shortcoming(visit)
    _reorganise(LineageLink.Kind.SPLIT, split, _successor("UBND phường Thành Sen"), _successor("UBND phường Trần Phú"))
    _reorganise(LineageLink.Kind.DISSOLVE, dissolved, key="giai-the")
    client = client_of(sonv_staff)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("inspections:handovers")).content.decode()
    assert page.count('class="handover-confirm"') == n and page.count("list-group-item list-group-item-action") == n


def test_the_lineage_import_hands_the_closed_units_shortcomings_over_in_its_transaction(closed_unit, sonv_staff):
    from cchc.tabular import read_table, write_csv
    from units.lineage import LINEAGE_COLUMNS, lineage_import

    successor = UnitFactory(code="X-TL", name="UBND xã Thạch Lạc", block=_block("ubnd-xa"), valid_from=REFORM)
    closed_unit.valid_to, closed_unit.active = None, True  # still open: the import closes it
    closed_unit.save()
    row = ["NQ1665", "01/07/2025", "Nghị quyết 1665/NQ-UBTVQH15", "sáp nhập", closed_unit.code, successor.code]
    lineage_import(table=read_table(write_csv(LINEAGE_COLUMNS, [row]), "lineage.csv", LINEAGE_COLUMNS), actor=sonv_staff)

    assert set(selectors.open_findings_for_unit(successor)) == {closed_unit.findings["old"], closed_unit.findings["recent"]}
    assert FindingHandover.objects.filter(confirmed_by=sonv_staff, link__event__key="NQ1665").count() == 2


def test_a_successor_that_has_closed_since_cannot_take_a_split_unit_s_shortcoming(closed_unit, sonv_staff):
    import datetime

    first, second = _successor("UBND phường Thành Sen"), _successor("UBND phường Trần Phú")
    _reorganise(LineageLink.Kind.SPLIT, closed_unit, first, second)
    finding = closed_unit.findings["recent"]
    second.valid_to, second.active = datetime.date(2025, 12, 31), False
    second.save()
    with pytest.raises(services.InspectionError, match="đã ngừng hoạt động"):
        services.finding_handover_confirm(actor=sonv_staff, handover=FindingHandover.objects.get(finding=finding, unit=second))
    assert not FindingHandover.objects.filter(finding=finding, confirmed_at__isnull=False).exists()
