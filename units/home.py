"""The home page: what waits for the signed-in person, one section per role they hold.

Each section is read by a selector of the app that owns its data (`scoring.selectors.home`,
`inspections.selectors`, `reports.selectors`), the same selector the linked page lists with;
this module only puts them together and words the deadlines and the reminders' outcome."""

import datetime
from dataclasses import dataclass, field

from inspections import selectors as inspection_selectors
from reports.models import GeneratedDocument
from reports.selectors import document_list
from scoring import scope
from scoring.models import Period, Phase
from scoring.selectors import council_period, current_period, open_periods
from scoring.selectors import home as scoring_home
from scoring.selectors import lineage_history
from scoring.services.reminders import WHAT, ReminderRun

from .rules import is_inspector

NAMES_SHOWN = 20  # people a message names; the count covers the rest


@dataclass(frozen=True)
class Deadline:
    """A phase's deadline as the page words it: "còn 3 ngày", "hôm nay", "đã quá 2 ngày"."""

    date: datetime.date
    today: datetime.date

    @property
    def days_left(self) -> int:
        return (self.date - self.today).days

    @property
    def past(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= 7

    @property
    def words(self) -> str:
        days = self.days_left
        if days > 0:
            return f"còn {days} ngày"
        if days == 0:
            return "hôm nay là hạn"
        return f"đã quá hạn {-days} ngày"


def deadline_of(period: Period | None, phase: str, today: datetime.date) -> Deadline | None:
    day = period.deadline_for(phase) if period is not None else None
    return Deadline(day, today) if day else None


@dataclass
class UnitHome:
    work: scoring_home.UnitWork | None
    deadline: Deadline | None
    remediation: dict[str, int]
    documents_ready: int
    predecessors: list[lineage_history.Predecessor] = field(default_factory=list)  # a unit formed by a reorganisation


@dataclass
class StaffHome:
    work: scoring_home.StaffWork | None
    deadline: Deadline | None
    reviews: int
    documents_failed: int
    remind_confirm: str = ""
    remind_refusal: str = ""  # why the reminders cannot go now (no deadline, deadline past)

    @property
    def appraisal_deadline(self) -> Deadline | None:
        """The deadline the members behind are late for: the appraisal's, while it runs."""
        return self.deadline if self.work is not None and self.work.period.phase == Phase.APPRAISAL else None

    @property
    def behind_note(self) -> str:
        """The first members behind with their rows appraised out of their rows."""
        lines = (self.work.members_behind or []) if self.work is not None else []
        note = ", ".join(f"{line.label}: {line.done}/{line.total}" for line in lines[:3])
        return note + (f" và {len(lines) - 3} người khác" if len(lines) > 3 else "")


@dataclass
class InspectorHome:
    today: datetime.date
    visits: list = field(default_factory=list)
    total: int = 0

    @property
    def today_visits(self) -> list:
        return [visit for visit in self.visits if visit.start_date <= self.today]

    @property
    def next_visits(self) -> list:
        return [visit for visit in self.visits if visit.start_date > self.today]

    @property
    def more(self) -> int:
        return self.total - len(self.visits)


def _remind_wording(work: scoring_home.StaffWork, deadline: Deadline | None) -> tuple[str, str]:
    """The "Nhắc ngay" button's question (who will receive what), or why it cannot be pressed."""
    period = work.period
    what = WHAT[Phase(period.phase)]
    if deadline is None:
        return "", f"Kỳ đánh giá năm {period.year} chưa đặt hạn {what}: hãy đặt hạn để gửi nhắc."
    if deadline.past:
        return "", f"Hạn {what} ({deadline.date:%d/%m/%Y}) đã qua: không còn gì để nhắc."
    if work.unsubmitted is not None:
        whom = f"cán bộ đầu mối CCHC của {work.unsubmitted.count} đơn vị chưa nộp bản tự đánh giá"
    elif work.units_to_explain is not None:
        whom = f"cán bộ đầu mối CCHC của {work.units_to_explain} đơn vị còn tiêu chí bị trừ điểm chưa giải trình"
    else:
        whom = f"{len(work.members_behind or [])} thành viên Hội đồng chưa thẩm định xong"
    question = (
        f"Gửi ngay thư nhắc hạn {what} ({deadline.date:%d/%m/%Y}) đến {whom}? "
        "Thư đã gửi không thu hồi được; người đã được nhắc hôm nay cho hạn này sẽ không nhận thêm."
    )
    return question, ""


def home_sections(user, *, today: datetime.date) -> dict:
    """The sections of the user's roles, by name (council, unit, staff, inspector, leader)."""
    period = current_period()
    others = [p for p in open_periods() if period is None or p.pk != period.pk]
    sections: dict = {"period": period, "today": today, "other_periods": others}
    if scope.is_council(user):
        # The council's card is about the year it appraises, which may be an earlier one.
        appraised = council_period()
        sections["council"] = scoring_home.council_work(appraised, user) if appraised else None
        sections["council_deadline"] = deadline_of(appraised, Phase.APPRAISAL, today)
        sections["council_period"] = appraised
    if scope.is_unit_editor(user):
        work = scoring_home.unit_work(period, user) if period else None
        phase = Phase.EXPLANATION if work is not None and work.explaining else Phase.SELF_ASSESSMENT
        sections["unit"] = UnitHome(
            work=work,
            deadline=deadline_of(period, phase, today),
            remediation=inspection_selectors.remediation_counts(user=user),
            documents_ready=document_list(user=user, status=GeneratedDocument.Status.DONE).count(),
            predecessors=lineage_history.predecessors_of(user, user.unit),
        )
    if scope.is_staff(user):
        work = scoring_home.staff_work(period) if period else None
        staff = StaffHome(
            work=work,
            deadline=deadline_of(period, period.phase, today) if period else None,
            reviews=inspection_selectors.review_queue().count(),
            documents_failed=document_list(user=user, status=GeneratedDocument.Status.FAILED).count(),
        )
        if work is not None and work.reminds:
            staff.remind_confirm, staff.remind_refusal = _remind_wording(work, staff.deadline)
        sections["staff"] = staff
    if is_inspector(user):
        visits, total = inspection_selectors.visits_ahead(user=user, today=today)
        sections["inspector"] = InspectorHome(today, visits, total)
    if scope.is_leader(user):
        sections["leader"] = scoring_home.province_glance(user)
    sections["shown"] = [name for name in ("staff", "council", "unit", "inspector", "leader") if name in sections]
    return sections


# --- The outcome of "Nhắc ngay" -------------------------------------------------------------------


def _person(user) -> str:
    unit = getattr(user, "unit", None)
    return f"{user} ({unit.name})" if unit is not None else str(user)


def _names(users) -> str:
    names = [_person(user) for user in users[:NAMES_SHOWN]]
    if len(users) > NAMES_SHOWN:
        names.append(f"và {len(users) - NAMES_SHOWN} người khác")
    return ", ".join(names)


def reminder_messages(run: ReminderRun) -> list[tuple[str, str]]:
    """(level, text) of each thing to say after the reminders went: whom they reached by name,
    and whom they could not reach and why."""
    said = []
    if run.sent:
        said.append(("success", f"Đã gửi thư nhắc hạn đến {len(run.sent)} người: {_names([r.user for r in run.sent])}."))
    if run.already_reminded:
        users = run.already_reminded
        opening = f"{len(users)} người khác" if run.sent else f"Không gửi thư nhắc mới nào: {len(users)} người còn việc"
        said.append(("info", f"{opening} đã được nhắc hôm nay cho hạn này nên không nhận thêm thư: {_names(users)}."))
    elif not run.sent:
        said.append(("info", "Không gửi thư nhắc nào." if run.without_email or run.without_deadline or run.past_deadline else "Không gửi thư nhắc nào: không còn ai có việc phải làm trước hạn."))
    if run.without_email:
        users = run.without_email
        said.append(("warning", f"{len(users)} người chưa có địa chỉ e-mail nên chưa nhắc được: {_names(users)}."))
    for period in run.without_deadline:
        said.append(("warning", f"Kỳ đánh giá năm {period.year} chưa đặt hạn {WHAT[Phase(period.phase)]}: chưa nhắc được."))
    for period in run.past_deadline:
        deadline = period.deadline_for(period.phase)
        said.append(("warning", f"Hạn {WHAT[Phase(period.phase)]} của kỳ đánh giá năm {period.year} ({deadline:%d/%m/%Y}) đã qua: không nhắc."))
    return said
