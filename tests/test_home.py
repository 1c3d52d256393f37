"""The home page shows each person what waits for them, one section per role they hold. Every
count is checked against the page it links to, after actions taken on those pages' services, and
the page runs the same number of queries for a few units as for many."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit
from reports.models import GeneratedDocument
from scoring.models import AppraisalAssignment, Assessment, Kind, Period, Phase, Score
from scoring.services import (
    assessment_submit,
    assessments_create_missing,
    score_return_to_appraiser,
    score_set_appraisal,
    score_set_explanation,
    score_set_final,
    score_set_self,
)
from tests.factories import UnitFactory, make_user
from tests.inspections.conftest import add_shortcoming, pdf_upload
from tests.scoring.conftest import approve, assessment_of, fill_self, move, open_period, row
from tests.scoring.results_helpers import give, results_period
from tests.test_confirmations import page_actions
from units import roles

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HOME_BUDGET = 20  # queries of the home page, whatever the number of units, rows and roles' work


@pytest.fixture(autouse=True)
def _empty_cache():
    """Published figures are cached by approval; a test's must not meet an earlier test's."""
    cache.clear()


class _Home(HTMLParser):
    """The sections of the home page, and each line's count and link by its key."""

    def __init__(self):
        super().__init__()
        self.sections: list[str] = []
        self.counts: dict[str, int] = {}
        self.links: dict[str, str] = {}
        self.visits: list[int] = []
        self.explained: list[int] = []
        self.bands: dict[str, int] = {}
        self.blocks: list[str] = []
        self._item = None
        self._band = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-home-section" in attrs:
            self.sections.append(attrs["data-home-section"])
        if "data-home-item" in attrs:
            self._item = attrs["data-home-item"]
            self.links[self._item] = attrs.get("href", "")
        if "data-count" in attrs and self._item and self._item not in self.counts:
            self.counts[self._item] = int(attrs["data-count"])
        if "data-home-visit" in attrs:
            self.visits.append(int(attrs["data-home-visit"]))
        if "data-home-explained" in attrs:
            self.explained.append(int(attrs["data-home-explained"]))
        if "data-home-block" in attrs:
            self.blocks.append(attrs["data-home-block"])
        self._band = attrs.get("data-band")

    def handle_data(self, data):
        if self._band and data.strip():
            self.bands[self._band] = int(data)
            self._band = None


def home(client) -> tuple[_Home, str]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    text = response.content.decode()
    parsed = _Home()
    parsed.feed(text)
    return parsed, text


def queries_of_home(client) -> int:
    # A first request fills the per-process caches (content types), which later requests skip.
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert len(queries) <= HOME_BUDGET, [q["sql"] for q in queries.captured_queries]
    return len(queries)


def more_units(n: int, period: Period, staff) -> list:
    units = [UnitFactory() for _ in range(n)]
    assessments_create_missing(actor=staff, period=period)
    return units


# --- The scoring cycle ------------------------------------------------------------------------------


@pytest.fixture
def cycle(sonv_staff, council_member, unit_a_editor, unit_b_editor):
    """2024 in self-assessment with the departments' framework; the council member appraises
    field 2 in every block."""
    from types import SimpleNamespace

    period = open_period(actor=sonv_staff)
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="2")
    return SimpleNamespace(
        period=period, a=assessment_of(period, unit_a_editor.unit), b=assessment_of(period, unit_b_editor.unit),
        staff=sonv_staff, member=council_member, editor_a=unit_a_editor, editor_b=unit_b_editor,
    )


@pytest.fixture
def appraising(cycle):
    fill_self(cycle.a)
    fill_self(cycle.b)
    cycle.period = move(cycle.period, Phase.APPRAISAL, cycle.staff)
    return cycle


def deduct(assessment, code: str, *, by) -> Score:
    """The council scores a row 0, below the unit's own score, through the service."""
    score = row(assessment, code)
    return score_set_appraisal(actor=by, score=score, value="0", reason="Thiếu tài liệu kiểm chứng.", expected_version=score.version)


