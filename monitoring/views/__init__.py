"""Views of the monitoring app, one module per part of issue #22."""

from .emulation import emulation, emulation_file, emulation_home, emulation_rule
from .initiatives import (
    initiative_detail,
    initiative_edit,
    initiative_evidence,
    initiative_export,
    initiative_list,
    initiative_recognise,
    initiative_register,
    initiative_replicate,
    initiative_start,
)
from .plan import (
    home,
    my_tasks,
    plan_detail,
    plan_edit,
    plan_export,
    plan_import,
    plan_list,
    task_decide,
    task_detail,
    task_edit,
    task_evidence,
    task_report,
)
from .reports import report_calendar, report_file, report_remind, report_submit, report_year, reports_home
from .self_inspection import (
    self_home,
    self_inspection_detail,
    self_inspection_edit,
    self_inspection_finding_add,
    self_inspection_result,
    self_overview,
    self_target,
    self_unit,
    subunit_add,
    subunit_edit,
    subunit_remove,
)

__all__ = [
    "emulation", "emulation_file", "emulation_home", "emulation_rule",
    "home", "initiative_detail", "initiative_edit", "initiative_evidence", "initiative_export", "initiative_list",
    "initiative_recognise", "initiative_register", "initiative_replicate", "initiative_start", "my_tasks", "plan_detail",
    "plan_edit", "plan_export", "plan_import", "plan_list", "report_calendar", "report_file", "report_remind",
    "report_submit", "report_year", "reports_home", "self_home", "self_inspection_detail", "self_inspection_edit",
    "self_inspection_finding_add", "self_inspection_result", "self_overview", "self_target", "self_unit", "subunit_add",
    "subunit_edit", "subunit_remove", "task_decide", "task_detail", "task_edit", "task_evidence", "task_report",
]
