"""The plan's dashboard: every task in one state, completed = accepted by Sở Nội vụ, the rate
with two decimals rounded half up and a decimal comma, the same figures on the page and in the file."""

import datetime
import io
import itertools
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import selectors
from monitoring.models import PlanTask
from tests.factories import UnitFactory

from .builders import make_plan
from .helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
S = PlanTask.Status
LATE = datetime.date(2025, 4, 1)

# (status, overdue stamp, how many): 133 tasks as a province's plan has them.
MIX = [
    (S.ACCEPTED, None, 33), (S.ACCEPTED, LATE, 6),  # completed: 39, six of them late
    (S.REPORTED, None, 10), (S.REPORTED, LATE, 4),
    (S.IN_PROGRESS, None, 60), (S.RETURNED, None, 5), (S.IN_PROGRESS, LATE, 12), (S.RETURNED, LATE, 3),
]


def half_up_percent(part: int, whole: int) -> str:
    """The rate computed apart from the app: exact fractions, rounded half up by hand."""
    hundredths = Fraction(part * 100 * 100, whole)
    rounded = int(hundredths) + (1 if hundredths - int(hundredths) >= Fraction(1, 2) else 0)
    return f"{rounded // 100},{rounded % 100:02d} %"


def _fill(plan, units, mix=MIX):
    fields = itertools.cycle("12345678")
    leads = itertools.cycle(units)
    rows = []
    start = plan.tasks.count()
    for status, stamp, count in mix:
        for _ in range(count):
            n = start + len(rows) + 1
            rows.append(PlanTask(plan=plan, number=str(n), position=n, title=f"Nhiệm vụ {n}", field=next(fields), lead_unit=next(leads), status=status, overdue_since=stamp))
    PlanTask.objects.bulk_create(rows)
    return rows


@pytest.fixture
def province(sonv_staff, unit_a, unit_b):
    plan = make_plan(sonv_staff)
    units = [unit_a, unit_b, UnitFactory(code="UNIT-C")]
    return plan, units, _fill(plan, units)


def test_the_counts_put_every_task_in_one_state_and_the_rate_is_the_accepted_share(province):
    plan, _, rows = province
    counts = selectors.plan_dashboard(plan=plan).overall
    assert (counts.total, counts.completed, counts.awaiting_review, counts.on_time, counts.overdue) == (133, 39, 10, 65, 19)
    assert counts.completed + counts.awaiting_review + counts.on_time + counts.overdue == counts.total
    assert counts.rate_text == half_up_percent(39, 133) == "29,32 %"
    assert str(counts) == "133 nhiệm vụ, hoàn thành 39 = 29,32 %, chờ xác nhận 10, đang thực hiện trong hạn 65, quá hạn 19"


def test_by_field_and_by_unit_the_rates_are_each_groups_own_and_add_up_to_the_province(province):
    plan, units, rows = province
    dashboard = selectors.plan_dashboard(plan=plan)
    for code, _, counts in dashboard.by_field:
        mine = [r for r in rows if r.field == code]
        accepted = sum(1 for r in mine if r.status == S.ACCEPTED)
        assert (counts.total, counts.completed) == (len(mine), accepted)
        assert counts.rate_text == half_up_percent(accepted, len(mine))
    assert sum(c.total for _, _, c in dashboard.by_field) == sum(c.total for _, c in dashboard.by_unit) == 133
    assert [unit for unit, _ in dashboard.by_unit] == sorted(units, key=lambda u: (u.block.order, u.block.code, u.code))
    for unit, counts in dashboard.by_unit:
        mine = [r for r in rows if r.lead_unit == unit]
        assert counts.overdue == sum(1 for r in mine if r.overdue_since and r.status != S.ACCEPTED)
        assert counts.rate_text == half_up_percent(sum(1 for r in mine if r.status == S.ACCEPTED), len(mine))


