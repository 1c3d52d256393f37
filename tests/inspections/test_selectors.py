import datetime

import pytest

from inspections import selectors
from inspections.models import DelegationMember, InspectionPlan, Visit
from tests.factories import UnitFactory
from units.models import Block

from .conftest import add_shortcoming

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 5, 25)


def _all_warnings(plan):
    return selectors.visit_warnings(selectors.plan_visits(plan=plan))


def test_a_team_booked_at_two_units_on_the_same_day_is_warned_on_both(plan, team_1, visit_a, unit_b):
    other = Visit.objects.create(plan=plan, team=team_1, unit=unit_b, start_date=DAY - datetime.timedelta(days=1), end_date=DAY)
    warnings = _all_warnings(plan)
    assert "trùng ngày" in " ".join(warnings[visit_a.pk]) and unit_b.name in " ".join(warnings[visit_a.pk])
    assert "trùng ngày" in " ".join(warnings[other.pk])


def test_two_teams_on_the_same_day_or_one_team_on_consecutive_days_are_fine(plan, team_1, team_2, visit_a, unit_b):
    Visit.objects.create(plan=plan, team=team_2, unit=unit_b, start_date=DAY, end_date=DAY)
    Visit.objects.create(plan=plan, team=team_1, unit=UnitFactory(), start_date=DAY + datetime.timedelta(days=1), end_date=DAY + datetime.timedelta(days=1))
    assert _all_warnings(plan) == {}


def test_a_member_inspecting_their_own_unit_or_a_commune_of_the_trip_is_warned(plan, team_1, visit_a, unit_a):
    commune = UnitFactory(name="UBND xã Đức Lĩnh")
    visit_a.also_units.add(commune)
    team_1.members.add(DelegationMember.objects.create(plan=plan, full_name="Nguyễn Văn Lợi", unit=unit_a))
    team_1.members.add(DelegationMember.objects.create(plan=plan, full_name="Hồ Thị Thanh", unit=commune))
    text = " ".join(_all_warnings(plan)[visit_a.pk])
    assert "Nguyễn Văn Lợi công tác tại" in text and "Hồ Thị Thanh công tác tại UBND xã Đức Lĩnh" in text


def _district(code, name):
    return UnitFactory(code=code, name=name, block=Block.objects.get(code="ubnd-huyen"))


def _commune(code, parent):
    return UnitFactory(code=code, name=f"UBND xã {code}", block=Block.objects.get(code="ubnd-xa"), parent=parent)


def test_the_scope_check_compares_targets_with_the_planned_visits(team_1):
    plan = team_1.plan
    plan.min_districts, plan.min_communes_per_district, plan.min_departments = 2, 2, 1
    plan.save()
    vq, hk = _district("H-VQ", "UBND huyện Vũ Quang"), _district("H-HK", "UBND huyện Hương Khê")
    trip = Visit.objects.create(plan=plan, team=team_1, unit=vq, start_date=DAY, end_date=DAY)
    trip.also_units.add(_commune("X-1", vq), _commune("X-2", vq))
    Visit.objects.create(plan=plan, team=team_1, unit=hk, start_date=DAY, end_date=DAY).also_units.add(_commune("X-3", hk))
    lines = {line.label: line for line in selectors.scope_check(plan=plan)}
    assert lines["UBND cấp huyện"].met and lines["UBND cấp huyện"].actual == "2"
    communes = lines["UBND cấp xã của mỗi huyện được kiểm tra"]
    assert not communes.met and "Hương Khê" in communes.detail and "Vũ Quang" not in communes.detail
    assert not lines["Sở, ban, ngành"].met


def test_all_districts_means_every_active_district(team_1):
    plan = team_1.plan
    plan.all_districts = True
    plan.save()
    vq = _district("H-VQ", "UBND huyện Vũ Quang")
    _district("H-LH", "UBND huyện Lộc Hà")
    Visit.objects.create(plan=plan, team=team_1, unit=vq, start_date=DAY, end_date=DAY)
    line = selectors.scope_check(plan=plan)[0]
    assert not line.met and "Lộc Hà" in line.detail and "Vũ Quang" not in line.detail


def test_an_inspector_sees_only_the_visits_and_findings_of_their_own_team(inspector, shortcoming_a, shortcoming_b, visit_a):
    assert list(selectors.visits_for_user(inspector)) == [visit_a]
    assert list(selectors.findings_for_user(inspector)) == [shortcoming_a]
    assert list(selectors.plans_for_user(inspector)) == [visit_a.plan]


def test_a_unit_editor_sees_their_units_findings_only(unit_a_editor, shortcoming_a, shortcoming_b):
    assert list(selectors.findings_for_user(unit_a_editor)) == [shortcoming_a]
    assert not selectors.visits_for_user(unit_a_editor).exists()
    assert list(selectors.open_findings_for_unit(unit_a_editor.unit)) == [shortcoming_a]


@pytest.mark.parametrize("n_units", [2, 30])
def test_the_tracker_counts_in_one_query_whatever_the_number_of_findings(team_1, inspector, django_assert_num_queries, n_units):
    plan = team_1.plan
    for i in range(n_units):
        unit = UnitFactory()
        visit = Visit.objects.create(plan=plan, team=team_1, unit=unit, start_date=DAY, end_date=DAY)
        for _ in range(3):
            add_shortcoming(visit, actor=inspector)
    with django_assert_num_queries(1):
        rows, totals = selectors.tracker_counts(plan=plan)
    assert len(rows) == n_units and totals["total"] == 3 * n_units and totals["open"] == 3 * n_units


def test_tracker_counts_split_statuses_and_overdue(reported_a, shortcoming_b, sonv_staff):
    from inspections import services

    services.findings_mark_overdue(today=datetime.date(2024, 3, 1))
    rows, totals = selectors.tracker_counts()
    by_unit = {r["owner_unit__code"]: r for r in rows}
    assert by_unit["UNIT-A"]["reported"] == 1 and by_unit["UNIT-A"]["overdue"] == 0
    assert by_unit["UNIT-B"]["open"] == 1 and by_unit["UNIT-B"]["overdue"] == 1
    assert totals == {"total": 2, "open": 1, "reported": 1, "returned": 0, "closed": 0, "overdue": 1}


def test_plans_list_counts_visits_and_teams(sonv_staff, visit_a, visit_b):
    plan = selectors.plan_list(user=sonv_staff).get()
    assert (plan.visit_count, plan.team_count) == (2, 2)
    assert isinstance(plan, InspectionPlan)
