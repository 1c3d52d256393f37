"""Writes of the scoring app: periods and frameworks (`framework`), the scoring cycle
(`assessment`), score imports (`imports`) and reminders (`reminders`). Re-exported so that
`from scoring.services import X` keeps working."""

from .assessment import (
    APPROVED_MESSAGE,
    EVIDENCE_KEY,
    assessment_reopen_for_unit,
    assessment_submit,
    assessments_close_open,
    assessments_create_missing,
    assessments_open_for_period,
    assignment_create,
    assignment_delete,
    conflict_declare,
    evidence_add,
    evidence_delete,
    explanation_window_refusal,
    RowChange,
    SHEET_STAGES,
    SheetRefused,
    row_refusal,
    scores_save_sheet,
    self_window_refusal,
    validate_appraisal,
    validate_final,
    validate_self,
    validate_survey,
    score_return_to_appraiser,
    score_set_appraisal,
    score_set_explanation,
    score_set_final,
    score_set_self,
    vn_score,
)
from .totals import assessment_totals_refresh
from .errors import LOCKED_MESSAGE, FrameworkLocked, PhaseError, ScoringError, StaleScore
from .framework import (
    CRITERION_FIELDS,
    FRAMEWORK_COLUMNS,
    FRAMEWORK_IMPORT_COLUMNS,
    PERIOD_FIELDS,
    REQUIRED_COLUMNS,
    ImportResult,
    criterion_create,
    criterion_delete,
    criterion_move,
    criterion_update,
    framework_create,
    framework_delete,
    framework_import,
    period_advance,
    period_clone,
    period_create,
    period_move,
    period_reopen,
    period_update,
)
from .imports import SCORE_COLUMNS, SCORE_REQUIRED, STAGES, ScoreImportResult, scores_import
from .period_settings import describe_settings, period_settings_update
from .reminders import reminders_send
from .roster import roster_add, roster_copy, roster_fill, roster_move, roster_remove
from .results import (
    STALE_REASON,
    approval_record,
    approval_set_decision,
    approval_void,
    approval_void_if_stale,
    check_ready_to_approve,
    head_rating_override_remove,
    head_rating_override_set,
)

__all__ = [
    "APPROVED_MESSAGE", "STALE_REASON", "approval_record", "approval_set_decision", "approval_void", "approval_void_if_stale",
    "check_ready_to_approve", "head_rating_override_remove", "head_rating_override_set", "CRITERION_FIELDS", "EVIDENCE_KEY", "FRAMEWORK_COLUMNS", "FRAMEWORK_IMPORT_COLUMNS", "LOCKED_MESSAGE", "PERIOD_FIELDS",
    "REQUIRED_COLUMNS", "SCORE_COLUMNS", "SCORE_REQUIRED", "STAGES",
    "FrameworkLocked", "ImportResult", "PhaseError", "ScoreImportResult", "ScoringError", "StaleScore",
    "assessment_reopen_for_unit", "assessment_totals_refresh", "assessment_submit", "assessments_close_open", "assessments_create_missing",
    "assessments_open_for_period", "assignment_create", "assignment_delete", "conflict_declare",
    "criterion_create", "criterion_delete", "criterion_move", "criterion_update", "evidence_add", "evidence_delete", "explanation_window_refusal", "RowChange", "SHEET_STAGES", "SheetRefused", "row_refusal", "scores_save_sheet", "self_window_refusal", "validate_appraisal", "validate_final", "validate_self", "validate_survey",
    "framework_create", "framework_delete", "framework_import", "period_advance", "period_clone", "period_create",
    "period_move", "period_reopen", "period_settings_update", "describe_settings", "period_update", "reminders_send",
    "roster_add", "roster_copy", "roster_fill", "roster_move", "roster_remove", "score_return_to_appraiser",
    "score_set_appraisal", "score_set_explanation", "score_set_final", "score_set_self", "scores_import", "vn_score",
]
