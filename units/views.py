from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.selectors import audit_events_for
from cchc.errors import DomainError
from cchc.forms import ImportFileForm
from cchc.middleware import IMPORT, accepts_files
from cchc.tabular import ImportRejected, read_table, write_csv, write_xlsx
from cchc.uploads import download
from cchc.views import attempt, attempt_in_form
from scoring.services.reminders import reminders_send

from . import lineage, roles, selectors, services
from .forms import (
    BlockForm,
    MembersTransferForm,
    UnitContactForm,
    UnitFilterForm,
    UnitForm,
    UnitHeadForm,
)
from .home import home_sections, reminder_messages
from .models import Block, Unit

PAGE_SIZE = 50


def _require(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _get_unit_for_user(request, pk: int, *, write: bool = False) -> Unit:
    """Any signed-in user may read the directory; changing a unit is for staff, or for the
    unit's own CCHC contact (contact details only). Outside that scope the unit does not exist."""
    unit = get_object_or_404(Unit.objects.select_related("block", "parent"), pk=pk)
    if write and not request.user.has_perm("units.edit_unit_contact", unit):
        raise Http404
    return unit


@login_required
def home(request):
    """What waits for the user: a section of counts, deadlines and links per role they hold."""
    user = request.user
    context = {"role_labels": roles.labels_of(user), **home_sections(user, today=timezone.localdate())}
    return render(request, "home.html", context)


@login_required
@require_POST
def remind_now(request):
    """Sở Nội vụ's "Nhắc ngay": the deadline reminders of the phase under way, sent at once to
    whoever still has work before it (not only 7 and 1 days before, as the daily task does)."""
    _require(request, "scoring.manage_assessments")
    try:
        run = reminders_send(today=timezone.localdate(), now=True, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("home")
    for level, text in reminder_messages(run):
        messages.add_message(request, getattr(messages, level.upper()), text)
    return redirect("home")


@login_required
def unit_list(request):
    """The directory as it was on a day (today unless asked): the units that existed then, with
    the parent they had then; optionally the closed ones too, with their dates."""
    form = UnitFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()  # the fields typed right still filter; a wrong date shows its error
        filters = form.cleaned_data
    day = filters.get("on") or timezone.localdate()
    units = selectors.unit_list(
        q=filters.get("q") or "",
        block=filters.get("block"),
        include_inactive=bool(filters.get("inactive")),
        on=day,
    )
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    parents = selectors.parent_units_on([unit.pk for unit in page], day)
    for unit in page:
        unit.parent_on_day = parents.get(unit.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "query": query.urlencode(), "blocks": selectors.block_list_with_counts(),
        "day": day, "is_today": day == timezone.localdate(),
    }
    template = "units/_unit_table.html" if request.htmx and request.htmx.target == "unit-table" else "units/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request, pk: int):
    unit = _get_unit_for_user(request, pk)
    unit = selectors.unit_detail(pk=unit.pk)
    can_manage = request.user.has_perm("units.manage_units")
    context = {
        "unit": unit,
        "lineage": selectors.unit_lineage(unit),
        "can_edit": request.user.has_perm("units.edit_unit_contact", unit),
        "can_manage": can_manage,
        "events": audit_events_for(unit)[:20] if can_manage else [],
    }
    if can_manage and unit.is_closed:
        members = selectors.unit_active_members(unit)
        successors = selectors.unit_successors(unit)
        if members:
            context["transfer_form"] = MembersTransferForm(members=members, successors=successors)
    return render(request, "units/unit_detail.html", context)


@login_required
@require_POST
def unit_members_transfer(request, pk: int):
    """Staff move the users of a closed unit to one of its successors, or lock their logins."""
    _require(request, "units.manage_units")
    unit = _get_unit_for_user(request, pk, write=True)
    form = MembersTransferForm(
        request.POST, members=selectors.unit_active_members(unit), successors=selectors.unit_successors(unit)
    )
    if not form.is_valid():
        messages.error(request, "Lựa chọn không hợp lệ: hãy tải lại trang và chọn lại.")
    else:
        attempt(request, lambda: services.unit_members_transfer(actor=request.user, unit=unit, moves=form.moves()), lambda text: text)
    return redirect("units:detail", pk=unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    _require(request, "units.manage_units")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = services.unit_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Đã thêm đơn vị {unit.name}.")
        return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "title": "Thêm đơn vị"})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = _get_unit_for_user(request, pk, write=True)
    form_class = UnitForm if request.user.has_perm("units.manage_units") else UnitContactForm
    form = form_class(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except (services.UnitError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "Đã lưu thông tin đơn vị.")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "title": f"Sửa thông tin: {unit.name}"})


