"""Writes to the yearly CCHC plan and its tasks: the plan's heading, each task (by hand or from the
plan's appendix as a file), the lead unit's reports, Sở Nội vụ's decisions on them and the daily
overdue stamp. Every change is one audited transaction; a refusal raises MonitoringError."""

import copy
import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.services import AuditEntry, audit_log, audit_log_many, diff_fields, save_audited, snapshot
from cchc.forms import DateField
from cchc.tabular import ImportRejected, RowError, Table
from inspections.models import Field
from units.models import Unit
from units.text import fold, nfc

from .. import scope
from ..models import PlanTask, ReformPlan, TaskEvidence, TaskReport
from .common import unit_problem
from .errors import MonitoringError
from .files import check_files, store_files

PLAN_FIELDS = ["year", "number", "issued_on", "title"]
TASK_FIELDS = ["number", "title", "field", "lead_unit", "deadline", "expected_product", "overdue_since"]

# The plan file (README "Kế hoạch CCHC năm: tệp nhiệm vụ"): one row per task, headed in
# Vietnamese without accents so that it survives every spreadsheet and keyboard.
TASK_COLUMNS = ["stt", "nhiem_vu", "linh_vuc", "don_vi_chu_tri", "don_vi_phoi_hop", "thoi_han", "san_pham"]
TASK_REQUIRED_COLUMNS = {"stt", "nhiem_vu", "linh_vuc", "don_vi_chu_tri", "thoi_han"}
# The export adds where each task stands; importing the exported file reads the task columns and
# leaves these alone, so that export → edit → import works.
TASK_STATUS_COLUMNS = ["tinh_trang", "tien_do", "qua_han_tu"]
TASK_FILE_COLUMNS = TASK_COLUMNS + TASK_STATUS_COLUMNS
# Which column of the file carries which field of a task.
COLUMN_OF = {
    "number": "stt",
    "title": "nhiem_vu",
    "field": "linh_vuc",
    "lead_unit": "don_vi_chu_tri",
    "supporting_units": "don_vi_phoi_hop",
    "deadline": "thoi_han",
    "expected_product": "san_pham",
}
ONGOING = {"", "thuong xuyen", "hang nam"}
QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"quy ([iv]+|[1-4])(?:\s*(?:/|nam)\s*(\d{4}))?")
_MONTH = re.compile(r"thang (\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?")
_FIELD_CODE = re.compile(r"([1-8])(?:[.):\-]|\s|$)")
_CODES = re.compile(r"[,;\s]+")


def _dates():
    return DateField()


# --- Reading a task's values (the form and the file alike) -------------------------------------------


def parse_field(text: str) -> str:
    """A field (lĩnh vực) as a plan writes it: its number ("2", "2. Cải cách thể chế") or its name,
    whole or in part ("thể chế", "chính quyền số"), with or without accents."""
    text = (text or "").strip()
    if match := _FIELD_CODE.match(text):
        return match[1]
    folded = fold(text)
    found = [code for code, label in Field.choices if len(folded) >= 4 and folded in fold(label)]
    if len(found) == 1:
        return found[0]
    raise ValueError(f"Lĩnh vực “{text}” không rõ: ghi số từ 1 đến 8 hoặc tên lĩnh vực (ví dụ “3” hoặc “Cải cách thủ tục hành chính”).")


