"""Which content each persona is shown, for the parts of a page that depend on the cycle's stage.

The permission matrix says which URL answers; this one says what the answer holds. The world:
units A and B self-assessed; the council member of field 2 lowered A's row 2.3 with a reason.
Beside the cycle's usual personas, a member of another field (1) and a member of field 2 who
declared a conflict of interest with unit A.

Codes, in the order of PERSONAS:
  S  200 and the council's work is shown (the reason of 2.3, or the index column)
  H  200 and it is hidden            2  200 (nothing to look for)
  3  403                             4  404
"""

import pytest
from django.urls import reverse

from scoring.models import AppraisalAssignment, ConflictDeclaration, Phase
from tests.factories import UnitFactory, make_user
from tests.scoring.conftest import approve, cycle, fill_self, move, row  # noqa: F401 (cycle: the fixture)
from tests.scoring.test_assessment_services import appraise
from units import roles

pytestmark = pytest.mark.django_db

REASON = "Thiếu báo cáo quý IV gửi Sở Tư pháp."
INDEX_COLUMN = "Chỉ số</th>"
PERSONAS = ["unit_a_editor", "unit_b_editor", "member", "member_other_field", "member_with_conflict", "inspector", "leader", "staff"]


@pytest.fixture
def world(cycle, inspector, leader):
    other = make_user(roles.COUNCIL, UnitFactory(code="SXD-T", name="Sở Xây dựng thử nghiệm"), username="council_1")
    conflicted = make_user(roles.COUNCIL, UnitFactory(code="SYT-T", name="Sở Y tế thử nghiệm"), username="council_2c")
    fill_self(cycle.a)
    fill_self(cycle.b)
    move(cycle.period, Phase.APPRAISAL)
    AppraisalAssignment.objects.create(period=cycle.period, member=other, field_code="1")
    AppraisalAssignment.objects.create(period=cycle.period, member=conflicted, field_code="2")
    ConflictDeclaration.objects.create(period=cycle.period, member=conflicted, unit=cycle.a.unit, reason="Người nhà là lãnh đạo đơn vị.")
    appraise(cycle, "2.3", "1,5", reason=REASON)
    cycle.users = {
        "unit_a_editor": cycle.editor_a, "unit_b_editor": cycle.editor_b, "member": cycle.member, "member_other_field": other,
        "member_with_conflict": conflicted, "inspector": inspector, "leader": leader, "staff": cycle.staff,
    }
    return cycle


def pages(world) -> dict:
    a, score = world.a, row(world.a, "2.3")
    return {
        "assessment": (reverse("scoring:assessment_detail", args=[a.pk]), REASON),
        "history": (reverse("scoring:score_history", args=[score.pk]), REASON),
        "explanation": (reverse("scoring:assessment_explanation", args=[a.pk]), REASON),
        "finalization": (reverse("scoring:assessment_finalization", args=[a.pk]), REASON),
        "scorecard": (reverse("reports:panel", args=["scorecard", a.pk]), None),
        "progress": (reverse("scoring:appraisal_progress", args=[a.period.year]), INDEX_COLUMN),
        "decision": (reverse("reports:panel", args=["decision", a.period.pk]), None),
    }


# page: (stage, codes in the order of PERSONAS)
EXPECTED = {
    ("appraisal", "assessment"): "H 4 S H 4 4 4 S",
    ("appraisal", "history"): "H 4 S 4 4 4 4 S",
    ("appraisal", "explanation"): "4 4 S H 4 4 4 S",
    ("appraisal", "finalization"): "3 4 S H 4 4 4 S",
    # The scorecard prints every field: for those who see the whole assessment.
    ("appraisal", "scorecard"): "2 4 4 4 4 4 4 2",
    ("appraisal", "progress"): "3 3 3 3 3 3 H S",
    ("appraisal", "decision"): "4 4 2 2 2 4 4 2",
    ("explanation", "assessment"): "S 4 S H 4 4 4 S",
    ("explanation", "history"): "S 4 S 4 4 4 4 S",
    ("explanation", "explanation"): "S 4 S H 4 4 4 S",
    ("approved", "assessment"): "S 4 S H 4 4 S S",
    ("approved", "history"): "S 4 S 4 4 4 S S",
    ("approved", "scorecard"): "2 4 4 4 4 4 2 2",
    ("approved", "progress"): "3 3 3 3 3 3 S S",
    ("approved", "decision"): "2 2 2 2 2 4 2 2",
}


def observe(client, url: str, marker: str | None) -> str:
    response = client.get(url, HTTP_HX_REQUEST="true") if "lich-su" in url else client.get(url)
    if response.status_code != 200:
        return {403: "3", 404: "4"}.get(response.status_code, str(response.status_code))
    if marker is None:
        return "2"
    return "S" if marker in response.content.decode() else "H"


@pytest.mark.parametrize("stage", ["appraisal", "explanation", "approved"])
def test_each_persona_is_shown_exactly_the_parts_of_its_stage(world, client, stage):
    if stage == "explanation":
        move(world.period, Phase.EXPLANATION)
    elif stage == "approved":
        approve(world.period, world.staff)
    urls = pages(world)
    for (at, page), expected in EXPECTED.items():
        if at != stage:
            continue
        url, marker = urls[page]
        observed = []
        for persona in PERSONAS:
            client.force_login(world.users[persona])
            observed.append(observe(client, url, marker))
        assert " ".join(observed) == expected, f"{page} at {stage} ({url}), personas {PERSONAS}"
