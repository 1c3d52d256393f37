"""The results pages: who sees what before and after publication, and their query budgets."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from scoring.models import Assessment, Criterion, Framework, Kind, Period, Phase, Score
from scoring.services import approval_record, approval_set_decision, assessment_totals_refresh, period_advance
from units.models import Block

from .results_helpers import give, results_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(sonv_staff, unit_a_editor, unit_b_editor):
    period = results_period(actor=sonv_staff)
    give(period, unit_a_editor.unit, "950")
    give(period, unit_b_editor.unit, "800", deduction="1")
    give(period, sonv_staff.unit, "700")
    Score.objects.filter(assessment__unit=unit_a_editor.unit, criterion__code="1.1").update(
        appraised_score=Decimal("900"), appraisal_reason="Thiếu báo cáo quý IV", explanation="Đã bổ sung báo cáo", final_score=Decimal("950"),
        explanation_verdict=Score.Verdict.ACCEPTED,
    )
    assessment_totals_refresh(period=period)
    return period


def publish(period, staff):
    approval = approval_record(actor=staff, period=period, council_approved_on=datetime.date(2025, 2, 20), minutes_ref="BB 05")
    approval_set_decision(actor=staff, approval=approval, decision_number="519/QĐ-UBND", decision_date=datetime.date(2025, 2, 23),
                          signer_name="Trần Báu Hà", signer_title="Phó Chủ tịch")
    return period_advance(actor=staff, period=period)


def ranking_url(period):
    return reverse("scoring:results_ranking", args=[period.year, "so-nganh"])


def unit_url(period, unit):
    return reverse("scoring:results_unit", args=[period.year, unit.pk])


def test_before_publication_the_ranking_is_for_the_council_and_staff_only_and_marked_provisional(
    results, client_of, sonv_staff, council_member, leader, unit_a_editor, inspector
):
    for user in (sonv_staff, council_member):
        response = client_of(user).get(ranking_url(results))
        assert response.status_code == 200
        assert "Kết quả tạm tính — chưa được Hội đồng thông qua/UBND tỉnh phê duyệt" in response.content.decode()
    for user in (leader, unit_a_editor, inspector):
        assert client_of(user).get(ranking_url(results)).status_code == 403
        assert client_of(user).get(reverse("scoring:results_export", args=[results.year])).status_code == 403


def test_a_unit_editor_sees_nothing_of_the_results_before_publication(results, client_of, unit_a_editor):
    client = client_of(unit_a_editor)
    response = client.get(unit_url(results, unit_a_editor.unit))
    html = response.content.decode()
    assert response.status_code == 200 and "Kết quả chưa được công bố" in html
    assert "95,05" not in html and "Thiếu báo cáo quý IV" not in html and "Xếp hạng" not in html
    assert client.get(reverse("scoring:results_home")).status_code == 200
    assert client.get(reverse("public:results", args=[results.year])).status_code == 404


def test_after_publication_a_unit_editor_sees_everything_of_their_own_unit(results, client_of, sonv_staff, unit_a_editor, unit_b_editor):
    publish(results, sonv_staff)
    client = client_of(unit_a_editor)
    assert client.get(reverse("scoring:results_home")).url == unit_url(results, unit_a_editor.unit)
    html = client.get(unit_url(results, unit_a_editor.unit)).content.decode()
    assert "95,05%" in html and "1/3" in html and "Xuất sắc" in html and "Hoàn thành xuất sắc nhiệm vụ" in html
    assert "Thiếu báo cáo quý IV" in html and "Đã bổ sung báo cáo" in html and "Chấp nhận" in html
    assert "tạm tính" not in html
    ranking = client.get(ranking_url(results))
    assert ranking.status_code == 200 and unit_b_editor.unit.name in ranking.content.decode()
    assert client.get(reverse("scoring:results_export", args=[results.year])).status_code == 200


def test_another_units_results_page_does_not_exist_for_a_unit_editor(results, client_of, sonv_staff, unit_a_editor, unit_b_editor):
    assert client_of(unit_a_editor).get(unit_url(results, unit_b_editor.unit)).status_code == 404
    publish(results, sonv_staff)
    assert client_of(unit_a_editor).get(unit_url(results, unit_b_editor.unit)).status_code == 404


def test_a_leader_gets_403_before_publication_and_every_page_after_it(results, client_of, sonv_staff, leader, unit_a_editor):
    client = client_of(leader)
    urls = [ranking_url(results), unit_url(results, unit_a_editor.unit), reverse("scoring:results_overview", args=[results.year])]
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    publish(results, sonv_staff)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert client.get(reverse("scoring:results_matrix", args=[results.year])).status_code == 403


def test_a_unit_editor_does_not_see_another_blocks_ranking(results, client_of, sonv_staff, unit_a_editor):
    framework = Framework.objects.create(period=results, block=Block.objects.get(code="ubnd-xa"))
    Criterion.objects.create(framework=framework, code="1", title="Lĩnh vực", max_score=1, kind=Kind.SELF)
    publish(results, sonv_staff)
    assert client_of(unit_a_editor).get(reverse("scoring:results_ranking", args=[results.year, "ubnd-xa"])).status_code == 404


def test_a_reopen_unpublishes_the_results(results, client_of, sonv_staff, leader):
    from scoring.services import period_reopen

    period = publish(results, sonv_staff)
    period_reopen(actor=sonv_staff, period=period, to_phase=Phase.FINALIZATION, reason="Rà soát")
    assert client_of(leader).get(ranking_url(results)).status_code == 403
    assert client_of(leader).get(reverse("public:results", args=[results.year])).status_code == 404


def test_the_public_page_lists_only_published_years(results, client, sonv_staff):
    other = Period.objects.create(year=2022, title="Chỉ số 2022", phase=Phase.APPROVED)  # approved but never through an approval
    assert client.get(reverse("public:results", args=[results.year])).status_code == 404
    assert client.get(reverse("public:results", args=[other.year])).status_code == 404
    publish(results, sonv_staff)
    listing = client.get(reverse("public:results_list")).content.decode()
    assert "năm 2024" in listing and "năm 2022" not in listing
    page = client.get(reverse("public:results", args=[results.year])).content.decode()
    assert "95,05" in page and "Xuất sắc" in page and "Thiếu báo cáo" not in page and "LV 1" not in page


def test_the_council_records_the_approval_and_staff_the_decision_from_the_ranking_page(results, client_of, council_member, sonv_staff):
    response = client_of(council_member).post(
        reverse("scoring:approval_record", args=[results.year]), {"council_approved_on": "20/02/2025", "minutes_ref": "Biên bản họp số 05"}
    )
    assert response.status_code == 302 and AuditEvent.objects.filter(action="approval.record").exists()
    assert client_of(council_member).post(reverse("scoring:approval_decision", args=[results.year]), {}).status_code == 403
    client_of(sonv_staff).post(
        reverse("scoring:approval_decision", args=[results.year]),
        {"decision_number": "519/QĐ-UBND", "decision_date": "23/02/2025", "signer_name": "Trần Báu Hà", "signer_title": "Phó Chủ tịch"},
    )
    assert results.approvals.get().decision_number == "519/QĐ-UBND"


def test_the_council_overrides_a_head_rating_with_htmx_and_the_table_marks_it(results, client_of, council_member, unit_a_editor):
    assessment = Assessment.objects.get(period=results, unit=unit_a_editor.unit)
    client = client_of(council_member)
    url = reverse("scoring:head_rating_override", args=[assessment.pk])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    refused = client.post(url, {"action": "set", "rating": "good", "reason": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "lý do" in refused.content.decode().lower()
    done = client.post(url, {"action": "set", "rating": "good", "reason": "Vi phạm kỷ luật"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "Hoàn thành tốt nhiệm vụ" in done.content.decode()
    html = client.get(ranking_url(results)).content.decode()
    assert 'title="Hội đồng điều chỉnh: Vi phạm kỷ luật"' in html


def _bulk_units(period, count: int, prefix: str) -> None:
    """`count` more units of the block with their assessment and score rows, written in bulk."""
    from units.models import Unit

    block = Block.objects.get(code="so-nganh")
    framework = Framework.objects.get(period=period, block=block)
    leaves = list(Criterion.objects.filter(framework=framework, children__isnull=True))
    units = Unit.objects.bulk_create([Unit(code=f"{prefix}{n:05d}", name=f"Đơn vị {prefix}{n}", block=block) for n in range(count)])
    assessments = Assessment.objects.bulk_create([Assessment(period=period, unit=u, framework=framework) for u in units])
    Score.objects.bulk_create(
        [Score(assessment=a, criterion=c, final_score=c.max_score * (n % 7) / 7) for n, a in enumerate(assessments) for c in leaves],
        batch_size=2000,
    )
    assessment_totals_refresh(period=period)


def _queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_ranking_page_runs_the_same_number_of_queries_for_20_and_2000_units(results, client_of, sonv_staff):
    # Published, so that the publication check (the active approval) is counted too.
    client = client_of(sonv_staff)
    _bulk_units(results, 20 - Assessment.objects.filter(period=results).count(), "B")
    publish(results, sonv_staff)
    small = _queries_for(client, ranking_url(results))
    _bulk_units(results, 2000 - Assessment.objects.filter(period=results).count(), "C")
    assert Assessment.objects.filter(period=results).count() == 2000
    assert _queries_for(client, ranking_url(results)) == small


def test_a_large_block_is_paged_by_rank_and_the_find_box_opens_the_page_of_a_unit(results, client_of, sonv_staff, unit_b_editor):
    client = client_of(sonv_staff)
    _bulk_units(results, 250 - Assessment.objects.filter(period=results).count(), "B")  # three pages of 100
    first = client.get(ranking_url(results)).content.decode()
    assert "250 đơn vị" in first and "1 / 3" in first and "Hạng 1–100 trên 250 đơn vị" in first
    third = client.get(ranking_url(results) + "?page=3").content.decode()
    assert "Hạng 201–250 trên 250 đơn vị" in third
    from scoring.selectors import lines_of, ranked_lines

    lines = lines_of(ranked_lines(results))
    where = next(i for i, line in enumerate(lines) if line.unit_id == unit_b_editor.unit_id)
    found = client.get(ranking_url(results), {"don-vi": unit_b_editor.unit.code})
    assert found.status_code == 302
    assert found["Location"].endswith(f"?page={where // 100 + 1}#don-vi-{lines[where].assessment_id}")
    missing = client.get(ranking_url(results), {"don-vi": "không có đơn vị này"}, follow=True).content.decode()
    assert "Không tìm thấy đơn vị “không có đơn vị này” trong khối này." in missing


def test_a_units_own_page_gives_its_rank_among_the_whole_block_this_year_and_in_its_trend(results, client_of, sonv_staff, unit_b_editor):
    from scoring.selectors import lines_of, ranked_lines

    _bulk_units(results, 150 - Assessment.objects.filter(period=results).count(), "B")
    publish(results, sonv_staff)
    rank = next(line.rank for line in lines_of(ranked_lines(results)) if line.unit_id == unit_b_editor.unit_id)
    html = client_of(unit_b_editor).get(unit_url(results, unit_b_editor.unit)).content.decode()
    assert f'<div class="stat-value">{rank}/150</div>' in html
    assert f'<td class="num">{rank}/150</td>' in html  # the trend's line of this year


def test_the_blocks_field_averages_are_kept_once_published_and_follow_a_new_approval(results, sonv_staff, unit_b_editor):
    from scoring.selectors import approval_for_period, block_field_averages
    from scoring.services import approval_void, period_reopen

    from .results_helpers import give

    block = Block.objects.get(code="so-nganh")
    period = publish(results, sonv_staff)
    kept = block_field_averages(period, block, published=True)
    assert kept == block_field_averages(period, block) and kept["1"] > 0
    period = period_reopen(actor=sonv_staff, period=period, to_phase=Phase.FINALIZATION, reason="Rà soát")
    approval_void(actor=sonv_staff, approval=approval_for_period(period), reason="Chấm lại lĩnh vực 1")
    give(period, unit_b_editor.unit, "1000")
    period = publish(period, sonv_staff)
    again = block_field_averages(period, block, published=True)
    assert again != kept and again == block_field_averages(period, block)
