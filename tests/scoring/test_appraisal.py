import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import AppraisalAssignment, ConflictDeclaration, Phase, Score
from scoring.selectors import appraisal_progress, appraisal_queue
from scoring.services import score_set_appraisal
from tests.factories import UnitFactory, make_user
from units import roles

from .conftest import assessment_of, fill_self, generated_csv, move, open_period, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraising(cycle):
    fill_self(cycle.a)
    fill_self(cycle.b)
    move(cycle.period, Phase.APPRAISAL)
    return cycle


def appraise_post(client, score, value, reason=""):
    return client.post(
        reverse("scoring:score_appraise", args=[score.pk]), {"value": value, "note": reason, "version": score.version}, HTTP_HX_REQUEST="true"
    )


def test_the_queue_lists_each_assigned_field_of_each_unit_except_the_members_own(appraising):
    items = appraisal_queue(appraising.period, appraising.member)
    assert {(i.assessment.unit.code, i.field_code) for i in items} == {("UNIT-A", "2"), ("UNIT-B", "2"), ("SNV", "2")}
    assert all(i.total == 5 and i.done == 0 for i in items)
    score = row(appraising.a, "2.3")
    score_set_appraisal(actor=appraising.member, score=score, value="3", expected_version=score.version)
    done = {i.assessment.unit.code: i.done for i in appraisal_queue(appraising.period, appraising.member)}
    assert done == {"UNIT-A": 1, "UNIT-B": 0, "SNV": 0}


def test_the_queue_page_runs_the_same_queries_for_few_and_many_units(appraising, client_of, django_assert_max_num_queries):
    client = client_of(appraising.member)
    url = reverse("scoring:appraisal_queue")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Sở Ngoại vụ thử nghiệm" in page and "2. Cải cách thể chế" in page and "0/5" in page
    for i in range(15):
        UnitFactory(code=f"MORE-{i}")
    from scoring.services import assessments_create_missing

    assessments_create_missing(actor=appraising.staff, period=appraising.period)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many) <= 16


def test_a_long_queue_is_paged_and_can_show_only_the_lines_left_to_appraise(appraising, client_of):
    from scoring.services import assessments_create_missing

    for i in range(60):
        UnitFactory(code=f"MORE-{i:02d}")
    assessments_create_missing(actor=appraising.staff, period=appraising.period)
    for code in ("2.1.1", "2.1.2", "2.2.1", "2.2.2", "2.3"):
        score = row(appraising.a, code)
        score_set_appraisal(actor=appraising.member, score=score, value=str(score.self_score), expected_version=score.version)
    client = client_of(appraising.member)
    url = reverse("scoring:appraisal_queue")
    first = client.get(url).content.decode()
    assert "Dòng 1–50 trên 63" in first and "1 / 2" in first
    assert "Dòng 51–63 trên 63" in client.get(url, {"page": 2}).content.decode()
    pending = client.get(url, {"con-lai": "1"}).content.decode()
    assert "Dòng 1–50 trên 62" in pending
    assert 'con-lai=1&page=2"' in pending  # the next page keeps the filter


def test_the_appraisal_page_shows_the_claim_and_evidence_beside_the_appraisal_form(appraising, client_of):
    page = client_of(appraising.member).get(reverse("scoring:appraisal_sheet", args=[appraising.a.pk, "2"])).content.decode()
    assert "Thẩm định: Sở Khoa học và Công nghệ thử nghiệm" in page and "Đơn vị tự chấm" in page
    assert "Lưu thẩm định 2.3" in page and "Lưu thẩm định 1.1.1" not in page
    assert "Khai báo xung đột lợi ích" in page