def set_deadline(period: Period, field: str, day: datetime.date) -> None:
    Period.objects.filter(pk=period.pk).update(**{field: day})


# --- Who sees which section ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, sections",
    [
        ("sonv_staff", ["staff"]),
        ("council_member", ["council"]),
        ("unit_a_editor", ["unit"]),
        ("inspector", ["inspector"]),
        ("leader", ["leader"]),
        ("outsider", []),
    ],
)
def test_each_role_sees_its_own_section_and_no_other(request, client_of, cycle, inspector, leader, outsider, persona, sections):
    page, text = home(client_of(request.getfixturevalue(persona)))
    assert page.sections == sections
    if not sections:
        assert "Chưa được phân vai trò" in text


def test_a_user_with_several_roles_sees_each_of_their_sections(client_of, cycle, unit_a):
    both = make_user(roles.STAFF, unit_a, username="staff_and_editor")
    both.groups.add(Group.objects.get(name=roles.UNIT_EDITOR), Group.objects.get(name=roles.COUNCIL))
    page, _ = home(client_of(both))
    assert page.sections == ["staff", "council", "unit"]


def test_before_any_period_opens_each_section_says_there_is_nothing_under_way(client_of, sonv_staff, council_member, unit_a_editor, leader):
    staff, _ = home(client_of(sonv_staff))
    assert set(staff.counts) == {"reviews", "documents_failed"}
    assert "Chưa có kỳ đánh giá nào đang diễn ra." in home(client_of(council_member))[1]
    assert "Chưa có kỳ đánh giá nào đang diễn ra." in home(client_of(unit_a_editor))[1]
    assert "Kết quả Chỉ số CCHC: chưa công bố." in home(client_of(leader))[1]


def test_the_menu_stays_on_the_home_page_as_shortcuts(client_of, sonv_staff):
    _, text = home(client_of(sonv_staff))
    shortcuts = text[text.index("Lối tắt"):]
    for url in (reverse("units:list"), reverse("units:blocks"), reverse("inspections:plans"), reverse("reports:list")):
        assert f'href="{url}"' in shortcuts


# --- Sở Nội vụ -----------------------------------------------------------------------------------


def test_staff_count_the_units_not_submitted_as_the_progress_page_lists_them_and_a_submission_drops_it(client_of, cycle):
    client = client_of(cycle.staff)
    page, _ = home(client)
    progress = client.get(page.links["unsubmitted"])
    open_lines = [line for line in progress.context["units"] if line.obj.status == Assessment.Status.OPEN]
    assert page.counts["unsubmitted"] == len(open_lines) == Assessment.objects.filter(period=cycle.period).count()

    fill_self(cycle.a)
    assessment_submit(actor=cycle.editor_a, assessment=cycle.a, note="Tài liệu nộp bản giấy.")
    assert home(client)[0].counts["unsubmitted"] == len(open_lines) - 1


def test_staff_see_the_council_members_behind_as_the_progress_page_counts_them(client_of, appraising):
    client = client_of(appraising.staff)
    page, text = home(client)
    members = client.get(page.links["members_behind"]).context["members"]
    assert page.counts["members_behind"] == len([m for m in members if m.done < m.total]) == 1
    assert str(appraising.member) in text
    for code in ("2.1.1", "2.1.2", "2.2.1", "2.2.2", "2.3"):
        for assessment in Assessment.objects.filter(period=appraising.period).exclude(unit=appraising.member.unit):
            score = row(assessment, code)
            value = "0" if score.self_score is None else str(score.self_score)
            score_set_appraisal(actor=appraising.member, score=score, value=value, expected_version=score.version)
    assert home(client)[0].counts["members_behind"] == 0


