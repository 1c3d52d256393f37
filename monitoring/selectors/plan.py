"""Reads of the yearly plan: the dashboard's counts and rates (province-wide, by field, by lead
unit), the task lists and the export. Each list runs a constant number of queries."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from inspections.models import Field
from units.models import Unit

from ..models import PlanTask, ReformPlan, TaskEvidence, TaskReport
from ..scope import tasks_for_user

CENT = Decimal("0.01")
S = PlanTask.Status

# The four states a dashboard counts, each task in exactly one of them. "Completed" is what Sở Nội
# vụ accepted; a task past its deadline is overdue until accepted, whatever the unit reported; a
# completion waiting for review is not the unit's delay (PlanTask.is_overdue, tasks_mark_overdue).
COMPLETED = Q(status=S.ACCEPTED)
OVERDUE = Q(overdue_since__isnull=False) & ~COMPLETED
AWAITING_REVIEW = Q(status=S.REPORTED, overdue_since__isnull=True)
ON_TIME = Q(status__in=[S.IN_PROGRESS, S.RETURNED], overdue_since__isnull=True)
BUCKETS = {"completed": COMPLETED, "awaiting_review": AWAITING_REVIEW, "on_time": ON_TIME, "overdue": OVERDUE}
TASK_STATE_LABELS = {
    "completed": "Hoàn thành",
    "awaiting_review": "Chờ xác nhận",
    "on_time": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn",
}


def share(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with two decimals, rounded half up (29,3233… → 29,32); None
    when there is no whole (nothing to count is not 0 %, nor 100 %)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_share(value: Decimal | None, empty: str = "—") -> str:
    """29,32 % — as Vietnamese writes a percentage."""
    return empty if value is None else f"{value:.2f}".replace(".", ",") + " %"


@dataclass(frozen=True)
class TaskCounts:
    total: int = 0
    completed: int = 0
    awaiting_review: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def rate(self) -> Decimal | None:
        """The completion rate: accepted tasks ÷ all tasks."""
        return share(self.completed, self.total)

    @property
    def rate_text(self) -> str:
        return format_share(self.rate)

    def __str__(self):
        return (
            f"{self.total} nhiệm vụ, hoàn thành {self.completed} = {self.rate_text}, "
            f"chờ xác nhận {self.awaiting_review}, đang thực hiện trong hạn {self.on_time}, quá hạn {self.overdue}"
        )


def _aggregates() -> dict:
    return {"total": Count("id"), **{name: Count("id", filter=condition) for name, condition in BUCKETS.items()}}


def _counts(row: dict) -> TaskCounts:
    return TaskCounts(**{name: row[name] or 0 for name in ("total", *BUCKETS)})


def task_counts(tasks: QuerySet[PlanTask]) -> TaskCounts:
    """The counts and the completion rate of `tasks`, in one query: the one computation every page
    and file shows."""
    return _counts(tasks.order_by().aggregate(**_aggregates()))


def task_counts_by_field(tasks: QuerySet[PlanTask]) -> list[tuple[str, str, TaskCounts]]:
    """(field code, label, counts) of each field that has tasks, in field order; one query."""
    rows = tasks.order_by().values("field").annotate(**_aggregates())
    found = {row["field"]: _counts(row) for row in rows}
    return [(code, f"{code}. {label}", found[code]) for code, label in Field.choices if code in found]


def task_counts_by_unit(tasks: QuerySet[PlanTask]) -> list[tuple[Unit, TaskCounts]]:
    """(lead unit, counts of the tasks it leads), in the directory's order; two queries."""
    rows = list(tasks.order_by().values("lead_unit_id").annotate(**_aggregates()))
    units = Unit.objects.select_related("block").in_bulk([row["lead_unit_id"] for row in rows])
    result = [(units[row["lead_unit_id"]], _counts(row)) for row in rows]
    return sorted(result, key=lambda pair: (pair[0].block.order, pair[0].block.code, pair[0].code))


@dataclass
class PlanDashboard:
    plan: ReformPlan
    overall: TaskCounts
    by_field: list
    by_unit: list


def plan_dashboard(*, plan: ReformPlan) -> PlanDashboard:
    tasks = PlanTask.objects.filter(plan=plan)
    return PlanDashboard(plan, task_counts(tasks), task_counts_by_field(tasks), task_counts_by_unit(tasks))


