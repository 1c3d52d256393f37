"""Writes of the monitoring app, one module per part of issue #22."""

from .emulation import emulation_rule_set
from .errors import MonitoringError
from .initiatives import initiative_recognise, initiative_register, initiative_replicate, initiative_start, initiative_update
from .plan import (
    TASK_COLUMNS,
    TASK_FILE_COLUMNS,
    TASK_REQUIRED_COLUMNS,
    TaskImportResult,
    parse_deadline,
    parse_field,
    plan_save,
    plan_tasks_import,
    task_accept,
    task_report,
    task_return,
    task_save,
    tasks_mark_overdue,
)
from .reports import report_calendar_set, report_reminders_send, report_submit
from .self_inspection import (
    self_inspection_finding_add,
    self_inspection_plan,
    self_inspection_record,
    self_inspection_target_set,
    subunit_add,
    subunit_remove,
    subunit_update,
)

__all__ = [
    "MonitoringError", "TASK_COLUMNS", "emulation_rule_set", "TASK_FILE_COLUMNS", "TASK_REQUIRED_COLUMNS", "TaskImportResult",
    "initiative_recognise", "initiative_register", "initiative_replicate", "initiative_start", "initiative_update",
    "parse_deadline", "parse_field", "plan_save", "plan_tasks_import", "report_calendar_set", "report_reminders_send",
    "report_submit", "self_inspection_finding_add", "self_inspection_plan", "self_inspection_record",
    "self_inspection_target_set", "subunit_add", "subunit_remove", "subunit_update", "task_accept", "task_report",
    "task_return", "task_save", "tasks_mark_overdue",
]