def _end_of_month(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _year_of(raw: str, written: str | None, year: int) -> int:
    """The year a "Quý II/2026" or "Tháng 6/2026" names (the plan's year when none is written),
    within the years a date may have (1900–2100, as every date the app takes)."""
    if written is None:
        return year
    if not 1900 <= int(written) <= 2100:
        raise ValueError(f"Thời hạn “{raw}” không hợp lệ: năm phải trong khoảng 1900–2100.")
    return int(written)


def parse_deadline(text: str, year: int) -> datetime.date | None:
    """A deadline as a plan writes it: a date (dd/mm/yyyy, yyyy-mm-dd, an Excel date), "Quý II"
    (its last day), "Tháng 6" (its last day), both of the plan's year unless one is given, or
    "Thường xuyên" / empty for a task without a deadline (never overdue)."""
    raw = (text or "").strip()
    folded = fold(raw)
    if folded in ONGOING:
        return None
    if match := _QUARTER.fullmatch(folded):
        if match[1] not in QUARTERS:
            raise ValueError(f"Thời hạn “{raw}” không hợp lệ: quý phải là I, II, III hoặc IV.")
        return _end_of_month(_year_of(raw, match[2], year), QUARTERS[match[1]] * 3)
    if match := _MONTH.fullmatch(folded):
        month = int(match[1])
        if not 1 <= month <= 12:
            raise ValueError(f"Thời hạn “{raw}” không hợp lệ: tháng phải từ 1 đến 12.")
        return _end_of_month(_year_of(raw, match[2], year), month)
    # An Excel date cell arrives as "2026-06-30 00:00:00".
    day = re.sub(r"[ T]00:00(:00)?$", "", raw)
    try:
        return _dates().clean(day)
    except Exception as exc:  # forms.ValidationError, with the Vietnamese reason
        reason = " ".join(getattr(exc, "messages", [])) or "không đọc được"
        raise ValueError(f"Thời hạn “{raw}” không hợp lệ. {reason} Có thể ghi “Quý II”, “Tháng 6” hoặc “Thường xuyên”.") from None


def task_problems(year: int, values: dict) -> list[tuple[str, str]]:
    """(field, message) for each value of a task that the plan of `year` cannot take. The one check
    of a task's values, for the form and for every row of the file."""
    problems = []
    number = values["number"]
    if not number:
        problems.append(("number", "Chưa có số thứ tự."))
    elif len(number) > 16 or any(ch.isspace() for ch in number):
        problems.append(("number", f"Số thứ tự “{number}” không hợp lệ (tối đa 16 ký tự, không có dấu cách)."))
    if not values["title"]:
        problems.append(("title", "Chưa nhập nội dung nhiệm vụ."))
    if values["field"] not in Field.values:
        problems.append(("field", "Chưa chọn lĩnh vực."))
    lead = values["lead_unit"]
    if lead is not None and (problem := unit_problem(lead, year)):
        problems.append(("lead_unit", problem))
    for unit in values["supporting_units"]:
        if problem := unit_problem(unit, year):
            problems.append(("supporting_units", problem))
    deadline = values["deadline"]
    if deadline is not None and deadline.year not in (year, year + 1):
        problems.append(("deadline", f"Thời hạn {deadline:%d/%m/%Y} không thuộc năm kế hoạch {year} (hoặc đầu năm sau)."))
    return problems


def _editing_problem(task: PlanTask, changed: set[str], has_reports: bool) -> str | None:
    """Why a task's stored state forbids the change of `changed` fields (None: it does not)."""
    if not changed:
        return None
    if task.is_completed:
        return f"Nhiệm vụ {task.number} đã được xác nhận hoàn thành, không sửa được."
    if "lead_unit" in changed and has_reports:
        return f"Đơn vị chủ trì đã báo cáo thực hiện nhiệm vụ {task.number}, không đổi được đơn vị chủ trì."
    return None


def _lift_overdue_if_extended(task: PlanTask, today: datetime.date) -> None:
    """A deadline moved to today or later (gia hạn), or removed, lifts the overdue mark; the audit
    keeps the old one."""
    if task.overdue_since and (task.deadline is None or task.deadline >= today):
        task.overdue_since = None


def _task_snapshot(task: PlanTask, supporting) -> dict:
    # No supporting unit is recorded as nothing, not as an empty list ("— → —" in the history).
    return {**snapshot(task, TASK_FIELDS), "supporting_units": sorted(u.code for u in supporting) or None}


# --- The plan ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, actor, plan: ReformPlan | None = None, year: int, title: str, number: str = "", issued_on=None) -> ReformPlan:
    """Create the year's plan or change its heading (year, number, date, title)."""
    if plan is not None:
        plan = ReformPlan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan, PLAN_FIELDS)
    else:
        plan, before = ReformPlan(), {}
    title, number = nfc(title), nfc(number)
    if not title:
        raise MonitoringError("Chưa nhập trích yếu của kế hoạch.")
    if not 2000 <= year <= 2100:
        raise MonitoringError("Năm kế hoạch phải từ 2000 đến 2100.")
    if ReformPlan.objects.exclude(pk=plan.pk).filter(year=year).exists():
        raise MonitoringError(f"Đã có kế hoạch CCHC năm {year}.")
    if before and year != before["year"] and plan.tasks.exists():
        # The tasks' units were checked against the plan's year.
        raise MonitoringError("Kế hoạch đã có nhiệm vụ, không đổi được năm.")
    if issued_on and issued_on.year > year:
        raise MonitoringError(f"Ngày ban hành {issued_on:%d/%m/%Y} sau năm kế hoạch {year}.")
    plan.year, plan.title, plan.number, plan.issued_on = year, title, number, issued_on
    save_audited(plan, before, actor=actor, action="reform_plan.update" if before else "reform_plan.create", fields=PLAN_FIELDS)
    return plan


