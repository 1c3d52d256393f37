"""Pages of units' self-inspection: the province's overview (who is below the share, who has not
declared a list), the share of the year (staff), a unit's standing list, plan and results."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.selectors import audit_events_for
from cchc.views import attempt, attempt_in_form

from .. import scope, selectors, services
from ..forms import ReportFilterForm, SelfFindingForm, SelfInspectionForm, SelfInspectionResultForm, SubUnitForm, TargetForm
from ..models import SelfInspection, SubUnit
from .common import checked_year, require

STATES = {"below": "Dưới tỷ lệ tối thiểu", "undeclared": "Chưa khai báo danh sách", "met": "Đạt tỷ lệ"}


def _get_unit_for_user(request, unit_pk: int, *, write: bool = False):
    """Another unit's self-inspection does not exist for a unit (404); changing it is the unit's
    own (its contact, or staff), which a leader may not do (403)."""
    require(request, "monitoring.view")
    unit = get_object_or_404(scope.units_for_user(request.user), pk=unit_pk)
    if write and not scope.acts_for(request.user, unit.pk):
        raise PermissionDenied
    return unit


def _get_subunit_for_user(request, pk: int) -> SubUnit:
    require(request, "monitoring.view")
    subunit = get_object_or_404(scope.subunits_for_user(request.user).select_related("unit"), pk=pk)
    if not scope.acts_for(request.user, subunit.unit_id):
        raise PermissionDenied
    return subunit


def _get_inspection_for_user(request, pk: int, *, write: bool = False) -> SelfInspection:
    require(request, "monitoring.view")
    inspection = get_object_or_404(scope.self_inspections_for_user(request.user).select_related("unit", "subunit"), pk=pk)
    if write and not scope.acts_for(request.user, inspection.unit_id):
        raise PermissionDenied
    return inspection


@login_required
def self_home(request):
    require(request, "monitoring.view")
    year = timezone.localdate().year
    if request.user.has_perm("monitoring.view_province"):
        return redirect("monitoring:self_overview", year=year)
    return redirect("monitoring:self_unit", unit_pk=request.user.unit_id, year=year)


@login_required
def self_overview(request, year: int):
    require(request, "monitoring.view_province")
    year = checked_year(year)
    form = ReportFilterForm(request.GET or None)
    block = form.cleaned_data.get("block") if form.is_valid() else None
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    today = timezone.localdate()
    everyone = selectors.province_coverage(year=year, today=today, block=block)
    counts = {
        "below": sum(1 for c in everyone if c.below_target),
        "undeclared": sum(1 for c in everyone if not c.declared),
        "met": sum(1 for c in everyone if c.meets_target),
    }
    rows = [c for c in everyone if not state or {"below": c.below_target, "undeclared": not c.declared, "met": c.meets_target}[state]]
    context = {
        "year": year,
        "form": form,
        "rows": rows,
        "total": len(everyone),
        "counts": counts,
        "state": state,
        "states": STATES,
        "target": selectors.min_share(year),
        "block_query": f"block={block.code}&" if block else "",
        "can_manage": request.user.has_perm("monitoring.manage"),
        "nav": "self",
    }
    return render(request, "monitoring/self_overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def self_target(request, year: int):
    require(request, "monitoring.manage")
    year = checked_year(year)
    current = selectors.min_share(year)
    form = TargetForm(request.POST or None, initial={"min_share": f"{current:f}".replace(".", ",")})
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.self_inspection_target_set(actor=request.user, year=year, **form.cleaned_data),
            f"Đã lưu tỷ lệ tự kiểm tra tối thiểu năm {year}.",
        )
        if done:
            return redirect("monitoring:self_overview", year=year)
    context = {"form": form, "title": f"Tỷ lệ tự kiểm tra tối thiểu năm {year}", "back": reverse("monitoring:self_overview", args=[year]), "nav": "self"}
    return render(request, "monitoring/form.html", context)


def _unit_context(request, unit, year: int, *, subunit_form=None) -> dict:
    today = timezone.localdate()
    day = selectors.reference_day(year, today)
    standing = list(selectors.standing_list(unit=unit, day=day))
    [coverage] = selectors.coverage(units=[unit], year=year, today=today)
    may_act = scope.acts_for(request.user, unit.pk)
    return {
        "unit": unit,
        "year": year,
        "day": day,
        "standing": standing,
        "removed": selectors.removed_subunits(unit=unit, day=day),
        "plan": selectors.year_plan(unit=unit, year=year),
        "coverage": coverage,
        "may_act": may_act,
        "subunit_form": subunit_form or (SubUnitForm() if may_act else None),
        "reads_province": request.user.has_perm("monitoring.view_province"),
        "nav": "self",
    }


@login_required
def self_unit(request, unit_pk: int, year: int):
    unit = _get_unit_for_user(request, unit_pk)
    year = checked_year(year)
    return render(request, "monitoring/self_unit.html", _unit_context(request, unit, year))


@login_required
@require_POST
def subunit_add(request, unit_pk: int):
    unit = _get_unit_for_user(request, unit_pk, write=True)
    year = timezone.localdate().year
    form = SubUnitForm(request.POST)
    if form.is_valid():
        done, saved = attempt_in_form(
            request, form, lambda: services.subunit_add(actor=request.user, unit=unit, **form.cleaned_data), lambda s: f"Đã thêm “{s.name}” vào danh sách."
        )
        if done:
            return redirect("monitoring:self_unit", unit_pk=unit.pk, year=year)
    return render(request, "monitoring/self_unit.html", _unit_context(request, unit, year, subunit_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def subunit_edit(request, pk: int):
    subunit = _get_subunit_for_user(request, pk)
    form = SubUnitForm(request.POST or None, instance=SubUnit.objects.get(pk=subunit.pk))
    back = reverse("monitoring:self_unit", args=[subunit.unit_id, timezone.localdate().year])
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(request, form, lambda: services.subunit_update(actor=request.user, subunit=subunit, **form.cleaned_data), "Đã lưu.")
        if done:
            return redirect(back)
    return render(request, "monitoring/form.html", {"form": form, "title": f"Sửa: {subunit.name}", "back": back, "nav": "self"})


@login_required
@require_POST
def subunit_remove(request, pk: int):
    subunit = _get_subunit_for_user(request, pk)
    attempt(request, lambda: services.subunit_remove(actor=request.user, subunit=subunit), f"Đã bỏ “{subunit.name}” khỏi danh sách.")
    return redirect("monitoring:self_unit", unit_pk=subunit.unit_id, year=timezone.localdate().year)


@login_required
@require_http_methods(["GET", "POST"])
def self_inspection_edit(request, unit_pk: int | None = None, year: int | None = None, pk: int | None = None):
    """Put a sub-unit in the unit's plan of the year, or change an entry not yet done."""
    inspection = _get_inspection_for_user(request, pk, write=True) if pk else None
    unit = inspection.unit if inspection else _get_unit_for_user(request, unit_pk, write=True)
    year = inspection.year if inspection else checked_year(year)
    day = selectors.reference_day(year, timezone.localdate())
    form = SelfInspectionForm(
        request.POST or None, subunits=selectors.standing_list(unit=unit, day=day), instance=SelfInspection.objects.get(pk=inspection.pk) if inspection else None
    )
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(
            request, form,
            lambda: services.self_inspection_plan(actor=request.user, unit=unit, year=year, inspection=inspection, **form.cleaned_data),
            "Đã lưu kế hoạch tự kiểm tra.",
        )
        if done:
            return redirect("monitoring:self_unit", unit_pk=unit.pk, year=year)
    title = f"Sửa kế hoạch tự kiểm tra: {inspection.subunit.name}" if inspection else f"Thêm vào kế hoạch tự kiểm tra năm {year}"
    return render(request, "monitoring/form.html", {"form": form, "title": title, "back": reverse("monitoring:self_unit", args=[unit.pk, year]), "nav": "self"})