@pytest.mark.parametrize("part, whole", [(1, 800), (1, 3), (2, 3), (39, 133), (1, 6), (7, 7), (0, 9), (1, 200)])
def test_the_rate_rounds_half_up_to_two_decimals(part, whole):
    assert selectors.format_share(selectors.share(part, whole)) == half_up_percent(part, whole)


def test_a_plan_without_tasks_has_no_rate_rather_than_zero(plan):
    counts = selectors.plan_dashboard(plan=plan).overall
    assert counts.rate is None and counts.rate_text == "—"


def test_the_dashboard_page_shows_the_selectors_figures_in_a_constant_number_of_queries(province, client_of, sonv_staff, unit_a, django_assert_num_queries):
    plan, units, _ = province
    client = client_of(sonv_staff)
    url = reverse("monitoring:plan", args=[plan.pk])
    assert "133 nhiệm vụ, hoàn thành 39 = 29,32 %" in client.get(url).content.decode()
    # Twice as many tasks and more lead units: the same queries.
    grow = lambda: _fill(plan, [*units, UnitFactory(code="UNIT-D"), UnitFactory(code="UNIT-E")], mix=[(S.IN_PROGRESS, None, 140)])  # noqa: E731
    response = assert_constant_queries(client, url, grow, django_assert_num_queries)
    assert "273 nhiệm vụ, hoàn thành 39 = 14,29 %" in response.content.decode()
    with CaptureQueriesContext(connection) as everything:
        client.get(url)
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"unit": unit_a.pk, "state": "overdue"})
    assert len(filtered) == len(everything) + 1  # the unit the filter names


def test_the_list_filters_by_state_field_and_unit(province, client_of, leader, unit_a):
    plan, _, rows = province
    client = client_of(leader)
    page = client.get(reverse("monitoring:plan", args=[plan.pk]), {"state": "overdue", "unit": unit_a.pk}).content.decode()
    expected = [r for r in rows if r.lead_unit == unit_a and r.overdue_since and r.status != S.ACCEPTED]
    assert f"({len(expected)})" in page


def test_the_export_carries_the_tasks_and_the_same_summary(province, client_of, leader):
    plan, _, _ = province
    response = client_of(leader).get(reverse("monitoring:plan_export", args=[plan.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    tasks, summary = workbook["Nhiệm vụ"], workbook["Tổng hợp"]
    assert tasks.max_row == 134 and [c.value for c in tasks[1]][:7] == ["stt", "nhiem_vu", "linh_vuc", "don_vi_chu_tri", "don_vi_phoi_hop", "thoi_han", "san_pham"]
    province_row = [c.value for c in summary[2]]
    assert province_row[:7] == ["Toàn tỉnh", "Kế hoạch CCHC năm 2025", 133, 39, 10, 65, 19] and province_row[7] == 29.32


def test_a_unit_sees_the_tasks_it_leads_or_supports_with_its_own_counts(plan, task_a, task_b, client_of, unit_a_editor, unit_b_editor):
    page_b = client_of(unit_b_editor).get(reverse("monitoring:my_tasks")).content.decode()
    assert "Nhiệm vụ số 1" in page_b and "Nhiệm vụ số 2" in page_b  # supports 1, leads 2
    assert 'data-count="total">1<' in page_b
    page_a = client_of(unit_a_editor).get(reverse("monitoring:my_tasks")).content.decode()
    assert "Nhiệm vụ số 1" in page_a and "Nhiệm vụ số 2" not in page_a


def test_the_units_own_list_runs_a_constant_number_of_queries(plan, task_a, client_of, unit_a_editor, unit_b, django_assert_num_queries):
    def grow():
        _fill(plan, [unit_a_editor.unit], mix=[(S.IN_PROGRESS, None, 30), (S.ACCEPTED, None, 10)])
        for task in PlanTask.objects.filter(plan=plan):
            task.supporting_units.add(unit_b)

    response = assert_constant_queries(client_of(unit_a_editor), reverse("monitoring:my_tasks"), grow, django_assert_num_queries)
    assert 'data-count="total">41<' in response.content.decode()