# --- One task ------------------------------------------------------------------------------------------------


@transaction.atomic
def task_save(
    *,
    actor,
    plan: ReformPlan,
    task: PlanTask | None = None,
    number: str,
    title: str,
    field: str,
    lead_unit: Unit,
    supporting_units=(),
    deadline: datetime.date | None = None,
    expected_product: str = "",
) -> PlanTask:
    """Add a task to the plan or change one (staff)."""
    # The plan is locked: two tasks given the same number at the same moment would both pass.
    plan = ReformPlan.objects.select_for_update().get(pk=plan.pk)
    if task is not None:
        task = PlanTask.objects.select_for_update().get(pk=task.pk, plan=plan)
        before = _task_snapshot(task, task.supporting_units.all())
    else:
        last = plan.tasks.order_by("-position").values_list("position", flat=True).first() or 0
        task, before = PlanTask(plan=plan, position=last + 1), {}
    supporting = sorted({u for u in supporting_units if u.pk != lead_unit.pk}, key=lambda u: u.code)
    values = {
        "number": nfc(number),
        "title": nfc(title),
        "field": field,
        "lead_unit": lead_unit,
        "supporting_units": supporting,
        "deadline": deadline,
        "expected_product": nfc(expected_product),
    }
    problems = task_problems(plan.year, values)
    if problems:
        raise MonitoringError(" ".join(message for _, message in problems))
    if plan.tasks.exclude(pk=task.pk).filter(number=values["number"]).exists():
        raise MonitoringError(f"Kế hoạch đã có nhiệm vụ số {values['number']}.")
    for name, value in values.items():
        if name != "supporting_units":
            setattr(task, name, value)
    _lift_overdue_if_extended(task, timezone.localdate())
    changes = diff_fields(before, _task_snapshot(task, supporting))
    if before:
        problem = _editing_problem(task, set(changes), task.reports.exists())
        if problem:
            raise MonitoringError(problem)
        if not changes:
            return task
    task.save()
    task.supporting_units.set(supporting)
    audit_log(actor=actor, action="plan_task.update" if before else "plan_task.create", target=task, changes=changes)
    return task


# --- The plan's task list from a file --------------------------------------------------------------------------


@dataclass
class TaskImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"thêm mới {self.created}, cập nhật {self.updated}, không đổi {self.unchanged} nhiệm vụ."


def _codes(text: str) -> list[str]:
    return [code for code in _CODES.split(text or "") if code]


def _read_row(row: dict, year: int, units: dict[str, Unit]) -> tuple[dict, list[tuple[str, str]]]:
    """The task's values in one row of the file, and (column, message) for what cannot be read."""
    errors = []
    values = {
        "number": row["stt"].strip(),
        "title": row["nhiem_vu"],
        "expected_product": row["san_pham"],
        "field": "",
        "lead_unit": None,
        "supporting_units": [],
        "deadline": None,
    }
    try:
        values["field"] = parse_field(row["linh_vuc"])
    except ValueError as exc:
        errors.append(("linh_vuc", str(exc)))
    lead = row["don_vi_chu_tri"].strip()
    if not lead:
        errors.append(("don_vi_chu_tri", "Chưa có mã đơn vị chủ trì."))
    elif lead not in units:
        errors.append(("don_vi_chu_tri", f"Không có đơn vị mã “{lead}”."))
    else:
        values["lead_unit"] = units[lead]
    for code in dict.fromkeys(_codes(row["don_vi_phoi_hop"])):
        if code not in units:
            errors.append(("don_vi_phoi_hop", f"Không có đơn vị mã “{code}”."))
        elif code == lead:
            errors.append(("don_vi_phoi_hop", f"Đơn vị {code} đã là đơn vị chủ trì."))
        else:
            values["supporting_units"].append(units[code])
    try:
        values["deadline"] = parse_deadline(row["thoi_han"], year)
    except ValueError as exc:
        errors.append(("thoi_han", str(exc)))
    for name, message in task_problems(year, values):
        # A unit, a field or a date not read has its message already.
        if not any(column == COLUMN_OF[name] for column, _ in errors):
            errors.append((COLUMN_OF[name], message))
    return values, errors


