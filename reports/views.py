from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from cchc.redirects import redirect_back
from cchc.uploads import attachment_response
from units.rules import is_staff_member

from . import selectors, services
from .models import GeneratedDocument
from .registry import KINDS, spec_for

PAGE_SIZE = 50


def _get_subject_for_user(request, kind: str, subject_id: int):
    """The subject of a document kind, if the user's scope for that kind holds it (else 404)."""
    spec = spec_for(kind)
    if spec is None:
        raise Http404
    return spec, get_object_or_404(spec.visible_subjects(request.user), pk=subject_id)


def _get_document_for_user(request, pk: int) -> GeneratedDocument:
    return get_object_or_404(selectors.documents_for_user(request.user), pk=pk)


def _panel(request, spec, subject, *, error: str = "", status: int = 200):
    state = selectors.panel_state(user=request.user, spec=spec, subject=subject)
    return render(request, "reports/_document_panel_body.html", {"state": state, "error": error}, status=status)


@login_required
def document_panel(request, kind: str, subject_id: int):
    """The document box of a subject's page, loaded and polled with htmx."""
    spec, subject = _get_subject_for_user(request, kind, subject_id)
    return _panel(request, spec, subject)


@login_required
@require_POST
def document_request(request, kind: str, subject_id: int):
    spec, subject = _get_subject_for_user(request, kind, subject_id)
    if not spec.can_request(request.user, subject):
        raise PermissionDenied
    error = ""
    try:
        services.document_request(actor=request.user, kind=kind, subject=subject)
    except services.DocumentError as exc:
        error = str(exc)
    if request.htmx:
        return _panel(request, spec, subject, error=error, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Đã yêu cầu tạo {spec.label.lower()} (PDF).")
    return redirect_back(request, "next", "reports:list")


@login_required
def document_download(request, pk: int):
    document = _get_document_for_user(request, pk)
    if not document.is_done:
        raise Http404
    try:
        return attachment_response(document.file, filename=document.filename, content_type="application/pdf")
    except FileNotFoundError:
        raise Http404 from None


@login_required
def document_list(request):
    if not request.user.has_perm("reports.view_documents"):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    status = request.GET.get("status", "")
    status = status if status in GeneratedDocument.Status.values else ""
    documents = selectors.document_list(user=request.user, kind=kind, status=status)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("status", status)) if v)
    context = {
        "page": page,
        "kind": kind,
        "status": status,
        "query": query,
        "kinds": [(spec.kind, spec.label) for spec in KINDS.values()],
        "statuses": GeneratedDocument.Status.choices,
        "show_errors": is_staff_member(request.user),
    }
    return render(request, "reports/document_list.html", context)
