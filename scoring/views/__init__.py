"""Views of the scoring app, by area; `scoring.urls` refers to them as `views.<name>`."""

from .appraisal import (
    appraisal_progress,
    appraisal_queue,
    appraisal_sheet,
    assessment_finalization,
    assessments_create_missing,
    assignment_delete,
    assignments,
    conflict_declare,
    score_appraise,
    score_finalize,
    score_import,
    score_return,
)
from .assessment import (
    assessment_detail,
    assessment_explanation,
    assessment_reopen,
    assessment_submit,
    evidence_delete,
    evidence_download,
    evidence_upload,
    my_assessment,
    score_explain,
    score_history,
    score_self,
)
from .framework import (
    criterion_add,
    criterion_delete,
    criterion_edit,
    criterion_move,
    framework_add,
    framework_delete,
    framework_detail,
    framework_export,
    framework_import,
    period_clone,
    period_create,
    period_detail,
    period_edit,
    period_list,
    period_transition,
)

__all__ = [
    "appraisal_progress", "appraisal_queue", "appraisal_sheet", "assessment_detail", "assessment_explanation",
    "assessment_finalization", "assessment_reopen", "assessment_submit", "assessments_create_missing", "assignment_delete",
    "assignments", "conflict_declare", "criterion_add", "criterion_delete", "criterion_edit", "criterion_move",
    "evidence_delete", "evidence_download", "evidence_upload", "framework_add", "framework_delete", "framework_detail",
    "framework_export", "framework_import", "my_assessment", "period_clone", "period_create", "period_detail",
    "period_edit", "period_list", "period_transition", "score_appraise", "score_explain", "score_finalize",
    "score_history", "score_import", "score_return", "score_self",
]
