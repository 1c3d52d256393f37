from cchc.errors import DomainError


class DocumentError(DomainError):
    """A document that cannot be asked for or rendered, with a Vietnamese message to show as is."""
