"""Reads of the scoring app: periods and frameworks (`framework`), assessments and scores
(`assessment`). Re-exported so `from scoring.selectors import X` keeps working."""

from .assessment import *  # noqa: F403
from .assessment import __all__ as _assessment_all
from .framework import (
    FRAMEWORK_COLUMNS,
    FRAMEWORK_IMPORT_COLUMNS,
    FRAMEWORK_OPTIONAL_COLUMNS,
    FrameworkTree,
    criteria_tree_for_framework,
    framework_export_rows,
    framework_export_table,
    framework_for,
    framework_trees_for_period,
    period_list,
    phase_events,
)
from .results import *  # noqa: F403
from .results import __all__ as _results_all
from .roster import *  # noqa: F403
from .roster import __all__ as _roster_all

__all__ = [
    "FRAMEWORK_COLUMNS", "FRAMEWORK_IMPORT_COLUMNS", "FRAMEWORK_OPTIONAL_COLUMNS", "framework_export_table", "FrameworkTree", "criteria_tree_for_framework", "framework_export_rows", "framework_for",
    "framework_trees_for_period", "period_list", "phase_events", *_assessment_all, *_results_all, *_roster_all,
]