@transaction.atomic
def plan_tasks_import(*, actor, plan: ReformPlan, table: Table) -> TaskImportResult:
    """Create or update the plan's tasks from its task list: every row valid, or nothing written.

    A row is the task of its number (stt) in the plan: importing the same file again changes
    nothing, a corrected file updates what it corrects. Tasks missing from the file stay."""
    plan = ReformPlan.objects.select_for_update().get(pk=plan.pk)
    codes = {row["don_vi_chu_tri"].strip() for _, row in table.rows}
    codes |= {code for _, row in table.rows for code in _codes(row["don_vi_phoi_hop"])}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes - {""})}
    existing = {t.number: t for t in plan.tasks.select_for_update().prefetch_related("supporting_units")}
    reported = set(TaskReport.objects.filter(task__plan=plan).values_list("task_id", flat=True))
    today = timezone.localdate()

    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    accepted = []
    for number, row in table.rows:
        values, problems = _read_row(row, plan.year, units)
        errors += [RowError(number, column, message) for column, message in problems]
        key = values["number"]
        if key in first_row_of:
            errors.append(RowError(number, "stt", f"Số thứ tự “{key}” bị trùng với dòng {first_row_of[key]}."))
            continue
        first_row_of[key] = number
        if problems:
            continue
        task = existing.get(key)
        before = _task_snapshot(task, task.supporting_units.all()) if task else {}
        if task is not None:
            probe = copy.copy(task)  # the task as the row would leave it, unsaved
            for name, value in values.items():
                if name != "supporting_units":
                    setattr(probe, name, value)
            _lift_overdue_if_extended(probe, today)
            changed = set(diff_fields(before, _task_snapshot(probe, values["supporting_units"])))
            if problem := _editing_problem(task, changed, task.pk in reported):
                errors.append(RowError(number, "stt", problem))
                continue
        accepted.append((values, task, before))
    if errors:
        raise ImportRejected(errors)

    result = TaskImportResult()
    created, updated = [], []
    through = PlanTask.supporting_units.through
    links_to_add, links_to_drop = [], []
    # New tasks follow the plan's in the file's order; a later file does not reorder those there.
    position = max((t.position for t in existing.values()), default=0)
    for values, task, before in accepted:
        supporting = values.pop("supporting_units")
        if task is None:
            position += 1
            task = PlanTask(plan=plan, position=position, **values)
        else:
            for name, value in values.items():
                setattr(task, name, value)
            _lift_overdue_if_extended(task, today)
        changes = diff_fields(before, _task_snapshot(task, supporting))
        if not changes:
            result.unchanged += 1
            continue
        was_new = task.pk is None
        task.save()
        old = {u.pk for u in task.supporting_units.all()} if not was_new else set()
        new = {u.pk for u in supporting}
        links_to_add += [through(plantask_id=task.pk, unit_id=unit_id) for unit_id in new - old]
        links_to_drop += [(task.pk, unit_id) for unit_id in old - new]
        (created if was_new else updated).append(AuditEntry(target=task, changes=changes))
    for task_id, unit_id in links_to_drop:
        through.objects.filter(plantask_id=task_id, unit_id=unit_id).delete()
    through.objects.bulk_create(links_to_add)
    result.created, result.updated = len(created), len(updated)
    audit_log_many(actor=actor, action="plan_task.import_create", entries=created)
    audit_log_many(actor=actor, action="plan_task.import_update", entries=updated)
    return result


# --- Reports by the lead unit and decisions by Sở Nội vụ ---------------------------------------------------------


