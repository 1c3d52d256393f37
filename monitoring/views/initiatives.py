"""Pages of the registry of models and initiatives: the searchable list and its export, one
initiative, registering and editing (the unit), recognition and replication (Sở Nội vụ)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.selectors import audit_events_for
from cchc.middleware import UPLOAD, accepts_files
from cchc.tabular import write_xlsx
from cchc.uploads import attachment_response, download
from cchc.views import attempt, attempt_in_form

from .. import scope, selectors, services
from ..forms import InitiativeFilterForm, InitiativeForm, RecogniseForm, ReplicateForm
from ..models import Initiative, InitiativeEvidence
from ..services.files import MAX_FILES
from .common import PAGE_SIZE, XLSX, query_without, require


def _get_initiative_for_user(request, pk: int, *, write: bool = False) -> Initiative:
    """Another unit's initiative does not exist for a unit (404); `write` is the unit's own
    changes (its contact, or staff), which a leader may not make (403)."""
    require(request, "monitoring.view")
    initiative = get_object_or_404(scope.initiatives_for_user(request.user).select_related("unit"), pk=pk)
    if write and not scope.may_edit_initiative(request.user, initiative):
        raise PermissionDenied
    return initiative


def _filters(request) -> tuple[InitiativeFilterForm, dict]:
    form = InitiativeFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    return form, filters


@login_required
def initiative_list(request):
    require(request, "monitoring.view")
    form, filters = _filters(request)
    page = Paginator(selectors.initiative_list(user=request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query_without(request, "page"),
        "can_register": request.user.has_perm("monitoring.register_initiative"),
        "nav": "initiatives",
    }
    return render(request, "monitoring/initiative_list.html", context)


@login_required
def initiative_export(request):
    require(request, "monitoring.view")
    _, filters = _filters(request)
    rows = selectors.initiative_export_rows(selectors.initiative_list(user=request.user, **filters))
    content = write_xlsx({"Mô hình, sáng kiến": (selectors.INITIATIVE_EXPORT_COLUMNS, rows)})
    return download(content, filename=f"mo-hinh-sang-kien-{timezone.localdate():%Y%m%d}.xlsx", content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(UPLOAD, files=MAX_FILES)
def initiative_register(request):
    require(request, "monitoring.register_initiative")
    choose_unit = scope.manages(request.user)
    form = InitiativeForm(request.POST or None, request.FILES or None, registering=True, choose_unit=choose_unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit") if choose_unit else request.user.unit
        done, saved = attempt_in_form(
            request, form, lambda: services.initiative_register(actor=request.user, unit=unit, **data), "Đã đăng ký mô hình, sáng kiến."
        )
        if done:
            return redirect("monitoring:initiative", pk=saved.pk)
    context = {"form": form, "title": "Đăng ký mô hình, sáng kiến", "back": reverse("monitoring:initiatives"), "files": True, "nav": "initiatives"}
    return render(request, "monitoring/form.html", context)


@login_required
def initiative_detail(request, pk: int):
    initiative = _get_initiative_for_user(request, pk)
    initiative = selectors.initiative_detail(initiative=initiative)
    user = request.user
    editable = scope.may_edit_initiative(user, initiative) and (not initiative.is_recognised or scope.manages(user))
    context = {
        "initiative": initiative,
        "can_edit": editable,
        "can_start": initiative.status == Initiative.Status.REGISTERED and scope.may_edit_initiative(user, initiative),
        "can_recognise": initiative.status == Initiative.Status.IMPLEMENTING and scope.may_recognise(user),
        "can_replicate": initiative.is_recognised and scope.may_recognise(user),
        "events": audit_events_for(initiative),
        "nav": "initiatives",
    }
    return render(request, "monitoring/initiative_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(UPLOAD, files=MAX_FILES)
def initiative_edit(request, pk: int):
    initiative = _get_initiative_for_user(request, pk, write=True)
    form = InitiativeForm(request.POST or None, request.FILES or None, instance=Initiative.objects.get(pk=initiative.pk), registering=False, choose_unit=False)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.initiative_update(actor=request.user, initiative=initiative, **form.cleaned_data), "Đã lưu mô hình, sáng kiến."
        )
        if done:
            return redirect("monitoring:initiative", pk=initiative.pk)
    context = {"form": form, "title": f"Sửa: {initiative.title}", "back": reverse("monitoring:initiative", args=[initiative.pk]), "files": True, "nav": "initiatives"}
    return render(request, "monitoring/form.html", context)


@login_required
@require_POST
def initiative_start(request, pk: int):
    initiative = _get_initiative_for_user(request, pk, write=True)
    attempt(request, lambda: services.initiative_start(actor=request.user, initiative=initiative), "Đã chuyển mô hình, sáng kiến sang đang triển khai.")
    return redirect("monitoring:initiative", pk=initiative.pk)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_recognise(request, pk: int):
    require(request, "monitoring.manage")
    initiative = _get_initiative_for_user(request, pk)
    form = RecogniseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.initiative_recognise(actor=request.user, initiative=initiative, **form.cleaned_data),
            "Đã ghi nhận quyết định công nhận.",
        )
        if done:
            return redirect("monitoring:initiative", pk=initiative.pk)
    context = {
        "form": form,
        "title": f"Công nhận: {initiative.title}",
        "back": reverse("monitoring:initiative", args=[initiative.pk]),
        "confirm": f"Ghi nhận quyết định công nhận “{initiative.title}” của {initiative.unit.name}? Sau khi công nhận, đơn vị không sửa được nội dung mô hình, sáng kiến.",
        "nav": "initiatives",
    }
    return render(request, "monitoring/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_replicate(request, pk: int):
    require(request, "monitoring.manage")
    initiative = _get_initiative_for_user(request, pk)
    initial = {"adopters": list(initiative.adopters.all())}
    form = ReplicateForm(request.POST or None, initiative=initiative, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.initiative_replicate(actor=request.user, initiative=initiative, **form.cleaned_data),
            "Đã ghi nhận các đơn vị nhân rộng.",
        )
        if done:
            return redirect("monitoring:initiative", pk=initiative.pk)
    context = {"form": form, "title": f"Nhân rộng: {initiative.title}", "back": reverse("monitoring:initiative", args=[initiative.pk]), "nav": "initiatives"}
    return render(request, "monitoring/form.html", context)


@login_required
def initiative_evidence(request, pk: int):
    require(request, "monitoring.view")
    evidence = get_object_or_404(InitiativeEvidence, pk=pk)
    if not scope.initiatives_for_user(request.user).filter(pk=evidence.initiative_id).exists():
        raise Http404
    try:
        return attachment_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
    except FileNotFoundError:
        raise Http404 from None
