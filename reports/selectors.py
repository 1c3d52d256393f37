"""Reads of generated documents, limited to what each user may see."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from .errors import DocumentError
from .models import GeneratedDocument
from .registry import KINDS
from .spec import DocumentSpec


def documents_for_user(user) -> QuerySet[GeneratedDocument]:
    """Documents whose subject lies in the user's scope for that kind (one subquery per kind)."""
    scope = Q(pk__in=[])
    for spec in KINDS.values():
        subject_type = ContentType.objects.get_for_model(spec.subject_model)
        scope |= Q(kind=spec.kind, subject_type=subject_type, subject_id__in=spec.visible_subjects(user).values("pk"))
    return GeneratedDocument.objects.filter(scope)


def _superseded() -> Exists:
    # A later row for the same subject was made from other data: this one is out of date. The
    # panel compares with the data as it stands now; the list only knows what was asked for since.
    return Exists(
        GeneratedDocument.objects.filter(
            kind=OuterRef("kind"), subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id"), pk__gt=OuterRef("pk")
        ).exclude(fingerprint=OuterRef("fingerprint"))
    )


def document_list(*, user, kind: str = "", status: str = "") -> QuerySet[GeneratedDocument]:
    documents = documents_for_user(user).select_related("requested_by").annotate(superseded=_superseded())
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    return documents.order_by("-requested_at", "-id")


@dataclass
class PanelState:
    spec: DocumentSpec
    subject: object
    document: GeneratedDocument | None
    current_fingerprint: str | None
    unavailable: str
    can_request: bool

    @property
    def out_of_date(self) -> bool:
        return bool(self.document and self.current_fingerprint and self.document.fingerprint != self.current_fingerprint)

    @property
    def offer_request(self) -> bool:
        """The request button: when there is nothing yet, or what there is failed or is out of date."""
        if not self.can_request or self.unavailable:
            return False
        return self.document is None or self.document.status == GeneratedDocument.Status.FAILED or self.out_of_date


def panel_state(*, user, spec: DocumentSpec, subject) -> PanelState:
    """The latest document of a subject, and whether the data it shows is still the current data."""
    document = (
        GeneratedDocument.objects.filter(
            kind=spec.kind, subject_type=ContentType.objects.get_for_model(spec.subject_model), subject_id=subject.pk
        )
        .select_related("requested_by")
        .order_by("-id")
        .first()
    )
    try:
        current, unavailable = spec.fingerprint_of(spec.build_context(subject)), ""
    except DocumentError as exc:
        current, unavailable = None, str(exc)
    return PanelState(spec, subject, document, current, unavailable, spec.can_request(user, subject))