def test_a_member_gets_404_on_fields_and_units_not_assigned_to_them(appraising, client_of):
    client = client_of(appraising.member)
    assert client.get(reverse("scoring:appraisal_sheet", args=[appraising.a.pk, "1"])).status_code == 404
    own = assessment_of(appraising.period, appraising.member.unit)
    assert client.get(reverse("scoring:assessment_detail", args=[own.pk])).status_code == 404
    assert appraise_post(client, row(appraising.a, "1.1.1"), "0", "x").status_code == 404
    page = client.get(reverse("scoring:assessment_detail", args=[appraising.a.pk])).content.decode()
    assert "2. Cải cách thể chế" in page and "1. Công tác chỉ đạo" not in page


def test_an_inline_appraisal_below_the_self_score_needs_a_reason(appraising, client_of):
    client = client_of(appraising.member)
    response = appraise_post(client, row(appraising.a, "2.3"), "1,5")
    assert response.status_code == 400 and "cần nêu lý do trừ điểm" in response.content.decode()
    response = appraise_post(client, row(appraising.a, "2.3"), "1,5", "Báo cáo chưa đầy đủ.")
    assert response.status_code == 200 and "Đã thẩm định" in response.content.decode()
    assert row(appraising.a, "2.3").appraisal_reason == "Báo cáo chưa đầy đủ."


def test_the_remediation_criterion_shows_last_years_shortcomings_with_their_status(appraising, client_of, inspector):
    from inspections.models import Finding, InspectionPlan, Team, Visit, DelegationMember

    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra 2023")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    day = datetime.date(2023, 5, 25)
    visit = Visit.objects.create(plan=plan, team=team, unit=appraising.a.unit, start_date=day, end_date=day)
    Finding.objects.create(visit=visit, field="7", kind="shortcoming", text="Tỷ lệ hồ sơ trực tuyến thấp.", recommendation="Đẩy mạnh.",
                           severity="medium", owner_unit=appraising.a.unit, deadline=datetime.date(2023, 12, 31), status="closed")
    AppraisalAssignment.objects.create(period=appraising.period, member=appraising.member, field_code="1")
    page = client_of(appraising.member).get(reverse("scoring:appraisal_sheet", args=[appraising.a.pk, "1"])).content.decode()
    assert "Tồn tại, hạn chế qua kiểm tra năm 2023" in page and "Tỷ lệ hồ sơ trực tuyến thấp." in page and "Đã khắc phục" in page


def test_declaring_a_conflict_takes_the_unit_out_of_the_queue(appraising, client_of):
    client = client_of(appraising.member)
    response = client.post(reverse("scoring:conflict_declare", args=[appraising.a.pk]), {"reason": "Người thân công tác tại đơn vị"})
    assert response.status_code == 302 and ConflictDeclaration.objects.filter(unit=appraising.a.unit).exists()
    assert "UNIT-A" not in {i.assessment.unit.code for i in appraisal_queue(appraising.period, appraising.member)}
    assert client.get(reverse("scoring:appraisal_sheet", args=[appraising.a.pk, "2"])).status_code == 404


def test_staff_assign_members_and_follow_progress_per_member_and_per_unit(appraising, client_of):
    other = make_user(roles.COUNCIL, UnitFactory(code="STC-T", name="Sở Tài chính thử nghiệm"), username="council_stc", full_name="Hồ Văn Tài")
    client = client_of(appraising.staff)
    url = reverse("scoring:assignments", args=[2024])
    assert "6. Cải cách tài chính công" in client.get(url).content.decode()
    assert client.post(url, {"member": other.pk, "field_code": "6", "block": ""}).status_code == 302
    assert AppraisalAssignment.objects.filter(member=other, field_code="6", block__isnull=True).exists()
    score = row(appraising.a, "2.3")
    score_set_appraisal(actor=appraising.member, score=score, value="3", expected_version=score.version)
    members, units = appraisal_progress(appraising.period)
    by_member = {line.label: (line.done, line.total) for line in members}
    assert by_member["Hồ Văn Tài"] == (0, 12) and by_member[str(appraising.member)] == (1, 15)
    page = client.get(reverse("scoring:appraisal_progress", args=[2024])).content.decode()
    assert "Hồ Văn Tài" in page and "Sở Khoa học và Công nghệ thử nghiệm" in page
    for user in (appraising.member, appraising.editor_a):
        assert client_of(user).get(url).status_code == 403


