"""The totals stored on each assessment, which the ranking reads, always equal the live aggregate
of its score rows: every service that writes a score keeps them, and the command repairs them."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from cchc.tabular import read_table
from scoring.models import Assessment, Phase, Score
from scoring.selectors import assessment_totals, stored_totals
from scoring.services import (
    SCORE_COLUMNS,
    SCORE_REQUIRED,
    score_set_appraisal,
    score_set_final,
    score_set_self,
    scores_import,
)

from .conftest import assessment_of, fill_self, move, row

pytestmark = pytest.mark.django_db


def stored(assessment):
    return stored_totals(Assessment.objects.get(pk=assessment.pk))


def assert_in_step(assessment):
    live, kept = assessment_totals(assessment), stored(assessment)
    assert (kept.earned, kept.maximum, kept.deducted, kept.index) == (live.earned, live.maximum, live.deducted, live.index)
    assert kept.fields == live.fields
    assert Assessment.objects.get(pk=assessment.pk).total_index == live.index


def test_opening_a_period_stores_each_units_maximum_before_anything_is_scored(cycle):
    kept = stored(cycle.a)
    assert kept.earned == 0 and kept.maximum == Decimal("100.00") and kept.index == 0
    assert_in_step(cycle.a)


def test_every_stage_of_the_cycle_keeps_the_stored_totals_in_step(cycle):
    a = cycle.a
    score = row(a, "1.1.1")
    score_set_self(actor=cycle.editor_a, score=score, value="1", expected_version=score.version)
    assert stored(a).earned == Decimal("1.00")
    score = row(a, "1.3.1")
    score_set_self(actor=cycle.editor_a, score=score, not_applicable=True, expected_version=score.version)
    assert stored(a).maximum < Decimal("100.00")
    assert_in_step(a)

    fill_self(a)
    move(cycle.period, Phase.APPRAISAL)
    score = row(a, "2.1.1")
    score_set_appraisal(actor=cycle.member, score=score, value="0", reason="Không có kế hoạch", expected_version=score.version)
    assert_in_step(a)

    move(cycle.period, Phase.FINALIZATION)
    score = row(a, "2.1.1")
    score_set_final(actor=cycle.staff, score=score, value=score.criterion.max_score, note="Chấp nhận giải trình", expected_version=score.version)
    assert_in_step(a)


def test_a_survey_import_stores_the_totals_of_every_unit_it_changed(cycle):
    move(cycle.period, Phase.APPRAISAL)
    text = "unit_code,criterion_code,score,note\nUNIT-A,8.1,\"10,5\",\nUNIT-B,8.1,12,\n"
    table = read_table(text.encode("utf-8"), "diem.csv", SCORE_COLUMNS, required=SCORE_REQUIRED)
    scores_import(table=table, period=cycle.period, stage="survey", actor=cycle.staff, source="diem.csv")
    assert stored(cycle.a).earned == Decimal("10.50") and stored(cycle.b).earned == Decimal("12.00")
    assert_in_step(cycle.a)
    assert_in_step(cycle.b)


def test_the_command_repairs_totals_after_a_write_past_the_application(cycle, unit_a_editor):
    Score.objects.filter(assessment=cycle.a, criterion__code="1.1.1").update(self_score=1)
    assert stored(cycle.a).earned == 0
    call_command("refresh_totals", year=cycle.period.year)
    assert stored(cycle.a).earned == Decimal("1.00")
    assert_in_step(assessment_of(cycle.period, unit_a_editor.unit))
