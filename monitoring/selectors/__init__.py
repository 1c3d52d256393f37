"""Reads of the monitoring app, one module per part of issue #22."""

from .emulation import EmulationPackage, describe_rule, emulation_package, emulation_rule, package_refusal, proposes
from .initiatives import EXPORT_COLUMNS as INITIATIVE_EXPORT_COLUMNS
from .initiatives import initiative_detail, initiative_export_rows, initiative_list
from .plan import (
    BUCKETS,
    SUMMARY_COLUMNS,
    TASK_STATE_LABELS,
    PlanDashboard,
    TaskCounts,
    format_share,
    plan_dashboard,
    plan_export_rows,
    plan_list,
    plan_summary_rows,
    plan_tasks,
    review_queue,
    share,
    task_counts,
    task_counts_by_field,
    task_counts_by_unit,
    task_detail,
    unit_task_counts,
    unit_tasks,
)
from .reports import STATE_LABELS, report_matrix, report_status, unit_submissions, year_dues
from .self_inspection import (
    UNDECLARED,
    Coverage,
    coverage,
    min_share,
    province_coverage,
    reference_day,
    removed_subunits,
    self_inspection_detail,
    standing_list,
    year_plan,
)

__all__ = [
    "EmulationPackage", "describe_rule", "emulation_package", "emulation_rule", "package_refusal", "proposes",
    "BUCKETS", "INITIATIVE_EXPORT_COLUMNS", "STATE_LABELS", "SUMMARY_COLUMNS", "TASK_STATE_LABELS", "UNDECLARED", "Coverage", "PlanDashboard",
    "TaskCounts", "coverage", "format_share", "initiative_detail", "initiative_export_rows", "initiative_list", "min_share",
    "plan_dashboard", "plan_export_rows", "plan_list", "plan_summary_rows", "plan_tasks", "province_coverage", "reference_day",
    "removed_subunits", "report_matrix", "report_status", "review_queue", "self_inspection_detail", "share", "standing_list",
    "task_counts", "task_counts_by_field", "task_counts_by_unit", "task_detail", "unit_submissions", "unit_task_counts",
    "unit_tasks", "year_dues", "year_plan",
]
