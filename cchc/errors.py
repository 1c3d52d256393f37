"""The one kind of refusal every service raises: a change that does not happen, with the reason
in Vietnamese to show as is. Each app names its own (ScoringError, UnitError, InspectionError,
DocumentError, ImportRejected), all of them DomainErrors, so that a view, a command or a task
catches one class and shows `message`."""


class DomainError(Exception):
    """A refused change; `str(error)` and `error.message` are the Vietnamese reason."""

    @property
    def message(self) -> str:
        return str(self)
