"""What a kind of document is, for the pipeline: see `registry.py` for the kinds themselves."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from .models import GeneratedDocument
from .rendering import Flow, render_pdf
from .rendering import fingerprint as data_fingerprint


@dataclass(frozen=True)
class CliOption:
    """An option of `manage.py render_document <kind>`; kinds that share a flag share its type."""

    flag: str
    type: type
    help: str


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    subject_model: type[Model]
    template: str
    # subject → dict of plain data (str, int, bool, None, lists, dicts); raises DocumentError.
    build_context: Callable[[Model], dict]
    # context → the row's title and the download's file name.
    title: Callable[[dict], str]
    filename: Callable[[dict], str]
    # user → the subjects whose documents the user may see (panel, list, download); 404 outside.
    visible_subjects: Callable[[object], QuerySet]
    # (user, subject) → may the user queue a rendering.
    can_request: Callable[[object, Model], bool]
    cli_options: tuple[CliOption, ...] = ()
    # command-line options → subject; raises DocumentError with a message for the clerk.
    subject_from_cli: Callable[[dict], Model] | None = None
    # Raise when the layout changes: documents rendered with the old one show as out of date.
    version: int = 1
    # The words of the button that asks for the first rendering: "<short_label> (PDF)".
    short_label: str = ""
    # Who may ask for a rendering, in words for the panel of someone who may not ("Sở Nội vụ").
    requesters: str = ""
    fingerprint: Callable[..., str] = field(default=data_fingerprint)
    # context → the flows a long document is laid out in (see rendering.py); None: in one piece.
    flows: Callable[[dict], list[Flow]] | None = None

    @property
    def label(self) -> str:
        return GeneratedDocument.Kind(self.kind).label

    def render(self, context: dict) -> tuple[bytes, int]:
        """(PDF bytes, page count)."""
        return render_pdf(template=self.template, context=context, flows=self.flows(context) if self.flows else None)

    def fingerprint_of(self, context: dict) -> str:
        return self.fingerprint(kind=self.kind, version=self.version, context=context)
