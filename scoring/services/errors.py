"""The domain errors of the scoring services. Views show their message as is."""

from cchc.errors import DomainError

LOCKED_MESSAGE = "Kỳ đánh giá đã qua giai đoạn dự thảo, không thể sửa bộ chỉ số."


class ScoringError(DomainError):
    """A refused change, with a Vietnamese message to show as is."""


class ReasonRequired(ScoringError):
    """A change that needs a written reason came without one (an import points at its note)."""


class FrameworkLocked(ScoringError):
    def __init__(self, message: str = LOCKED_MESSAGE):
        super().__init__(message)


class PhaseError(ScoringError):
    pass


class StaleScore(ScoringError):
    """The row changed since the form was loaded. `score` is the row as it is now, so that the
    page can show the current value instead of silently overwriting it."""

    def __init__(self, message: str, score=None):
        super().__init__(message)
        self.score = score