def plan_list() -> QuerySet[ReformPlan]:
    return ReformPlan.objects.annotate(
        task_count=Count("tasks"), completed_count=Count("tasks", filter=Q(tasks__status=S.ACCEPTED))
    ).order_by("-year")


# --- Task lists -------------------------------------------------------------------------------------------


def _with_units(tasks: QuerySet[PlanTask]) -> QuerySet[PlanTask]:
    return tasks.select_related("plan", "lead_unit").prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("code")))


def filter_tasks(tasks: QuerySet[PlanTask], *, field: str = "", unit: Unit | None = None, state: str = "") -> QuerySet[PlanTask]:
    """Narrow a task list by field, lead unit, and one of the dashboard's states (BUCKETS)."""
    if field:
        tasks = tasks.filter(field=field)
    if unit is not None:
        tasks = tasks.filter(lead_unit=unit)
    if state in BUCKETS:
        tasks = tasks.filter(BUCKETS[state])
    return tasks


def plan_tasks(*, plan: ReformPlan, field: str = "", unit: Unit | None = None, state: str = "") -> QuerySet[PlanTask]:
    return _with_units(filter_tasks(PlanTask.objects.filter(plan=plan), field=field, unit=unit, state=state)).order_by("position", "id")


def unit_tasks(*, user, plan: ReformPlan) -> QuerySet[PlanTask]:
    """The tasks of the plan the user's unit leads or supports (tasks_for_user), the led ones first."""
    return _with_units(tasks_for_user(user).filter(plan=plan)).order_by("position", "id")


def unit_task_counts(*, user, plan: ReformPlan) -> TaskCounts:
    """The counts of the tasks the unit leads: what the province's dashboard shows on its row."""
    return task_counts(tasks_for_user(user).filter(plan=plan, lead_unit_id=user.unit_id))


def task_detail(*, task: PlanTask) -> PlanTask:
    reports = TaskReport.objects.select_related("created_by").prefetch_related(Prefetch("evidence", queryset=TaskEvidence.objects.order_by("id")))
    return _with_units(PlanTask.objects.filter(pk=task.pk)).prefetch_related(Prefetch("reports", queryset=reports)).get()


def review_queue(*, plan: ReformPlan | None = None) -> QuerySet[PlanTask]:
    """Completions waiting for Sở Nội vụ, oldest first."""
    tasks = PlanTask.objects.filter(status=S.REPORTED)
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    return _with_units(tasks).order_by("updated_at", "id")


# --- Export -----------------------------------------------------------------------------------------------------


def _deadline_text(task: PlanTask) -> str:
    return task.deadline.strftime("%d/%m/%Y") if task.deadline else "Thường xuyên"


def plan_export_rows(*, plan: ReformPlan, field: str = "", unit: Unit | None = None, state: str = "") -> list[list]:
    """The tasks in the import's columns (services.TASK_FILE_COLUMNS), then where each stands."""
    rows = []
    for task in plan_tasks(plan=plan, field=field, unit=unit, state=state):
        rows.append(
            [
                task.number,
                task.title,
                f"{task.field}. {task.get_field_display()}",
                task.lead_unit.code,
                ", ".join(u.code for u in task.supporting_units.all()),
                _deadline_text(task),
                task.expected_product,
                task.get_status_display(),
                task.progress,
                task.overdue_since.strftime("%d/%m/%Y") if task.is_overdue else "",
            ]
        )
    return rows


SUMMARY_COLUMNS = ["nhom", "ten", "tong_so", "hoan_thanh", "cho_xac_nhan", "dang_thuc_hien_trong_han", "qua_han", "ty_le_hoan_thanh"]


def plan_summary_rows(dashboard: PlanDashboard) -> list[list]:
    """The dashboard as a sheet: the province, each field, each lead unit. The rate is a number
    (29.32) so that a spreadsheet can sort and sum it."""

    def line(group: str, name: str, counts: TaskCounts) -> list:
        rate = float(counts.rate) if counts.rate is not None else ""
        return [group, name, counts.total, counts.completed, counts.awaiting_review, counts.on_time, counts.overdue, rate]

    rows = [line("Toàn tỉnh", str(dashboard.plan), dashboard.overall)]
    rows += [line("Lĩnh vực", label, counts) for _, label, counts in dashboard.by_field]
    rows += [line("Đơn vị chủ trì", f"{unit.name} ({unit.code})", counts) for unit, counts in dashboard.by_unit]
    return rows
