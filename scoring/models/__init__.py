"""The scoring app's models: periods and frameworks (`framework`), and the assessments scored
against them (`assessment`). Everything is re-exported so `from scoring.models import X` works."""

from .assessment import (
    SCORED_KINDS_BY_STAGE,
    AppraisalAssignment,
    Assessment,
    ConflictDeclaration,
    Evidence,
    ReminderLog,
    Score,
)
from .framework import (
    CENT,
    CODE_RE,
    LEVEL_LABELS,
    MAX_SCORE_LIMIT,
    PHASES,
    Criterion,
    Framework,
    Kind,
    Period,
    Phase,
    RosterEntry,
    format_rule,
    format_score,
    normalize_rule,
    parse_rule,
    parse_score,
)
from .results import Approval, HeadRating, HeadRatingOverride

__all__ = [
    "CENT", "CODE_RE", "LEVEL_LABELS", "MAX_SCORE_LIMIT", "PHASES", "SCORED_KINDS_BY_STAGE",
    "AppraisalAssignment", "Approval", "Assessment", "ConflictDeclaration", "Criterion", "Evidence", "Framework", "HeadRating", "HeadRatingOverride", "Kind",
    "Period", "Phase", "ReminderLog", "RosterEntry", "Score",
    "format_rule", "format_score", "normalize_rule", "parse_rule", "parse_score",
]
