"""“Lưu tất cả”: a sheet's changed rows in one request, all or nothing, each row checked as its own
save would be, one audit row per change, and a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from scoring.models import Assessment, Phase, Score
from scoring.selectors import next_queue_item

from .conftest import fill_self, move, row

pytestmark = pytest.mark.django_db


def post_sheet(client, assessment, mode, rows):
    """rows: [(score, value, note)] with the version each was loaded with."""
    data = {}
    for score, value, note in rows:
        data.update({f"row-{score.pk}-value": value, f"row-{score.pk}-note": note, f"row-{score.pk}-version": score.version})
    return client.post(reverse("scoring:sheet_save", args=[assessment.pk, mode]), data, HTTP_HX_REQUEST="true")


def test_the_unit_saves_every_changed_row_of_its_sheet_in_one_request(cycle, client_of):
    rows = [row(cycle.a, code) for code in ("1.1.1", "2.3", "3.3.3")]
    response = post_sheet(client_of(cycle.editor_a), cycle.a, "self", [(rows[0], "1", "Kế hoạch số 12"), (rows[1], "1,5", ""), (rows[2], "0,5", "")])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đã lưu 3 tiêu chí" in page and page.count('hx-swap-oob="true"') >= 4  # three rows and the status line
    saved = {s.criterion.code: s for s in Score.objects.filter(pk__in=[r.pk for r in rows]).select_related("criterion")}
    assert [saved[c].self_score for c in ("1.1.1", "2.3", "3.3.3")] == [Decimal("1"), Decimal("1.5"), Decimal("0.5")]
    assert all(s.version == 2 and s.updated_by == cycle.editor_a for s in saved.values())
    assert AuditEvent.objects.filter(action="score.self").count() == 3
    assert Assessment.objects.get(pk=cycle.a.pk).total_earned > 0


def test_one_refused_row_saves_nothing_and_comes_back_with_its_reason_and_what_was_typed(cycle, client_of):
    good, bad = row(cycle.a, "1.1.1"), row(cycle.a, "2.3")
    response = post_sheet(client_of(cycle.editor_a), cycle.a, "self", [(good, "1", ""), (bad, "2", "Gõ nhầm")])
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="score-{bad.pk}"' in page and "chỉ chấm một trong các mức" in page and "Gõ nhầm" in page
    assert f'id="score-{good.pk}"' not in page  # the page keeps it as typed, still unsaved
    assert "không có thay đổi nào được lưu" in page
    assert not Score.objects.filter(pk__in=[good.pk, bad.pk], self_score__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="score.self").exists()


def test_a_row_someone_saved_meanwhile_is_refused_with_who_saved_it(cycle, client_of):
    first, second = row(cycle.a, "1.1.1"), row(cycle.a, "2.3")
    Score.objects.filter(pk=second.pk).update(self_score=3, version=5, updated_by=cycle.editor_a)
    response = post_sheet(client_of(cycle.editor_a), cycle.a, "self", [(first, "1", ""), (second, "1,5", "")])
    assert response.status_code == 400
    page = response.content.decode()
    assert "vừa được" in page and "has-conflict" in page
    assert Score.objects.get(pk=first.pk).self_score is None


def test_another_units_row_cannot_ride_along_in_a_sheet(cycle, client_of):
    mine, theirs = row(cycle.a, "1.1.1"), row(cycle.b, "1.1.1")
    response = post_sheet(client_of(cycle.editor_a), cycle.a, "self", [(mine, "1", ""), (theirs, "1", "")])
    assert response.status_code == 400 and "không thuộc phiếu đánh giá này" in response.content.decode()
    assert post_sheet(client_of(cycle.editor_a), cycle.b, "self", [(theirs, "1", "")]).status_code == 404
    assert not Score.objects.filter(self_score__isnull=False).exists()


def test_the_sheet_saves_with_the_same_number_of_queries_for_two_rows_and_twenty(cycle, client_of):
    client = client_of(cycle.editor_a)
    leaves = list(Score.objects.filter(assessment=cycle.a, criterion__kind="self").select_related("criterion").order_by("criterion__order"))
    counts = []
    for rows in (leaves[:2], leaves[2:22]):
        with CaptureQueriesContext(connection) as queries:
            response = post_sheet(client, cycle.a, "self", [(score, "0", "") for score in rows])
        assert response.status_code == 200, response.content.decode()[:500]
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_appraiser_saves_a_field_at_once_and_is_offered_the_next_unit_with_rows_left(cycle, client_of):
    fill_self(cycle.a)
    fill_self(cycle.b)
    move(cycle.period, Phase.APPRAISAL)
    rows = [row(cycle.a, code) for code in ("2.1.1", "2.3")]
    response = post_sheet(client_of(cycle.member), cycle.a, "appraisal", [(rows[0], "2", ""), (rows[1], "1,5", "Thiếu báo cáo quý IV")])
    assert response.status_code == 200, response.content.decode()
    assert Score.objects.filter(pk__in=[r.pk for r in rows], appraised_at__isnull=False).count() == 2
    following = next_queue_item(cycle.period, cycle.member, assessment_id=cycle.a.pk, field_code="2")
    assert following is not None and following.assessment_id != cycle.a.pk and following.remaining
    page = client_of(cycle.member).get(reverse("scoring:appraisal_sheet", args=[cycle.a.pk, "2"])).content.decode()
    assert reverse("scoring:appraisal_sheet", args=[following.assessment_id, "2"]) in page and "Đơn vị tiếp theo" in page
    # Outside their field the member's sheet saves nothing.
    other = row(cycle.a, "1.1.1")
    assert post_sheet(client_of(cycle.member), cycle.a, "appraisal", [(other, "1", "")]).status_code == 400
