"""The existing beat task run through a real Celery worker on the real broker (CI: PostgreSQL + Redis)."""

import datetime
import time
from importlib import import_module

import pytest

from inspections import services
from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit
from inspections.tasks import mark_overdue_findings
from tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _rows_of_data_migrations():
    """An earlier transactional test emptied the tables, the blocks of the data migration included."""
    from django.apps import apps

    import_module("units.migrations.0002_blocks_and_roles").create(apps, None)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_marks_a_shortcoming_past_its_deadline_as_overdue(celery_worker_process):
    unit = UnitFactory()
    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra công tác CCHC năm 2023")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=unit)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    day = datetime.date(2023, 5, 25)
    visit = Visit.objects.create(plan=plan, team=team, unit=unit, start_date=day, end_date=day)
    finding = services.finding_create(
        actor=None, visit=visit, field="7", kind=Finding.Kind.SHORTCOMING, text="Tỷ lệ hồ sơ trực tuyến thấp.",
        recommendation="Đẩy mạnh dịch vụ công trực tuyến.", severity=Finding.Severity.MEDIUM, deadline=datetime.date(2020, 1, 31),
    )
    mark_overdue_findings.delay()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        finding.refresh_from_db()
        if finding.overdue_since:
            break
        time.sleep(0.3)
    assert finding.overdue_since == datetime.date(2020, 2, 1), f"not marked; see {celery_worker_process['log']}"
