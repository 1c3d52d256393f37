from cchc.errors import DomainError


class MonitoringError(DomainError):
    """A refused change of the monitoring app, with a Vietnamese message to show as is."""
