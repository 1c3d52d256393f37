"""The monitoring demo (monitoring/demo.py, the last step of seed_demo): 2026's plan with tasks in
every state, periodic reports on time and late, initiatives at each stage, self-inspection above
and below the share, and the 2023 emulation package's rule.

Seeding takes seconds, so the module seeds one database and every test reads it, as
tests/test_demo_reform.py does: inside a transaction of the module, rolled back at the end."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from monitoring import selectors
from monitoring.models import EmulationRule, Initiative, PlanTask, ReformPlan, ReportSubmission, SelfInspection, SubUnit, TaskReport
from monitoring.selectors.reports import LATE, MISSING, ON_TIME, PENDING
from scoring.models import Period
from scoring.selectors import decision_ranking
from units.management.commands.seed_demo import seed_from_2025, seed_until_2024
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("monitoring-demo")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp / "media"):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            seed_until_2024(out)
            seed_from_2025(out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    cache.clear()


def test_the_2026_plan_is_marked_as_demo_data_and_holds_tasks_in_every_state(demo):
    plan = ReformPlan.objects.get(year=2026)
    assert "minh họa" in plan.title and not plan.number
    counts = selectors.plan_dashboard(plan=plan).overall
    assert min(counts.completed, counts.awaiting_review, counts.on_time, counts.overdue) >= 2
    statuses = set(plan.tasks.values_list("status", flat=True))
    assert statuses == {PlanTask.Status.IN_PROGRESS, PlanTask.Status.REPORTED, PlanTask.Status.ACCEPTED, PlanTask.Status.RETURNED}
    assert plan.tasks.filter(status=PlanTask.Status.RETURNED).exclude(review_comment="").count() == 2
    assert plan.tasks.filter(deadline__isnull=True).exists()  # done all year round, never overdue
    assert TaskReport.objects.filter(task__plan=plan, kind=TaskReport.Kind.PROGRESS).exists()


def test_the_tasks_go_to_the_agencies_and_to_the_new_xa_and_phuong(demo):
    leads = Unit.objects.filter(led_plan_tasks__plan__year=2026).distinct()
    assert {u.block.code for u in leads} == {"so-nganh", "ubnd-xa-phuong"}
    assert leads.filter(name__startswith="Phường").exists() and leads.filter(name__startswith="Xã").exists()
    assert leads.filter(code="SKHCN").exists() and leads.filter(code="18619").exists()  # the two units with demo logins
    overdue_communes = PlanTask.objects.filter(plan__year=2026, overdue_since__isnull=False, lead_unit__block__code="ubnd-xa-phuong")
    assert overdue_communes.exists()


def test_the_2026_reports_came_some_on_time_some_late_and_the_yearly_one_is_due_in_2027(demo):
    dues, rows, _ = selectors.report_matrix(year=2026, today=timezone.localdate())
    assert [(d.kind, d.due_date.year) for d in dues] == [("q1", 2026), ("h1", 2026), ("m9", 2026), ("year", 2027)]
    states = {row[0].code: [cell.state for cell in row[1]] for row in rows if row[0].code in ("SKHCN", "18619")}
    assert states["SKHCN"][:3] == [ON_TIME, ON_TIME, LATE] and states["18619"][:3] == [LATE, ON_TIME, ON_TIME]
    yearly = PENDING if timezone.localdate() <= dues[3].due_date else MISSING
    assert states["SKHCN"][3] == states["18619"][3] == yearly
    assert ReportSubmission.objects.filter(unit__code="18619", due__kind="h1").count() == 2  # a corrected version


def test_initiatives_are_at_every_stage_and_made_up_decision_numbers_say_so(demo):
    initiatives = Initiative.objects.filter(year=2026)
    assert set(initiatives.values_list("status", flat=True)) == set(Initiative.Status.values)
    for initiative in initiatives.filter(status__in=[Initiative.Status.RECOGNISED, Initiative.Status.REPLICATED]):
        assert "minh họa" in initiative.decision_number
    replicated = initiatives.get(status=Initiative.Status.REPLICATED)
    assert replicated.unit.code == "18619" and replicated.adopters.count() == 2


def test_self_inspection_covers_some_units_above_and_some_below_half_and_one_has_no_list(demo):
    units = list(Unit.objects.filter(code__in=["SKHCN", "18619", "STC", "18628", "SYT"]).order_by("code"))
    coverage = {c.unit.code: c for c in selectors.coverage(units=units, year=2026, today=timezone.localdate())}
    assert coverage["SKHCN"].meets_target and coverage["18619"].meets_target
    assert coverage["STC"].below_target and coverage["18628"].below_target
    assert not coverage["SYT"].declared
    assert SelfInspection.objects.filter(year=2026, status=SelfInspection.Status.PLANNED).exists()


def test_the_2023_emulation_package_proposes_the_published_units_classified_xuat_sac(demo):
    period = Period.objects.get(year=2023)
    rule = EmulationRule.objects.get(period=period)
    assert rule.classifications == ["Xuất sắc"] and rule.top_n_per_block is None
    package = selectors.emulation_package(period=period)
    excellent = [r.unit.code for r in decision_ranking(period) if r.classification == "Xuất sắc"]
    assert [line.row.unit.code for line in package.proposed] == excellent
    assert excellent[:3] == ["SKHCN", "STTTT", "SNGV"]  # the 2023 decision's top three sở
    assert {"TP-HT", "TX-KA", "TW-HQ"} <= set(excellent)
    assert [b.block.code for b in package.blocks] == ["so-nganh", "ubnd-huyen", "co-quan-tw"]  # the communes were the districts'


def test_seeding_again_changes_nothing(demo):
    models = (ReformPlan, PlanTask, TaskReport, ReportSubmission, Initiative, SubUnit, SelfInspection, EmulationRule, AuditEvent)
    before = [m.objects.count() for m in models]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert [m.objects.count() for m in models] == before
    assert "Kế hoạch CCHC năm 2026: dữ liệu mẫu đã có, giữ nguyên." in out.getvalue()
    assert "Tiêu chí đề nghị khen thưởng năm 2023: đã có, giữ nguyên." in out.getvalue()
