"""Units' self-inspection: coverage = sub-units inspected in the year ÷ the standing list, an
empty list is "chưa khai báo" (never 100 %), staff see who is below the province's share."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from monitoring import selectors, services
from monitoring.models import SelfInspection, SubUnit
from monitoring.services import MonitoringError
from tests.factories import UnitFactory

from .builders import YEAR, make_subunit

pytestmark = pytest.mark.django_db
END = datetime.date(YEAR, 12, 31)
AFTER = datetime.date(YEAR + 1, 3, 1)  # the year is over: its last day's list counts


def _plan(actor, subunit, day=datetime.date(YEAR, 5, 10), form="in_person"):
    return services.self_inspection_plan(actor=actor, unit=subunit.unit, year=YEAR, subunit=subunit, planned_date=day, form=form)


def _done(actor, inspection, day=datetime.date(YEAR, 5, 10)):
    return services.self_inspection_record(actor=actor, inspection=inspection, done_on=day, result="Thực hiện tốt quy chế.")


def _coverage(unit, today=AFTER):
    [row] = selectors.coverage(units=[unit], year=YEAR, today=today)
    return row


def test_coverage_is_the_share_of_the_standing_list_inspected_and_done_in_the_year(unit_a, unit_a_editor):
    office, legal, finance = (make_subunit(unit_a_editor, unit_a, name) for name in ("Văn phòng", "Phòng Pháp chế", "Phòng Tài chính"))
    _done(unit_a_editor, _plan(unit_a_editor, office))
    _plan(unit_a_editor, legal)  # planned, not yet done: does not count
    twice = _plan(unit_a_editor, office, day=datetime.date(YEAR, 9, 1))
    _done(unit_a_editor, twice, day=datetime.date(YEAR, 9, 1))  # the same division twice counts once
    row = _coverage(unit_a)
    assert (row.standing, row.inspected, row.rate_text) == (3, 1, "33,33 %")
    assert row.target == Decimal("50") and row.below_target
    _done(unit_a_editor, _plan(unit_a_editor, finance))
    row = _coverage(unit_a)
    assert row.rate_text == "66,67 %" and row.meets_target


def test_a_unit_without_a_list_has_not_declared_one_and_is_never_at_one_hundred_percent(unit_a):
    row = _coverage(unit_a)
    assert not row.declared and row.rate is None and row.rate_text == "chưa khai báo"
    assert not row.below_target and not row.meets_target


def test_a_division_taken_off_the_list_no_longer_counts_either_way(unit_a, unit_a_editor):
    make_subunit(unit_a_editor, unit_a, "Văn phòng")
    closed = make_subunit(unit_a_editor, unit_a, "Phòng sáp nhập")
    _done(unit_a_editor, _plan(unit_a_editor, closed))
    services.subunit_remove(actor=unit_a_editor, subunit=closed, removed_on=datetime.date(YEAR, 7, 1))
    row = _coverage(unit_a)
    assert (row.standing, row.inspected, row.rate_text) == (1, 0, "0,00 %")
    assert _coverage(unit_a, today=datetime.date(YEAR, 6, 1)).rate_text == "50,00 %"  # still on the list in June
    assert SelfInspection.objects.filter(subunit=closed).exists()


def test_a_division_listed_after_the_year_does_not_count_for_it(unit_a, unit_a_editor):
    make_subunit(unit_a_editor, unit_a, "Văn phòng")
    make_subunit(unit_a_editor, unit_a, "Phòng mới", listed_on=datetime.date(YEAR + 1, 1, 15))
    assert _coverage(unit_a).standing == 1


def test_the_provinces_share_is_a_setting_per_year_defaulting_to_half(sonv_staff, unit_a_editor, leader):
    assert selectors.min_share(YEAR) == Decimal("50")
    services.self_inspection_target_set(actor=sonv_staff, year=YEAR, min_share=Decimal("66.67"))
    assert selectors.min_share(YEAR) == Decimal("66.67") and selectors.min_share(YEAR + 1) == Decimal("50")
    for actor in (unit_a_editor, leader):
        with pytest.raises(MonitoringError, match="Chỉ Sở Nội vụ"):
            services.self_inspection_target_set(actor=actor, year=YEAR, min_share=Decimal("40"))
    for wrong in (Decimal("0"), Decimal("100.5"), Decimal("50.125")):
        with pytest.raises(MonitoringError):
            services.self_inspection_target_set(actor=sonv_staff, year=YEAR, min_share=wrong)
    assert AuditEvent.objects.filter(action="self_inspection_target.set").count() == 1


def test_staff_see_who_is_below_the_share_and_who_has_not_declared(sonv_staff, unit_a, unit_b, unit_a_editor, unit_b_editor, client_of):
    for name in ("Văn phòng", "Phòng Pháp chế"):
        make_subunit(unit_a_editor, unit_a, name)
    office_b = make_subunit(unit_b_editor, unit_b, "Văn phòng")
    _done(unit_b_editor, _plan(unit_b_editor, office_b))
    below = selectors.province_coverage(year=YEAR, today=AFTER, state="below")
    undeclared = selectors.province_coverage(year=YEAR, today=AFTER, state="undeclared")
    met = selectors.province_coverage(year=YEAR, today=AFTER, state="met")
    assert [c.unit for c in below] == [unit_a] and [c.unit for c in met] == [unit_b]
    assert unit_a not in [c.unit for c in undeclared] and sonv_staff.unit in [c.unit for c in undeclared]
    page = client_of(sonv_staff).get(reverse("monitoring:self_overview", args=[YEAR]), {"state": "below"}).content.decode()
    assert f'id="coverage-{unit_a.pk}"' in page and f'id="coverage-{unit_b.pk}"' not in page and "0,00 %" in page


def test_a_unit_closed_before_the_years_end_is_not_listed_for_it(sonv_staff):
    closed = UnitFactory(code="HUYEN-CU", valid_to=datetime.date(YEAR, 6, 30), active=False)
    assert closed not in [c.unit for c in selectors.province_coverage(year=YEAR, today=AFTER)]


def test_the_plan_takes_the_units_own_divisions_on_the_list_at_that_date_within_the_year(unit_a, unit_b, unit_a_editor, unit_b_editor):
    office = make_subunit(unit_a_editor, unit_a)
    other = make_subunit(unit_b_editor, unit_b)
    with pytest.raises(MonitoringError, match="thuộc danh sách của đơn vị"):
        services.self_inspection_plan(actor=unit_a_editor, unit=unit_a, year=YEAR, subunit=other, planned_date=datetime.date(YEAR, 5, 1), form="online")
    with pytest.raises(MonitoringError, match="trong năm 2025"):
        _plan(unit_a_editor, office, day=datetime.date(YEAR + 1, 1, 5))
    late = make_subunit(unit_a_editor, unit_a, "Phòng thành lập sau", listed_on=datetime.date(YEAR, 8, 1))
    with pytest.raises(MonitoringError, match="không có trong danh sách"):
        _plan(unit_a_editor, late, day=datetime.date(YEAR, 5, 1))


def test_only_the_unit_and_staff_change_a_units_self_inspection(unit_a, unit_a_editor, unit_b_editor, leader, sonv_staff):
    office = make_subunit(unit_a_editor, unit_a)
    for actor in (unit_b_editor, leader):
        with pytest.raises(MonitoringError, match="của đơn vị mình"):
            make_subunit(actor, unit_a, "Phòng khác")
        with pytest.raises(MonitoringError, match="của đơn vị mình"):
            _plan(actor, office)
    inspection = _plan(sonv_staff, office)
    _done(sonv_staff, inspection)


def test_findings_are_written_once_the_result_is(unit_a, unit_a_editor):
    inspection = _plan(unit_a_editor, make_subunit(unit_a_editor, unit_a))
    finding = {"field": "5", "kind": "shortcoming", "text": "Chưa công khai quy chế chi tiêu nội bộ.", "recommendation": "Công khai trong quý III."}
    with pytest.raises(MonitoringError, match="trước khi ghi"):
        services.self_inspection_finding_add(actor=unit_a_editor, inspection=inspection, **finding)
    _done(unit_a_editor, inspection)
    with pytest.raises(MonitoringError, match="cần có kiến nghị"):
        services.self_inspection_finding_add(actor=unit_a_editor, inspection=inspection, **{**finding, "recommendation": ""})
    services.self_inspection_finding_add(actor=unit_a_editor, inspection=inspection, **finding)
    assert inspection.findings.count() == 1
    with pytest.raises(MonitoringError, match="không sửa được kế hoạch"):
        services.self_inspection_plan(actor=unit_a_editor, unit=unit_a, year=YEAR, subunit=inspection.subunit, planned_date=datetime.date(YEAR, 6, 1), form="online", inspection=inspection)


def test_a_result_cannot_be_dated_in_the_future(unit_a, unit_a_editor):
    inspection = services.self_inspection_plan(
        actor=unit_a_editor, unit=unit_a, year=2100, subunit=make_subunit(unit_a_editor, unit_a), planned_date=datetime.date(2100, 1, 5), form="online"
    )
    with pytest.raises(MonitoringError, match="không được sau hôm nay"):
        services.self_inspection_record(actor=unit_a_editor, inspection=inspection, done_on=datetime.date(2100, 1, 5), result="Tốt.")


def test_the_standing_list_keeps_names_unique_and_a_removed_name_can_come_back(unit_a, unit_a_editor):
    office = make_subunit(unit_a_editor, unit_a, "Văn phòng")
    with pytest.raises(MonitoringError, match="Danh sách đã có “Văn phòng”"):
        make_subunit(unit_a_editor, unit_a, "Văn phòng")
    services.subunit_remove(actor=unit_a_editor, subunit=office)
    with pytest.raises(MonitoringError, match="đã được bỏ khỏi danh sách"):
        services.subunit_remove(actor=unit_a_editor, subunit=office)
    assert make_subunit(unit_a_editor, unit_a, "Văn phòng").pk != office.pk
    assert SubUnit.objects.filter(unit=unit_a).count() == 2


def test_the_overview_and_the_unit_page_run_a_constant_number_of_queries(sonv_staff, unit_a, unit_a_editor, client_of, django_assert_num_queries):
    office = make_subunit(unit_a_editor, unit_a)
    _done(unit_a_editor, _plan(unit_a_editor, office))

    def grow():
        for n in range(10):
            unit = UnitFactory(code=f"SO-{n:02d}")
            division = make_subunit(sonv_staff, unit, f"Phòng {n}")
            _done(sonv_staff, _plan(sonv_staff, division))
            extra = make_subunit(sonv_staff, unit_a, f"Phòng thêm {n}")
            inspection = _done(sonv_staff, _plan(sonv_staff, extra))
            services.self_inspection_finding_add(actor=sonv_staff, inspection=inspection, field="1", kind="strength", text="Tốt.")

    client = client_of(sonv_staff)
    urls = [reverse("monitoring:self_overview", args=[YEAR]), reverse("monitoring:self_unit", args=[unit_a.pk, YEAR])]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    grow()
    for url, count in zip(urls, counts):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
