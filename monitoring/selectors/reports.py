"""Reads of the periodic reports: the year's calendar, the matrix of units × reports with each
report's state (on time, late, missing, not yet due), and a unit's own row with its files."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from units.models import Block, Unit

from ..models import ReportDue, ReportSubmission, monitored_units_on, unit_monitored_on
from .plan import share

ON_TIME, LATE, MISSING, PENDING, NOT_OWED = "on_time", "late", "missing", "pending", "not_owed"
STATE_LABELS = {
    ON_TIME: "Đúng hạn",
    LATE: "Chậm",
    MISSING: "Chưa gửi (quá hạn)",
    PENDING: "Chưa đến hạn",
    NOT_OWED: "Không phải gửi",
}


def report_status(*, due: ReportDue, owes: bool, first_sent: datetime.datetime | None, today: datetime.date) -> str:
    """The one rule of a report's state: sent on or before its due date (the day, in Vietnam's
    time) is on time, after it late; nothing sent is missing once the due date has passed."""
    if not owes:
        return NOT_OWED
    if first_sent is not None:
        return ON_TIME if timezone.localdate(first_sent) <= due.due_date else LATE
    return MISSING if today > due.due_date else PENDING


@dataclass
class ReportCell:
    due: ReportDue
    state: str
    latest_id: int | None = None
    versions: int = 0
    first_sent: datetime.datetime | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class ReportTotals:
    due: ReportDue
    counts: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def owed(self) -> int:
        return sum(n for state, n in self.counts.items() if state != NOT_OWED)

    @property
    def on_time_share(self):
        return share(self.counts[ON_TIME], self.owed)


def year_dues(year: int) -> list[ReportDue]:
    return list(ReportDue.objects.filter(year=year).order_by("due_date", "kind"))


def _units_owing_any(dues: list[ReportDue]):
    condition = Q(pk__in=[])
    for due in dues:
        condition |= Q(pk__in=monitored_units_on(due.due_date).values("pk"))
    return Unit.objects.filter(condition)


def report_matrix(*, year: int, today: datetime.date, block: Block | None = None, unit: Unit | None = None):
    """(dues, rows, totals): the year's reports in date order; for each unit that owes at least one
    of them, (unit, [ReportCell per due]); and per due the count of each state. Three queries
    whatever the number of units."""
    dues = year_dues(year)
    if not dues:
        return [], [], []
    units = _units_owing_any(dues).select_related("block")
    if block is not None:
        units = units.filter(block=block)
    if unit is not None:
        units = units.filter(pk=unit.pk)
    units = list(units.order_by("block__order", "block__code", "code"))
    sent = {
        (row["due_id"], row["unit_id"]): row
        for row in ReportSubmission.objects.filter(due__in=dues, unit__in=[u.pk for u in units])
        .values("due_id", "unit_id")
        .annotate(first=Min("uploaded_at"), latest=Max("id"), versions=Count("id"))
    }
    totals = [ReportTotals(due) for due in dues]
    rows = []
    for unit_row in units:
        cells = []
        for due, total in zip(dues, totals):
            found = sent.get((due.pk, unit_row.pk))
            state = report_status(
                due=due, owes=unit_monitored_on(unit_row, due.due_date), first_sent=found["first"] if found else None, today=today
            )
            total.counts[state] += 1
            cells.append(ReportCell(due, state, found["latest"] if found else None, found["versions"] if found else 0, found["first"] if found else None))
        rows.append((unit_row, cells))
    return dues, rows, totals


def unit_submissions(*, unit: Unit, year: int) -> dict[int, list[ReportSubmission]]:
    """Every file the unit sent for each report of the year (due id → versions, newest first)."""
    versions = defaultdict(list)
    for submission in ReportSubmission.objects.filter(unit=unit, due__year=year).select_related("uploaded_by").order_by("-uploaded_at", "-id"):
        versions[submission.due_id].append(submission)
    return dict(versions)
