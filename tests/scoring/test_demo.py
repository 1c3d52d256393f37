import io

import pytest
from django.core.management import call_command
from django.db.models import F

from audit.models import AuditEvent
from scoring.models import Assessment, Phase, Score
from scoring.selectors import approval_for_period, assessment_totals_for_period, results_published

pytestmark = pytest.mark.django_db


def top_three(period, block_code):
    totals = assessment_totals_for_period(period)
    assessments = Assessment.objects.filter(period=period, unit__block__code=block_code).select_related("unit")
    ranked = sorted(assessments, key=lambda a: totals[a.pk].index, reverse=True)
    return [a.unit.code for a in ranked[:3]]


def test_the_demo_runs_2023_to_approved_and_2024_to_appraisal_and_a_second_run_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    a2023 = Assessment.objects.filter(period__year=2023).select_related("period").first()
    period_2023, period_2024 = a2023.period, Assessment.objects.filter(period__year=2024).first().period
    assert period_2023.phase == Phase.APPROVED and period_2024.phase == Phase.APPRAISAL
    approval = approval_for_period(period_2023)
    assert results_published(period_2023) and approval.decision_number == "519/QĐ-UBND"
    assert [r["unit_code"] for r in approval.snapshot if r["block"] == "so-nganh"][:3] == ["SKHCN", "STTTT", "SNGV"]
    assert top_three(period_2023, "so-nganh") == ["SKHCN", "STTTT", "SNGV"]
    assert top_three(period_2023, "ubnd-huyen") == ["TP-HT", "TX-KA", "H-TH"]
    assert top_three(period_2023, "co-quan-tw") == ["TW-HQ", "TW-CA", "TW-THUE"]
    scores_2023 = Score.objects.filter(assessment__period=period_2023)
    assert scores_2023.filter(appraised_score__lt=F("self_score")).exists()
    assert scores_2023.exclude(explanation="").exists() and scores_2023.filter(not_applicable=True).exists()
    assert scores_2023.filter(criterion__kind="deduction", appraised_score__gt=0).exists()
    assert Assessment.objects.get(period=period_2024, unit__code="STTTT").status == Assessment.Status.SUBMITTED
    assert Assessment.objects.get(period=period_2024, unit__code="TW-THUE").status == Assessment.Status.CLOSED
    assert Score.objects.filter(assessment__period=period_2024, appraised_at__isnull=False).exists()
    assert Score.objects.filter(assessment__period=period_2024, appraised_at__isnull=True, criterion__kind="self").exists()
    events = AuditEvent.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert AuditEvent.objects.count() == events
