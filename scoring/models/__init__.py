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
    DECIMAL_CHOICES,
    STORED_DECIMALS,
    LEVEL_LABELS,
    MAX_SCORE_LIMIT,
    OUTSIDE_MAX_KINDS,
    PHASES,
    SELF_CLAIMED_KINDS,
    Criterion,
    Framework,
    Kind,
    Period,
    Phase,
    RosterEntry,
    display_score,
    fixed_score,
    format_rule,
    format_score,
    normalize_rule,
    parse_rule,
    parse_score,
    round_score,
    score_quantum,
)
from .results import Approval, HeadRating, HeadRatingOverride

__all__ = [
    "CENT", "CODE_RE", "DECIMAL_CHOICES", "STORED_DECIMALS", "LEVEL_LABELS", "MAX_SCORE_LIMIT", "PHASES", "SCORED_KINDS_BY_STAGE",
    "AppraisalAssignment", "Approval", "Assessment", "ConflictDeclaration", "Criterion", "Evidence", "Framework", "HeadRating", "HeadRatingOverride", "Kind",
    "Period", "Phase", "ReminderLog", "RosterEntry", "Score",
    "format_rule", "format_score", "normalize_rule", "parse_rule", "parse_score",
    "display_score", "fixed_score", "round_score", "score_quantum",
    "OUTSIDE_MAX_KINDS", "SELF_CLAIMED_KINDS",
]
