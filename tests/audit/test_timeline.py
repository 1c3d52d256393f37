import pytest
from django.template.loader import render_to_string

from audit.models import AuditEvent
from audit.services import audit_log
from audit.templatetags.audit_tags import change_rows
from inspections.models import InspectionPlan
from scoring.models import Framework, Period
from tests.factories import BlockFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(db):
    return Period.objects.create(year=2030, title="Chỉ số cải cách hành chính năm 2030")


def test_a_criterion_change_recorded_on_its_framework_reads_with_the_criterions_field_names(period, sonv_staff):
    framework = Framework.objects.create(period=period, block=BlockFactory())
    event = audit_log(
        actor=sonv_staff, action="criterion.update", target=framework,
        changes={"max_score": ["12", "13"], "evidence_required": [True, False], "code": ["1.2", "1.2"]},
    )
    assert change_rows(event) == [("điểm tối đa", "12", "13"), ("bắt buộc tài liệu kiểm chứng", "có", "không"), ("mã", "1.2", "1.2")]


def test_a_choice_shows_its_label_and_a_count_of_zero_stays_a_number(period, sonv_staff):
    phase = audit_log(actor=sonv_staff, action="period.phase", target=period, changes={"phase": ["self_assessment", "draft"]})
    deleted = audit_log(actor=sonv_staff, action="framework.delete", target=period, changes={"framework": ["Sở, ban, ngành", None], "criteria": [58, 0]})
    assert change_rows(phase) == [("giai đoạn", "Tự đánh giá", "Dự thảo")]
    assert change_rows(deleted) == [("bộ chỉ số", "Sở, ban, ngành", None), ("số tiêu chí", 58, 0)]


def test_an_approval_recorded_on_its_period_reads_with_the_approvals_field_names(period, sonv_staff):
    event = audit_log(actor=sonv_staff, action="approval.decision", target=period, changes={"decision_number": [None, "519/QĐ-UBND"]})
    assert change_rows(event) == [("số quyết định", None, "519/QĐ-UBND")]


def test_a_delegation_members_changes_read_one_line_each_under_their_name(sonv_staff):
    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra CCHC năm 2023")
    event = audit_log(
        actor=sonv_staff, action="delegation.member_update", target=plan,
        changes={"Nguyễn Văn An": {"title": ["Chuyên viên", "Phó Chánh Văn phòng"], "role": ["member", "deputy"]}},
    )
    assert change_rows(event) == [
        ("Nguyễn Văn An — chức vụ", "Chuyên viên", "Phó Chánh Văn phòng"),
        ("Nguyễn Văn An — vai trò trong đoàn", "Thành viên", "Phó Trưởng đoàn"),
    ]


def test_a_list_reads_as_one_line_and_an_empty_text_as_nothing(period, sonv_staff):
    event = audit_log(actor=None, action="assessment.close", target=period, changes={"units": [None, ["Sở Tư pháp", "Sở Y tế"]], "title": ["", "x"]})
    assert change_rows(event) == [("các đơn vị", None, "Sở Tư pháp, Sở Y tế"), ("tên kỳ đánh giá", None, "x")]


def test_the_timeline_says_who_when_what_and_why(period, sonv_staff):
    audit_log(actor=sonv_staff, action="period.phase", target=period, changes={"phase": ["self_assessment", "draft"]}, reason="Sửa bộ chỉ số")
    audit_log(actor=None, action="period.phase", target=period, changes={"phase": ["draft", "self_assessment"]})
    html = render_to_string("audit/_timeline.html", {"events": AuditEvent.objects.all(), "hook": "phase-history"})
    assert 'class="list-group list-group-flush small audit-timeline phase-history"' in html
    assert str(sonv_staff) in html and "Hệ thống" in html and html.count("Chuyển giai đoạn") == 2
    assert 'Giai đoạn: <span class="text-muted">Tự đánh giá</span> → Dự thảo' in html and "Lý do: Sửa bộ chỉ số" in html


def test_the_timeline_says_so_when_there_is_nothing_yet():
    assert "Chưa có thay đổi nào." in render_to_string("audit/_timeline.html", {"events": []})
    assert "Chưa chuyển giai đoạn lần nào." in render_to_string("audit/_timeline.html", {"events": [], "empty": "Chưa chuyển giai đoạn lần nào."})