def test_staff_count_remediation_reports_to_review_and_failed_documents_as_their_pages_list_them(client_of, sonv_staff, remediation):
    client = client_of(sonv_staff)
    page, _ = home(client)
    assert page.counts["reviews"] == client.get(page.links["reviews"]).context["page"].paginator.count == 1
    assert page.counts["documents_failed"] == client.get(page.links["documents_failed"]).context["page"].paginator.count == 1
    inspection_services.finding_accept(actor=sonv_staff, finding=remediation.reported)
    assert home(client)[0].counts["reviews"] == 0


# --- Nhắc ngay -----------------------------------------------------------------------------------


@pytest.fixture
def mailed(cycle, unit_a, unit_b):
    for user in (cycle.editor_a, cycle.editor_b):
        user.email = f"{user.username}@hatinh.gov.vn"
        user.save()
    set_deadline(cycle.period, "self_assessment_deadline", TODAY + datetime.timedelta(days=10))
    return cycle


def test_the_remind_button_asks_first_naming_the_units_it_reminds(client_of, mailed):
    [question] = page_actions(client_of(mailed.staff), reverse("home")).messages_for("remind_now")
    count = Assessment.objects.filter(period=mailed.period, status=Assessment.Status.OPEN).count()
    assert question.startswith(f"Gửi ngay thư nhắc hạn tự đánh giá ({TODAY + datetime.timedelta(days=10):%d/%m/%Y}) đến cán bộ đầu mối CCHC của {count} đơn vị chưa nộp")
    assert "không thu hồi được" in question


def test_remind_now_mails_the_units_not_submitted_at_once_and_names_them(client_of, mailed, django_capture_on_commit_callbacks):
    fill_self(mailed.b)
    assessment_submit(actor=mailed.editor_b, assessment=mailed.b, note="Tài liệu nộp bản giấy.")
    client = client_of(mailed.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("remind_now"), follow=True)
    assert [m.to for m in mail.outbox] == [["editor_a@hatinh.gov.vn"]]
    assert mail.outbox[0].subject == f"[Chỉ số CCHC] Còn 10 ngày đến hạn tự đánh giá ({TODAY + datetime.timedelta(days=10):%d/%m/%Y})"
    text = response.content.decode()
    assert f"Đã gửi thư nhắc hạn đến 1 người: {mailed.editor_a} ({mailed.editor_a.unit.name})." in text
    # Who pressed it, and whom it reached, stays in the period's log.
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action="reminder.send")
    assert event.actor == mailed.staff and event.changes["recipients"][1] == [str(mailed.editor_a)]


def test_remind_now_says_who_has_no_e_mail_and_does_not_mail_anyone_twice_the_same_day(client_of, mailed, django_capture_on_commit_callbacks):
    no_address = make_user(roles.UNIT_EDITOR, UnitFactory(name="Sở Không Thư"), username="no_mail", full_name="Trần Không Thư")
    assessments_create_missing(actor=mailed.staff, period=mailed.period)
    client = client_of(mailed.staff)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("remind_now"), follow=True).content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["editor_a@hatinh.gov.vn", "editor_b@hatinh.gov.vn"]
    assert "Đã gửi thư nhắc hạn đến 2 người:" in first
    assert f"1 người chưa có địa chỉ e-mail nên chưa nhắc được: {no_address} (Sở Không Thư)." in first
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse("remind_now"), follow=True).content.decode()
    assert len(mail.outbox) == 2
    assert "Không gửi thư nhắc mới nào: 2 người còn việc đã được nhắc hôm nay cho hạn này" in second


def test_remind_now_reaches_the_council_members_whose_queue_is_unfinished(client_of, appraising, django_capture_on_commit_callbacks):
    appraising.member.email = "council@hatinh.gov.vn"
    appraising.member.save()
    set_deadline(appraising.period, "appraisal_deadline", TODAY + datetime.timedelta(days=3))
    client = client_of(appraising.staff)
    [question] = page_actions(client, reverse("home")).messages_for("remind_now")
    assert "đến 1 thành viên Hội đồng chưa thẩm định xong?" in question
    with django_capture_on_commit_callbacks(execute=True):
        text = client.post(reverse("remind_now"), follow=True).content.decode()
    assert [m.to for m in mail.outbox] == [["council@hatinh.gov.vn"]] and "chưa thẩm định" in mail.outbox[0].body
    assert f"Đã gửi thư nhắc hạn đến 1 người: {appraising.member}" in text