def _inspection_context(request, inspection, *, finding_form=None, result_form=None) -> dict:
    inspection = selectors.self_inspection_detail(inspection=inspection)
    may_act = scope.acts_for(request.user, inspection.unit_id)
    initial = {"done_on": inspection.done_on or timezone.localdate(), "result": inspection.result}
    return {
        "inspection": inspection,
        "may_act": may_act,
        "result_form": result_form or (SelfInspectionResultForm(initial=initial) if may_act else None),
        "finding_form": finding_form or (SelfFindingForm() if may_act and inspection.is_done else None),
        "events": audit_events_for(inspection),
        "nav": "self",
    }


@login_required
def self_inspection_detail(request, pk: int):
    inspection = _get_inspection_for_user(request, pk)
    return render(request, "monitoring/self_inspection_detail.html", _inspection_context(request, inspection))


@login_required
@require_POST
def self_inspection_result(request, pk: int):
    inspection = _get_inspection_for_user(request, pk, write=True)
    form = SelfInspectionResultForm(request.POST)
    if form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.self_inspection_record(actor=request.user, inspection=inspection, **form.cleaned_data), "Đã ghi kết quả tự kiểm tra."
        )
        if done:
            return redirect("monitoring:self_inspection", pk=inspection.pk)
    return render(request, "monitoring/self_inspection_detail.html", _inspection_context(request, inspection, result_form=form), status=400)


@login_required
@require_POST
def self_inspection_finding_add(request, pk: int):
    inspection = _get_inspection_for_user(request, pk, write=True)
    form = SelfFindingForm(request.POST)
    if form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.self_inspection_finding_add(actor=request.user, inspection=inspection, **form.cleaned_data), "Đã ghi."
        )
        if done:
            return redirect("monitoring:self_inspection", pk=inspection.pk)
    return render(request, "monitoring/self_inspection_detail.html", _inspection_context(request, inspection, finding_form=form), status=400)