def test_the_explanation_and_finalization_pages_show_marked_down_and_explained_rows_first(appraising, client_of):
    score = row(appraising.a, "2.3")
    score_set_appraisal(actor=appraising.member, score=score, value="1,5", reason="Thiếu báo cáo quý IV.", expected_version=score.version)
    move(appraising.period, Phase.EXPLANATION)
    client = client_of(appraising.editor_a)
    page = client.get(reverse("scoring:assessment_explanation", args=[appraising.a.pk])).content.decode()
    assert "Thiếu báo cáo quý IV." in page and "Gửi giải trình 2.3" in page and "Gửi giải trình 2.1.1" not in page
    score = row(appraising.a, "2.3")
    response = client.post(reverse("scoring:score_explain", args=[score.pk]), {"note": "Đã gửi báo cáo quý IV ngày 20/12.", "version": score.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    move(appraising.period, Phase.FINALIZATION)
    page = client_of(appraising.member).get(reverse("scoring:assessment_finalization", args=[appraising.a.pk])).content.decode()
    explained_at = page.index("Tiêu chí đơn vị đã giải trình (1)")
    assert explained_at < page.index("Lưu điểm cuối cùng 2.3") < page.index("Tất cả tiêu chí")
    assert "Đã gửi báo cáo quý IV ngày 20/12." in page
    score = row(appraising.a, "2.3")
    response = client_of(appraising.member).post(
        reverse("scoring:score_finalize", args=[score.pk]), {"value": "3", "note": "Chấp nhận giải trình.", "version": score.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and Score.objects.get(pk=score.pk).final_score == 3


def test_the_unit_does_not_see_the_appraisal_before_the_explanation_round(appraising, client_of):
    score = row(appraising.a, "2.3")
    score_set_appraisal(actor=appraising.member, score=score, value="1,5", reason="Lý do bí mật đến khi gửi kết quả.", expected_version=score.version)
    client = client_of(appraising.editor_a)
    page = client.get(reverse("scoring:assessment_detail", args=[appraising.a.pk])).content.decode()
    assert "Lý do bí mật" not in page
    assert client.get(reverse("scoring:assessment_explanation", args=[appraising.a.pk])).status_code == 404


def test_the_appraisal_page_runs_the_same_queries_for_a_small_and_a_large_field(db, client_of, council_member, unit_a):
    counts = []
    for year, shape in ((2024, (2, 1, 2)), (2025, (2, 6, 10))):
        period = open_period(generated_csv(*shape), year=year)
        AppraisalAssignment.objects.create(period=period, member=council_member, field_code="2")
        move(period, Phase.APPRAISAL)
        assessment = assessment_of(period, unit_a)
        client = client_of(council_member)
        url = reverse("scoring:appraisal_sheet", args=[assessment.pk, "2"])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_assessments_a_user_may_open_are_the_same_in_a_list_and_one_by_one(appraising, leader):
    from scoring.models import Assessment
    from scoring.scope import assessment_access, assessments_for_user

    everyone = list(Assessment.objects.filter(period=appraising.period).select_related("period", "unit", "framework"))
    for user in (appraising.staff, appraising.member, appraising.editor_a, leader):
        listed = set(assessments_for_user(user, appraising.period).values_list("unit__code", flat=True))
        assert listed == {a.unit.code for a in everyone if assessment_access(user, a).visible}
    assert set(assessments_for_user(appraising.member).values_list("unit__code", flat=True)) == {"UNIT-A", "UNIT-B", "SNV"}
    assert set(assessments_for_user(appraising.editor_a).values_list("unit__code", flat=True)) == {"UNIT-A"}