def test_without_a_deadline_the_button_is_off_and_says_why(client_of, cycle):
    _, text = home(client_of(cycle.staff))
    assert "chưa đặt hạn tự đánh giá: hãy đặt hạn để gửi nhắc" in text
    assert reverse("remind_now") not in text


def test_only_staff_may_send_the_reminders_and_only_by_post(client_of, mailed):
    for user in (mailed.editor_a, mailed.member):
        assert client_of(user).post(reverse("remind_now")).status_code == 403
    assert client_of(mailed.staff).get(reverse("remind_now")).status_code == 405
    assert not mail.outbox


def test_the_remind_form_carries_the_csrf_token(client_of, mailed):
    _, text = home(client_of(mailed.staff))
    form = re.search(r'<form method="post" action="%s".*?</form>' % re.escape(reverse("remind_now")), text, re.S)[0]
    assert 'name="csrfmiddlewaretoken"' in form and "data-confirm=" in form


# --- The council ---------------------------------------------------------------------------------


def test_a_member_counts_the_rows_to_appraise_as_the_queue_does_with_the_deadline_and_an_appraisal_drops_it(client_of, appraising):
    set_deadline(appraising.period, "appraisal_deadline", TODAY + datetime.timedelta(days=5))
    client = client_of(appraising.member)
    page, text = home(client)
    queue = client.get(page.links["to_appraise"])
    assert page.counts["to_appraise"] == queue.context["remaining"] == sum(i.remaining for i in queue.context["items"]) == 15
    assert f"Hạn {TODAY + datetime.timedelta(days=5):%d/%m/%Y} · còn 5 ngày" in text
    score = row(appraising.a, "2.3")
    score_set_appraisal(actor=appraising.member, score=score, value=str(score.self_score), expected_version=score.version)
    assert home(client)[0].counts["to_appraise"] == 14


def test_a_member_keeps_the_queue_of_the_year_under_appraisal_when_the_next_year_opens(client_of, appraising):
    from tests.scoring.conftest import import_text, sample_text

    later = import_text(sample_text(), year=2025).period
    move(later, Phase.SELF_ASSESSMENT, appraising.staff)
    client = client_of(appraising.member)
    page, text = home(client)
    assert "Thẩm định của Hội đồng — năm 2024" in text
    queue = client.get(page.links["to_appraise"])
    assert queue.context["period"].year == 2024
    assert page.counts["to_appraise"] == queue.context["remaining"] == 15
    staff_page, staff_text = home(client_of(appraising.staff))
    assert "Cũng đang diễn ra: năm 2024 (thẩm định)" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", staff_text))


def test_a_member_never_counts_the_fields_of_another_member(client_of, appraising):
    other = make_user(roles.COUNCIL, UnitFactory(), username="council_field_1")
    AppraisalAssignment.objects.create(period=appraising.period, member=other, field_code="1")
    mine = home(client_of(appraising.member))[0].counts["to_appraise"]
    theirs = home(client_of(other))[0].counts["to_appraise"]
    field_1 = Score.objects.filter(assessment__period=appraising.period, criterion__code__startswith="1.", criterion__kind__in=[Kind.SELF, Kind.DEDUCTION]).exclude(assessment__unit=other.unit).count()
    assert mine == 15 and theirs == field_1


def test_a_member_sees_the_rows_sent_back_to_them_as_their_queue_lists_them(client_of, appraising):
    period = move(appraising.period, Phase.EXPLANATION, appraising.staff)
    score = row(appraising.a, "2.3")
    score_return_to_appraiser(actor=appraising.staff, score=score, note="Xem lại tài liệu.", expected_version=score.version)
    client = client_of(appraising.member)
    page, _ = home(client)
    queue = client.get(page.links["returned"])
    assert page.counts["returned"] == sum(i.returned for i in queue.context["items"]) == 1
    assert period.phase == Phase.EXPLANATION


