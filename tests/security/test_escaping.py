"""Text typed by users comes back escaped on every page that shows it.

Each free-text field gets a script and an attribute breaker; no page may return them raw."""

import datetime

import pytest
from django.urls import reverse

from inspections import services as inspection_services
from inspections.models import Finding, Visit
from scoring.models import Criterion, Score
from tests.scoring.conftest import assessment_of, open_period, row
from units.models import Unit

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("cchc")</script>'
BREAKER = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"Nội dung {SCRIPT} {BREAKER}"


def _assert_escaped(html: str, where: str):
    assert SCRIPT not in html, f"raw <script> on {where}"
    assert "<img src=x" not in html, f"raw attribute breaker on {where}"
    assert "&lt;script&gt;alert(" in html, f"the text itself should still be shown on {where}"


def test_unit_fields_are_escaped_in_the_directory_and_detail(client_of, sonv_staff, unit_a):
    Unit.objects.filter(pk=unit_a.pk).update(name=PAYLOAD, short_name=PAYLOAD, address=PAYLOAD)
    client = client_of(sonv_staff)
    _assert_escaped(client.get(reverse("units:list")).content.decode(), "unit list")
    _assert_escaped(client.get(reverse("units:detail", args=[unit_a.pk])).content.decode(), "unit detail")


def test_criteria_and_score_notes_are_escaped_on_the_scoring_pages(client_of, sonv_staff, unit_a, unit_a_editor):
    period = open_period()
    assessment = assessment_of(period, unit_a)
    score = row(assessment, "1.1.1")
    Criterion.objects.filter(pk=score.criterion_id).update(title=PAYLOAD, guidance=PAYLOAD)
    Score.objects.filter(pk=score.pk).update(self_note=PAYLOAD, appraisal_reason=PAYLOAD, explanation=PAYLOAD, council_note=PAYLOAD)
    framework = assessment.framework
    for client, url, where in [
        (client_of(unit_a_editor), reverse("scoring:assessment_detail", args=[assessment.pk]), "self-assessment page"),
        (client_of(sonv_staff), reverse("scoring:framework_detail", args=[framework.pk]), "framework tree"),
        (client_of(sonv_staff), reverse("scoring:appraisal_sheet", args=[assessment.pk, "1"]), "appraisal sheet"),
    ]:
        _assert_escaped(client.get(url).content.decode(), where)


def test_inspection_texts_are_escaped_on_visit_finding_and_tracker(client_of, sonv_staff, inspector, unit_a):
    from inspections.models import DelegationMember, InspectionPlan, Team

    plan = InspectionPlan.objects.create(year=2023, title=PAYLOAD, number="1/KH", purpose=PAYLOAD)
    leader = DelegationMember.objects.create(plan=plan, full_name=PAYLOAD, unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    day = datetime.date(2023, 5, 25)
    visit = Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day, notes=PAYLOAD)
    finding = inspection_services.finding_create(
        actor=inspector, visit=visit, field="3", kind=Finding.Kind.SHORTCOMING, text=PAYLOAD, recommendation=PAYLOAD,
        severity=Finding.Severity.HIGH, deadline=datetime.date(2023, 12, 31),
    )
    client = client_of(sonv_staff)
    for url, where in [
        (reverse("inspections:plan", args=[plan.pk]), "plan"),
        (reverse("inspections:visit", args=[visit.pk]), "visit"),
        (reverse("inspections:finding", args=[finding.pk]), "finding"),
        (reverse("inspections:tracker"), "tracker"),
        (reverse("inspections:schedule"), "schedule"),
    ]:
        _assert_escaped(client.get(url).content.decode(), where)