@login_required
@require_http_methods(["GET", "POST"])
def unit_head_appoint(request, pk: int):
    _require(request, "units.manage_units")
    unit = _get_unit_for_user(request, pk, write=True)
    form = UnitHeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt_in_form(request, form, lambda: services.unit_head_appoint(actor=request.user, unit=unit, **form.cleaned_data), "Đã cập nhật người đứng đầu.")[0]:
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "title": f"Người đứng đầu mới: {unit.name}"})


def _import_page(request, files, *, columns: list[str], required: set[str] | None, service, template: str, success_url: str, extra=None):
    """An import page: the upload form, then every error of a refused file with its row and
    column (nothing written), or the service's result as a message. `files` is the view's
    request.FILES, read by the view itself, whose @accepts_files sets the size it takes."""
    form = ImportFileForm(request.POST or None, files or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), upload.name, columns, required=required)
            result = service(table=table, actor=request.user)
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Đã nhập tệp {upload.name}: {result}")
            return redirect(success_url)
    context = {"form": form, "errors": errors, "columns": columns, **(extra or {})}
    return render(request, template, context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(IMPORT)
def units_import(request):
    _require(request, "units.manage_units")
    return _import_page(
        request, request.FILES, columns=services.UNIT_IMPORT_COLUMNS, required=set(services.UNIT_COLUMNS), service=services.units_import,
        template="units/unit_import.html", success_url="units:list",
        extra={"columns": services.UNIT_COLUMNS, "dated_columns": services.UNIT_DATED_COLUMNS},
    )


@login_required
def units_export(request):
    _require(request, "units.manage_units")
    columns, rows = selectors.units_export_table()
    if request.GET.get("format") == "xlsx":
        return download(
            write_xlsx({"Đơn vị": (columns, rows)}),
            filename="don-vi.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return download(write_csv(columns, rows), filename="don-vi.csv", content_type="text/csv; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(IMPORT)
def lineage_import(request):
    """Staff upload the reorganisations of a legal act (merges, splits, renames, parent moves)."""
    _require(request, "units.manage_units")
    return _import_page(
        request, request.FILES, columns=lineage.LINEAGE_COLUMNS, required=None, service=lineage.lineage_import,
        template="units/lineage_import.html", success_url="units:lineage_import",
        extra={"events": selectors.reorganisation_list(), "kind_words": lineage.KIND_WORDS, "kind_labels": lineage.KIND_LABELS},
    )


@login_required
def lineage_export(request):
    _require(request, "units.manage_units")
    rows = selectors.lineage_export_rows()
    if request.GET.get("format") == "xlsx":
        return download(
            write_xlsx({"Sắp xếp đơn vị": (lineage.LINEAGE_COLUMNS, rows)}),
            filename="sap-xep-don-vi.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return download(write_csv(lineage.LINEAGE_COLUMNS, rows), filename="sap-xep-don-vi.csv", content_type="text/csv; charset=utf-8")


@login_required
def block_list(request):
    _require(request, "units.manage_units")
    return render(request, "units/block_list.html", {"blocks": selectors.block_list_with_counts()})


@login_required
@require_http_methods(["GET", "POST"])
def block_edit(request, pk: int | None = None):
    _require(request, "units.manage_units")
    block = get_object_or_404(Block, pk=pk) if pk else None
    form = BlockForm(request.POST or None, instance=block)
    if request.method == "POST" and form.is_valid():
        # The form already wrote into `block`; the service compares against the stored row.
        services.block_save(actor=request.user, block=Block.objects.get(pk=pk) if pk else None, **form.cleaned_data)
        messages.success(request, "Đã lưu khối.")
        return redirect("units:blocks")
    title = f"Sửa khối: {block.name}" if block else "Thêm khối"
    return render(request, "units/unit_form.html", {"form": form, "title": title})