def test_a_member_sees_per_unit_the_explanations_waiting_for_their_verdict_as_the_finalisation_sheet_shows_them(client_of, appraising):
    first, second = deduct(appraising.a, "2.3", by=appraising.member), deduct(appraising.a, "2.2.1", by=appraising.member)
    deduct(appraising.b, "2.3", by=appraising.member)
    move(appraising.period, Phase.EXPLANATION, appraising.staff)
    for score in (first, second):
        score = row(appraising.a, score.criterion.code)
        score_set_explanation(actor=appraising.editor_a, score=score, text="Đã bổ sung báo cáo quý IV.", expected_version=score.version)
    # An explanation in a field the member does not appraise is not theirs to answer.
    Score.objects.filter(pk=row(appraising.a, "1.1.1").pk).update(explanation="Giải trình lĩnh vực 1.")
    move(appraising.period, Phase.FINALIZATION, appraising.staff)

    client = client_of(appraising.member)
    page, _ = home(client)
    assert page.counts["explanations"] == 2 and page.explained == [appraising.a.pk]
    sheet = client.get(reverse("scoring:assessment_finalization", args=[appraising.a.pk]))
    assert len([r for r in sheet.context["explained"] if not r.explanation_verdict]) == 2

    score = row(appraising.a, "2.3")
    score_set_final(actor=appraising.member, score=score, value="", note="Không chấp nhận.", verdict="refused", expected_version=score.version)
    assert home(client)[0].counts["explanations"] == 1


# --- A unit's CCHC contact ------------------------------------------------------------------------


def test_a_unit_sees_its_self_assessment_progress_as_its_sheet_counts_it(client_of, cycle):
    set_deadline(cycle.period, "self_assessment_deadline", TODAY + datetime.timedelta(days=2))
    client = client_of(cycle.editor_a)
    page, text = home(client)
    progress = client.get(page.links["self_progress"]).context["progress"]
    assert page.counts["self_progress"] == progress.scored == 0
    assert f"đã chấm <strong data-count=\"0\">0</strong>/{progress.total} tiêu chí" in text and "còn 2 ngày" in text

    score = row(cycle.a, "2.3")
    score_set_self(actor=cycle.editor_a, score=score, value=str(score.criterion.max_score), expected_version=score.version)
    assert home(client)[0].counts["self_progress"] == client.get(page.links["self_progress"]).context["progress"].scored == 1


def test_a_submitted_self_assessment_says_so(client_of, cycle):
    fill_self(cycle.a)
    assessment_submit(actor=cycle.editor_a, assessment=cycle.a, note="Tài liệu nộp bản giấy.")
    page, text = home(client_of(cycle.editor_a))
    assert "submitted" in page.links and "Đã nộp bản tự đánh giá" in text


def test_a_unit_counts_the_deductions_it_has_not_explained_as_its_explanation_sheet_lists_them(client_of, appraising):
    deduct(appraising.a, "2.3", by=appraising.member)
    deduct(appraising.a, "2.2.1", by=appraising.member)
    deduct(appraising.b, "2.3", by=appraising.member)
    move(appraising.period, Phase.EXPLANATION, appraising.staff)
    set_deadline(appraising.period, "explanation_deadline", TODAY + datetime.timedelta(days=4))
    client = client_of(appraising.editor_a)
    page, text = home(client)
    sheet = client.get(page.links["explanations_open"])
    rows = [r for group in sheet.context["groups"] for r in group.rows if not r.explanation]
    assert page.counts["explanations_open"] == len(rows) == 2  # unit B's deduction is not unit A's
    assert "còn 4 ngày" in text

    score = row(appraising.a, "2.3")
    score_set_explanation(actor=appraising.editor_a, score=score, text="Đã có báo cáo.", expected_version=score.version)
    assert home(client)[0].counts["explanations_open"] == 1


