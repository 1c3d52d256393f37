"""A unit's block in a year is its roster entry's (its assessment's framework's), never its current
block: moving a unit to another block today, or closing it, rewrites nothing of an earlier or
running year — its appraisers, its scorecard, its ranking block, its dashboard, its files."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import scorecard
from scoring.models import AppraisalAssignment, Phase
from scoring.scope import assessment_access, member_scope, own_ranking_block_id
from scoring.selectors import appraisal_queue_lines, ranking_for_period
from scoring.selectors.home import council_work, unit_work
from scoring.services import PhaseError, roster_move
from tests.factories import UnitFactory, make_user
from units import roles
from units.models import Block, Unit

from .conftest import approve, fill_self, move

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraising(cycle):
    """2024 in appraisal; a second member appraises field 2 of the departments' block only."""
    fill_self(cycle.a)
    fill_self(cycle.b)
    cycle.period = move(cycle.period, Phase.APPRAISAL, cycle.staff)
    cycle.block_member = make_user(roles.COUNCIL, UnitFactory(code="STC-T", name="Sở Tài chính thử nghiệm"), username="council_block")
    AppraisalAssignment.objects.create(period=cycle.period, member=cycle.block_member, field_code="2", block=cycle.a.framework.block)
    return cycle


def picture(cycle, client) -> dict:
    """What the year says about unit A, read the way each page and document reads it."""
    a = cycle.a.__class__.objects.select_related("period", "unit", "framework__block").get(pk=cycle.a.pk)
    period = a.period
    member = cycle.block_member.__class__.objects.get(pk=cycle.block_member.pk)  # a fresh scope cache
    row = next(r for r in ranking_for_period(period) if r.unit.code == "UNIT-A")
    client.force_login(cycle.editor_a)
    own_period_page = client.get(reverse("scoring:period_detail", args=[period.year])).content.decode()
    framework_page = client.get(reverse("scoring:framework_detail", args=[a.framework_id])).status_code
    own_export = client.get(reverse("scoring:framework_export", args=[period.year])).content.decode().count("\n")
    return {
        "member_fields": member_scope(period, member, fresh=True).field_codes_for(a),
        "member_may_appraise": assessment_access(member, a).may_appraise("2.1.1"),
        "queue": sorted((line.assessment_id, line.field_code) for line in appraisal_queue_lines(period, member)),
        "council_work": council_work(period, member).to_appraise,
        "scorecard_block": scorecard.build_context(a)["block_name"],
        "ranking_block": row.block.code,
        "rank": row.rank,
        "own_ranking_block": own_ranking_block_id(cycle.editor_a, period),
        "unit_work": unit_work(period, cycle.editor_a).assessment.pk,
        "own_framework_on_period_page": "Khối Sở, ban, ngành cấp tỉnh" in own_period_page,
        "own_framework_page": framework_page,
        "own_framework_export_rows": own_export,
    }


def test_moving_a_unit_to_another_block_mid_appraisal_changes_nothing_of_the_year(appraising, client):
    before = picture(appraising, client)
    assert before["member_fields"] == {"2"} and before["member_may_appraise"] and before["own_framework_page"] == 200
    assert before["scorecard_block"] == "Khối Sở, ban, ngành cấp tỉnh" and before["own_framework_export_rows"] > 40
    districts = Block.objects.get(code="ubnd-huyen")
    Unit.objects.filter(pk=appraising.a.unit_id).update(block=districts)
    assert picture(appraising, client) == before
    # Nor can staff move it on the year's roster once its assessment is scored.
    with pytest.raises(PhaseError, match="chỉ chuyển khối khi kỳ đánh giá ở giai đoạn dự thảo"):
        roster_move(actor=appraising.staff, entry=appraising.period.roster.get(unit_id=appraising.a.unit_id), block=districts)
    assert picture(appraising, client) == before


def test_closing_a_unit_of_an_approved_year_changes_nothing_in_that_years_ranking_export(cycle):
    fill_self(cycle.a)
    fill_self(cycle.b, value="0.5")
    approve(cycle.period, cycle.staff)

    def export() -> bytes:
        out = io.StringIO()
        call_command("export_ranking", "--year", "2024", stdout=out, stderr=io.StringIO())
        return out.getvalue().encode("utf-8")

    before = export()
    assert b"UNIT-A" in before and b"so-nganh" in before
    # The 2025 reform: unit A ends on 30/06/2025, and what is left of it moves to another block.
    Unit.objects.filter(pk=cycle.a.unit_id).update(
        valid_to=datetime.date(2025, 6, 30), active=False, block=Block.objects.get(code="ubnd-huyen")
    )
    assert export() == before
