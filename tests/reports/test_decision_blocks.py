"""Which blocks the province's decision covers (Period.decision_blocks): before 2025 each district
approved its own communes' index, so the province's decision, its public results and the ranking
file for the emulation review leave a block out; the internal ranking pages still show it."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from reports.registry import KINDS
from scoring.models import Period, Phase
from scoring.selectors import decision_block_ids, decision_ranking, ranking_for_period
from scoring.services import ScoringError, period_update
from tests.factories import UnitFactory
from units.models import Block

from .builders import approve, move, open_year, score_everyone

pytestmark = pytest.mark.django_db
SPEC = KINDS["decision"]
DISTRICT = "UBND huyện Thạch Hà thử nghiệm"
DEPARTMENT = "Sở Khoa học và Công nghệ thử nghiệm"


@pytest.fixture
def two_blocks(sonv_staff, unit_a, unit_b):
    """2023 in finalisation, scored: the departments' block (A, B, Sở Nội vụ) and one district."""
    UnitFactory(code="H-TH", name=DISTRICT, block=Block.objects.get(code="ubnd-huyen"))
    period = open_year(sonv_staff)
    score_everyone(period)
    return move(period, Phase.FINALIZATION, sonv_staff)


def cover_departments_only(period, staff, client_of):
    """Staff tick the departments' block on the period form."""
    departments = Block.objects.get(code="so-nganh")
    client = client_of(staff)
    form = client.get(reverse("scoring:period_edit", args=[period.year])).content.decode()
    assert 'name="decision_blocks"' in form and "Khối UBND huyện, thị xã, thành phố" in form
    data = {
        "title": period.title, "legal_basis": "", "band_excellent_min": "90", "band_good_min": "80", "band_fair_min": "70",
        "band_average_min": "50", "head_excellent_min": "90", "head_good_min": "80", "head_done_min": "50",
        "decision_blocks": [departments.pk],
    }
    response = client.post(reverse("scoring:period_edit", args=[period.year]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return departments


def test_staff_choose_the_blocks_of_the_decision_on_the_period_form_and_the_change_is_logged(two_blocks, sonv_staff, client_of):
    departments = cover_departments_only(two_blocks, sonv_staff, client_of)
    period = Period.objects.get(pk=two_blocks.pk)
    assert decision_block_ids(period) == {departments.pk}
    event = AuditEvent.objects.get(action="period.update")
    assert event.changes == {"decision_blocks": [[], ["so-nganh"]]}
    form = client_of(sonv_staff).get(reverse("scoring:period_edit", args=[2023])).content.decode()
    assert re.search(r'<input[^>]*name="decision_blocks"[^>]*value="%d"[^>]*checked' % departments.pk, form)


def test_a_block_without_units_on_the_roster_cannot_be_in_the_decision(two_blocks, sonv_staff):
    with pytest.raises(ScoringError, match="không có đơn vị nào trong danh sách được đánh giá năm 2023"):
        period_update(actor=sonv_staff, period=two_blocks, decision_blocks=[Block.objects.get(code="ubnd-xa")])
    assert decision_block_ids(Period.objects.get(pk=two_blocks.pk)) is None


def test_no_block_chosen_means_the_decision_covers_every_block(two_blocks):
    assert decision_block_ids(two_blocks) is None
    assert decision_ranking(two_blocks) == ranking_for_period(two_blocks)


def test_the_decision_public_results_and_ranking_file_carry_only_the_blocks_the_decision_covers(two_blocks, sonv_staff, client_of, client):
    cover_departments_only(two_blocks, sonv_staff, client_of)
    period = approve(Period.objects.get(pk=two_blocks.pk), sonv_staff)

    context = SPEC.build_context(period)
    assert [b["heading"] for b in context["results"]] == ["I. KHỐI SỞ, BAN, NGÀNH CẤP TỈNH"]
    assert context["subject_line"].endswith("năm 2023 của các sở, ban, ngành")
    assert "(3 cơ quan, đơn vị, địa phương;" in context["articles"][0][1]
    assert DISTRICT not in str(context["heads"])

    client.logout()
    public = client.get(reverse("public:results", args=[2023])).content.decode()
    assert DEPARTMENT in public and DISTRICT not in public

    out = io.StringIO()
    call_command("export_ranking", "--year", "2023", "--decision-blocks", stdout=out, stderr=io.StringIO())
    assert "so-nganh" in out.getvalue() and "ubnd-huyen" not in out.getvalue()
    out = io.StringIO()
    call_command("export_ranking", "--year", "2023", stdout=out, stderr=io.StringIO())
    assert "ubnd-huyen" in out.getvalue()

    staff = client_of(sonv_staff)
    whole = staff.get(reverse("scoring:results_export", args=[2023]), {"format": "csv"}).content.decode()
    assert DEPARTMENT in whole and DISTRICT not in whole
    one = staff.get(reverse("scoring:results_export", args=[2023]), {"format": "csv", "khoi": "ubnd-huyen"}).content.decode()
    assert DISTRICT in one


def test_the_internal_ranking_pages_still_show_every_block(two_blocks, sonv_staff, client_of):
    cover_departments_only(two_blocks, sonv_staff, client_of)
    period = approve(Period.objects.get(pk=two_blocks.pk), sonv_staff)
    client = client_of(sonv_staff)
    page = client.get(reverse("scoring:results_ranking", args=[2023, "ubnd-huyen"])).content.decode()
    assert DISTRICT in page and "Khối này không thuộc quyết định phê duyệt của tỉnh." in page
    assert "Các khối trong quyết định" in page
    overview = client.get(reverse("scoring:results_overview", args=[2023])).content.decode()
    assert "Khối UBND huyện, thị xã, thành phố" in overview
    assert {r.block.code for r in ranking_for_period(period)} == {"so-nganh", "ubnd-huyen"}