@pytest.fixture
def remediation(sonv_staff, inspector, unit_a, unit_a_editor, unit_b):
    """Unit A: an open shortcoming past its deadline, one returned, one reported; unit B: one open.
    Unit A's visit has a rendered notice and a document that failed."""
    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra 2023", number="125/KH-UBND")
    head = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=head)
    team.members.add(head)
    day = datetime.date(2023, 5, 25)
    visit_a = Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day)
    visit_b = Visit.objects.create(plan=plan, team=team, unit=unit_b, start_date=day, end_date=day)
    overdue = add_shortcoming(visit_a, actor=inspector, deadline=datetime.date(2023, 12, 31))
    returned = add_shortcoming(visit_a, actor=inspector, deadline=TODAY + datetime.timedelta(days=60), text="Chưa niêm yết thủ tục.")
    reported = add_shortcoming(visit_a, actor=inspector, deadline=TODAY + datetime.timedelta(days=60), text="Chậm trả kết quả.")
    add_shortcoming(visit_b, actor=inspector, text="Thiếu kế hoạch.")
    for finding in (returned, reported):
        inspection_services.finding_report_remediation(actor=unit_a_editor, finding=finding, text="Đã khắc phục.", files=[pdf_upload()])
    returned.refresh_from_db()
    inspection_services.finding_return(actor=sonv_staff, finding=returned, comment="Thiếu ảnh chụp bảng niêm yết.")
    inspection_services.findings_mark_overdue(today=datetime.date(2024, 1, 2))
    visit_type = ContentType.objects.get_for_model(Visit)
    for status, subject in ((GeneratedDocument.Status.DONE, visit_a), (GeneratedDocument.Status.FAILED, visit_a), (GeneratedDocument.Status.DONE, visit_b)):
        GeneratedDocument.objects.create(
            kind=GeneratedDocument.Kind.NOTICE, subject_type=visit_type, subject_id=subject.pk, title="Thông báo kết luận kiểm tra",
            filename="thong-bao.pdf", fingerprint=f"{status}{subject.pk}".ljust(64, "0"), status=status, requested_by=sonv_staff,
        )
    from types import SimpleNamespace

    return SimpleNamespace(plan=plan, team=team, visit_a=visit_a, visit_b=visit_b, overdue=overdue, returned=returned, reported=Finding.objects.get(pk=reported.pk))


def test_a_unit_counts_its_shortcomings_as_its_remediation_page_lists_them_and_never_another_units(client_of, unit_a_editor, remediation):
    client = client_of(unit_a_editor)
    page, _ = home(client)
    open_list = client.get(page.links["to_remedy"]).context["page"]
    returned_list = client.get(page.links["returned_findings"]).context["page"]
    every = client.get(page.links["overdue"]).context["page"]
    assert page.counts["to_remedy"] == open_list.paginator.count == 1 and [f.pk for f in open_list] == [remediation.overdue.pk]
    assert page.counts["returned_findings"] == returned_list.paginator.count == 1
    assert page.counts["overdue"] == len([f for f in every if f.is_overdue]) == 1

    finding = Finding.objects.get(pk=remediation.overdue.pk)
    inspection_services.finding_report_remediation(actor=unit_a_editor, finding=finding, text="Đã ban hành kế hoạch.", files=[pdf_upload()])
    page, _ = home(client)
    assert page.counts["to_remedy"] == 0 and page.counts["overdue"] == 1  # reported late: still overdue until accepted


def test_a_unit_counts_the_documents_ready_as_the_documents_page_lists_them(client_of, unit_a_editor, unit_b_editor, remediation):
    client = client_of(unit_a_editor)
    page, _ = home(client)
    assert page.counts["documents_ready"] == client.get(page.links["documents_ready"]).context["page"].paginator.count == 1
    assert home(client_of(unit_b_editor))[0].counts["documents_ready"] == 1
    assert home(client_of(unit_b_editor))[0].counts["to_remedy"] == 1