@transaction.atomic
def task_report(*, actor, task: PlanTask, kind: str, text: str, progress: int | None = None, files=()) -> TaskReport:
    """The lead unit reports progress (a percentage) or completion (with the product as evidence);
    a completion report waits for Sở Nội vụ's decision."""
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    if not scope.may_report_task(actor, task):
        raise MonitoringError("Chỉ cán bộ đầu mối của đơn vị chủ trì báo cáo được nhiệm vụ này.")
    if not task.awaits_unit:
        raise MonitoringError(f"Nhiệm vụ đang ở tình trạng “{task.get_status_display()}”, không báo cáo thêm được.")
    text = nfc(text)
    if not text:
        raise MonitoringError("Chưa nhập nội dung báo cáo.")
    files = list(files)
    kinds = check_files(files)
    if kind == TaskReport.Kind.COMPLETION:
        progress = 100
        if not files:
            raise MonitoringError("Báo cáo hoàn thành cần kèm ít nhất một tài liệu kiểm chứng (sản phẩm đầu ra của nhiệm vụ).")
    elif kind == TaskReport.Kind.PROGRESS:
        if progress is None or not 0 <= progress <= 100:
            raise MonitoringError("Tiến độ phải từ 0 đến 100 %.")
    else:
        raise MonitoringError("Loại báo cáo không hợp lệ.")
    report = TaskReport.objects.create(task=task, kind=kind, progress=progress, text=text, created_by=actor)
    stored = store_files(TaskEvidence, files, kinds, actor=actor, report=report)
    before = {"status": task.status, "progress": task.progress}
    task.progress = progress
    if kind == TaskReport.Kind.COMPLETION:
        task.status = PlanTask.Status.REPORTED
    task.save(update_fields=["status", "progress", "updated_at"])
    changes = diff_fields(before, {"status": task.status, "progress": task.progress})
    changes["files"] = [None, [row.original_name for row in stored]]
    audit_log(actor=actor, action="plan_task.report", target=task, changes=changes, reason=text)
    return report


def _decide(*, actor, task: PlanTask, status: str, comment: str, action: str) -> PlanTask:
    before = task.status
    task.status, task.review_comment, task.reviewed_at = status, comment, timezone.now()
    task.save(update_fields=["status", "review_comment", "reviewed_at", "updated_at"])
    audit_log(actor=actor, action=action, target=task, changes={"status": [before, status]}, reason=comment)
    return task


def _lock_reported(actor, task: PlanTask, verb: str) -> PlanTask:
    if not scope.may_review(actor):
        raise MonitoringError("Chỉ Sở Nội vụ xem xét được báo cáo hoàn thành nhiệm vụ.")
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    if task.status != PlanTask.Status.REPORTED:
        raise MonitoringError(f"Chỉ {verb} được nhiệm vụ mà đơn vị đã báo cáo hoàn thành.")
    return task


@transaction.atomic
def task_accept(*, actor, task: PlanTask, comment: str = "") -> PlanTask:
    """Sở Nội vụ accepts the completion: the task counts as completed from now on."""
    task = _lock_reported(actor, task, "xác nhận")
    return _decide(actor=actor, task=task, status=PlanTask.Status.ACCEPTED, comment=nfc(comment), action="plan_task.accept")


@transaction.atomic
def task_return(*, actor, task: PlanTask, comment: str) -> PlanTask:
    """Sở Nội vụ returns the completion report: the unit must do more and report again."""
    task = _lock_reported(actor, task, "trả lại")
    comment = nfc(comment)
    if not comment:
        raise MonitoringError("Khi trả lại cần ghi rõ lý do, nội dung đơn vị cần bổ sung.")
    return _decide(actor=actor, task=task, status=PlanTask.Status.RETURNED, comment=comment, action="plan_task.return")


def tasks_mark_overdue(*, today: datetime.date) -> int:
    """Stamp tasks still with their unit (in progress or returned) past their deadline as overdue;
    return how many.

    Safe to run twice or concurrently: each row is claimed with a conditional UPDATE and only the
    run that changed it writes the audit row. A completion waiting for Sở Nội vụ's review is not
    the unit's delay and is not marked."""
    waiting = [PlanTask.Status.IN_PROGRESS, PlanTask.Status.RETURNED]
    candidates = PlanTask.objects.filter(status__in=waiting, deadline__lt=today, overdue_since__isnull=True).values_list("pk", "deadline")
    marked = 0
    for pk, deadline in list(candidates):
        since = deadline + datetime.timedelta(days=1)
        with transaction.atomic():
            claimed = PlanTask.objects.filter(pk=pk, overdue_since__isnull=True, status__in=waiting, deadline=deadline).update(overdue_since=since)
            if claimed:
                marked += 1
                audit_log(actor=None, action="plan_task.overdue", target=PlanTask.objects.get(pk=pk), changes={"overdue_since": [None, since]})
    return marked