# --- The inspection teams ------------------------------------------------------------------------


@pytest.fixture
def visits(inspector, unit_a, unit_b):
    """Team 1 (the inspector's) visits unit A today and unit B in three days; team 2 visits unit B
    tomorrow; team 1 also has a visit last month and one concluded today."""
    plan = InspectionPlan.objects.create(year=TODAY.year, title="Kế hoạch kiểm tra", number="20/KH-UBND")
    mine = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    other = DelegationMember.objects.create(plan=plan, full_name="Lê Thị Thu", unit=UnitFactory())
    team_1, team_2 = Team.objects.create(plan=plan, number=1, leader=mine), Team.objects.create(plan=plan, number=2, leader=other)
    team_1.members.add(mine)
    team_2.members.add(other)
    day = datetime.timedelta(days=1)

    def visit(team, unit, start, **extra):
        return Visit.objects.create(plan=plan, team=team, unit=unit, start_date=start, end_date=start, **extra)

    from types import SimpleNamespace

    return SimpleNamespace(
        plan=plan,
        today=visit(team_1, unit_a, TODAY),
        soon=visit(team_1, unit_b, TODAY + 3 * day),
        other_team=visit(team_2, unit_b, TODAY + day),
        past=visit(team_1, unit_b, TODAY - 30 * day),
        concluded=visit(team_1, unit_b, TODAY, status=Visit.Status.CONCLUDED),
    )


def test_an_inspector_sees_the_visits_of_their_teams_today_and_next_as_the_schedule_lists_them(client_of, inspector, visits):
    client = client_of(inspector)
    page, text = home(client)
    assert page.visits == [visits.today.pk, visits.soon.pk]
    assert text.index(f"Hôm nay, {TODAY:%d/%m/%Y}") < text.index("Sắp tới")
    scheduled = [v.pk for _, team_visits in client.get(page.links["schedule"]).context["rows"] for v in team_visits]
    assert set(page.visits) <= set(scheduled) and visits.other_team.pk not in scheduled


# --- Leaders -------------------------------------------------------------------------------------


def test_before_publication_a_leader_reads_only_that_the_results_are_not_published(client_of, leader, appraising):
    page, text = home(client_of(leader))
    assert "unpublished" in page.links and "chưa công bố" in text
    assert not page.blocks and not page.bands and "Chỉ số trung bình" not in text


@pytest.fixture
def published(sonv_staff, unit_a, unit_b):
    period = results_period(actor=sonv_staff)
    for unit, plan in ((unit_a, "950"), (unit_b, "820")):
        give(period, unit, plan)
    for assessment in Assessment.objects.filter(period=period).exclude(unit__in=[unit_a, unit_b]):
        give(period, assessment.unit, "600")
    return approve(period, sonv_staff)


def test_a_leader_sees_the_published_years_blocks_as_the_overview_shows_them(client_of, leader, published):
    client = client_of(leader)
    page, text = home(client)
    overview = client.get(page.links["overview"])
    groups = overview.context["groups"]
    assert page.blocks == [g.block.code for g in groups]
    bands = overview.context["bands"]
    assert page.bands == {band: sum(g.distribution[i] for g in groups) for i, band in enumerate(bands)}
    assert page.bands["Xuất sắc"] == 1 and page.bands["Tốt"] == 1
    for g in groups:
        assert f"{g.average:.2f}".replace(".", ",") + "%" in text


def test_a_later_year_under_way_is_said_unpublished_beside_the_published_one(client_of, leader, published, sonv_staff):
    from tests.scoring.conftest import import_text, sample_text

    later = import_text(sample_text(), year=2025).period
    move(later, Phase.SELF_ASSESSMENT, sonv_staff)
    _, text = home(client_of(leader))
    assert "Kết quả năm 2024 (đã công bố)" in text and "Kết quả năm 2025: chưa công bố." in text


# --- Query budgets -------------------------------------------------------------------------------


def test_the_staff_home_in_self_assessment_runs_the_same_queries_for_few_and_many_units(client_of, cycle, remediation, inspector):
    client = client_of(cycle.staff)
    few = queries_of_home(client)
    more_units(12, cycle.period, cycle.staff)
    for i in range(5):
        finding = add_shortcoming(remediation.visit_b, actor=inspector, text=f"Tồn tại số {i}.")
        inspection_services.finding_report_remediation(actor=cycle.editor_b, finding=finding, text="Đã khắc phục.", files=[pdf_upload()])
    assert home(client)[0].counts["reviews"] == 6
    assert queries_of_home(client) == few


def test_the_staff_home_in_appraisal_runs_the_same_queries_for_few_and_many_units_and_members(client_of, appraising):
    client = client_of(appraising.staff)
    few = queries_of_home(client)
    more_units(12, appraising.period, appraising.staff)
    for i in range(5):
        member = make_user(roles.COUNCIL, UnitFactory(), username=f"member{i}")
        AppraisalAssignment.objects.create(period=appraising.period, member=member, field_code="1")
    assert home(client)[0].counts["members_behind"] == 6
    assert queries_of_home(client) == few


def test_the_council_home_runs_the_same_queries_for_few_and_many_explained_rows(client_of, appraising):
    deduct(appraising.a, "2.3", by=appraising.member)
    move(appraising.period, Phase.EXPLANATION, appraising.staff)
    score = row(appraising.a, "2.3")
    score_set_explanation(actor=appraising.editor_a, score=score, text="Đã có báo cáo.", expected_version=score.version)
    move(appraising.period, Phase.FINALIZATION, appraising.staff)
    client = client_of(appraising.member)
    few = queries_of_home(client)
    for unit in more_units(8, appraising.period, appraising.staff):
        Score.objects.filter(assessment__unit=unit, criterion__code__in=["2.3", "2.2.1"]).update(
            self_score=Decimal("2"), appraised_score=Decimal("1"), explanation="Giải trình."
        )
    assert home(client)[0].counts["explanations"] == 17
    assert queries_of_home(client) == few


def test_the_unit_home_runs_the_same_queries_for_few_and_many_rows(client_of, unit_a_editor, cycle, remediation, inspector):
    client = client_of(unit_a_editor)
    few = queries_of_home(client)
    for i in range(10):
        add_shortcoming(remediation.visit_a, actor=inspector, text=f"Tồn tại số {i}.")
    fill_self(cycle.a)
    assert queries_of_home(client) == few


def test_the_inspector_home_runs_the_same_queries_for_few_and_many_visits(client_of, inspector, visits, unit_a):
    client = client_of(inspector)
    few = queries_of_home(client)
    for i in range(10):
        visit = Visit.objects.create(plan=visits.plan, team=visits.today.team, unit=UnitFactory(), start_date=TODAY + datetime.timedelta(days=i), end_date=TODAY + datetime.timedelta(days=i))
        visit.also_units.add(unit_a)
    assert queries_of_home(client) == few


def test_the_leader_home_runs_the_same_queries_for_few_and_many_units(client_of, leader, published):
    client = client_of(leader)
    few = queries_of_home(client)
    framework = published.frameworks.get()
    for unit in [UnitFactory() for _ in range(12)]:
        # The results read the totals stored on each assessment, not its rows.
        Assessment.objects.create(period=published, unit=unit, framework=framework, status=Assessment.Status.CLOSED, total_index=Decimal("85"))
    cache.clear()
    assert home(client)[0].bands["Tốt"] == 13
    assert queries_of_home(client) == few


def test_a_mail_server_that_does_not_answer_records_no_reminder_as_sent(client_of, mailed, settings):
    from scoring.models import ReminderLog

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    response = client_of(mailed.staff).post(reverse("remind_now"), follow=True)
    assert response.status_code == 200 and "Không gửi được thư nhắc" in response.content.decode()
    assert not ReminderLog.objects.exists()
    from audit.models import AuditEvent

    assert not AuditEvent.objects.filter(action="reminder.send").exists()
