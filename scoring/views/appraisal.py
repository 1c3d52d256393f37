"""Pages of the council and of Sở Nội vụ: the appraisal queue and sheet, conflicts of interest,
finalisation, assignments, progress, score import and new units' assessments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.middleware import IMPORT, accepts_files
from cchc.params import int_param
from cchc.redirects import redirect_back
from cchc.views import attempt, attempt_in_form
from cchc.tabular import ImportRejected, read_table
from .. import scope, selectors, services
from ..forms import AssignmentForm, ReasonForm, ScoreImportForm
from ..models import AppraisalAssignment, Criterion, Period, Phase
from ..scope import member_scope
from .assessment import MODE_PERMS, _get_assessment_for_user, _save, _sheet_context
from .framework import _get_period_for_user, _require

QUEUE_PAGE_SIZE = 50


def _period_or_current(request) -> Period | None:
    year = int_param(request.GET, "nam")
    if year is not None:
        return get_object_or_404(Period, year=year)
    return selectors.council_period()


@login_required
@require_GET
def appraisal_queue(request):
    """A member's queue: each unit × field assigned to them, with rows appraised / to appraise."""
    _require(request, "scoring.appraise")
    period = _period_or_current(request)
    items = selectors.appraisal_queue_lines(period, request.user) if period else []
    remaining = sum(item.remaining for item in items)
    pending_only = request.GET.get("con-lai") == "1"
    if pending_only:
        items = [item for item in items if item.remaining]
    # A member with a field of every unit of a national deployment has thousands of lines.
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    scope = member_scope(period, request.user) if period else None
    periods = Period.objects.exclude(phase=Phase.DRAFT).order_by("-year")
    context = {
        "period": period,
        "periods": periods,
        "items": selectors.queue_attach(list(page.object_list)),
        "page": page,
        "query": urlencode({"nam": period.year, **({"con-lai": "1"} if pending_only else {})}) if period else "",
        "pending_only": pending_only,
        "remaining": remaining,
        "assignments": scope.assignments if scope else [],
        "conflicts": period.conflicts.filter(member=request.user).select_related("unit") if period else [],
    }
    return render(request, "scoring/appraisal_queue.html", context)


@login_required
@require_GET
def appraisal_sheet(request, pk: int, field: str):
    """One unit's field, side by side: what the unit claimed with its evidence, and the council's
    score with its reason."""
    assessment = _get_assessment_for_user(request, pk)
    if not request.user.has_perm("scoring.appraise"):
        raise PermissionDenied
    if not assessment.access.sees_field(field):
        raise Http404
    context = _sheet_context(request, assessment, mode="appraisal", field_codes={field})
    if not context["groups"]:
        raise Http404
    if any(row.criterion.is_remediation for group in context["groups"] for row in group.rows):
        context["findings"] = selectors.remediation_findings(assessment)
    context["field"] = field
    context["next_item"] = selectors.next_queue_item(assessment.period, request.user, assessment_id=assessment.pk, field_code=field)
    context["conflict_form"] = ReasonForm()
    context["is_member"] = scope.is_council(request.user)
    return render(request, "scoring/appraisal_sheet.html", context)


@login_required
@require_POST
def score_appraise(request, pk: int):
    def call(score, data):
        services.score_set_appraisal(
            actor=request.user,
            score=score,
            value=data["value"],
            reason=data["note"],
            not_applicable=data["not_applicable"],
            expected_version=data["version"],
            inputs=data["inputs"],
        )

    return _save(request, pk, "appraisal", call)


@login_required
@require_POST
def conflict_declare(request, pk: int):
    assessment = _get_assessment_for_user(request, pk)
    if not scope.is_council(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    declared = attempt(
        request,
        lambda: services.conflict_declare(
            actor=request.user, period=assessment.period, unit=assessment.unit, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        ),
        f"Đã ghi nhận xung đột lợi ích với {assessment.unit.name}; đơn vị được chuyển khỏi hàng đợi của bạn.",
    )
    if not declared:
        return redirect_back(request, "back", "scoring:appraisal_queue")
    return redirect("scoring:appraisal_queue")


@login_required
@require_GET
def assessment_finalization(request, pk: int):
    """The council's last round: explained rows first, then every row; the final score defaults
    to the appraised one."""
    assessment = _get_assessment_for_user(request, pk)
    if not request.user.has_perm("scoring.appraise") and not assessment.access.reader:
        raise PermissionDenied
    context = _sheet_context(request, assessment, mode="final")
    rows = [row for group in context["groups"] for row in group.rows]
    context["explained"] = [row for row in rows if row.explanation]
    totals = selectors.assessment_totals(assessment)
    for group in context["groups"]:
        group.total = totals.fields.get(group.code)
    context["totals"] = totals
    return render(request, "scoring/assessment_finalization.html", context)


@login_required
@require_POST
def score_finalize(request, pk: int):
    def call(score, data):
        services.score_set_final(
            actor=request.user, score=score, value=data["value"], note=data["note"], verdict=data["verdict"], expected_version=data["version"],
            inputs=data["inputs"],
        )

    return _save(request, pk, "final", call)


@login_required
@require_POST
def score_return(request, pk: int):
    mode = request.POST.get("mode") if request.POST.get("mode") in ("final", "appraisal") else "final"

    def call(score, data):
        services.score_return_to_appraiser(actor=request.user, score=score, note=data["note"], expected_version=data["version"])

    return _save(request, pk, mode, call, perm=MODE_PERMS["return"])


# --- Staff ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    form = AssignmentForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.assignment_create(  # noqa: E731
            actor=request.user, period=period, member=data["member"], field_code=data["field_code"], block=data["block"]
        )
        if attempt_in_form(request, form, call, "Đã thêm phân công thẩm định.")[0]:
            return redirect("scoring:assignments", year=year)
    rows = list(
        AppraisalAssignment.objects.filter(period=period).select_related("member", "member__unit", "block").order_by("field_code", "member__full_name", "block__order")
    )
    combined = dict(form.fields["field_code"].choices)
    per_block = {
        (block_id, code): f"{code}. {title}"
        for block_id, code, title in Criterion.objects.filter(framework__period=period, parent__isnull=True).values_list("framework__block_id", "code", "title")
    }
    for row in rows:
        row.field_label = per_block.get((row.block_id, row.field_code)) or combined.get(row.field_code, row.field_code)
    context = {"period": period, "form": form, "rows": rows}
    return render(request, "scoring/assignments.html", context)


@login_required
@require_POST
def assignment_delete(request, pk: int):
    assignment = get_object_or_404(AppraisalAssignment, pk=pk)
    _get_period_for_user(request, assignment.period.year, write=True)
    attempt(request, lambda: services.assignment_delete(actor=request.user, assignment=assignment), "Đã xóa phân công.")
    return redirect("scoring:assignments", year=assignment.period.year)


@login_required
@require_GET
def appraisal_progress(request, year: int):
    """Staff and leaders follow the council's work: per member and per unit."""
    period = _get_period_for_user(request, year)
    _require(request, "scoring.follow_appraisal")
    members, units = selectors.appraisal_progress(period)
    # Counts for everyone who follows the work; scores and indexes only where the results rule
    # allows them (a leader reads them once the results are published).
    show_scores = scope.results_visible(request.user, period)
    if show_scores:
        totals = selectors.assessment_totals_for_period(period)
        for line in units:
            line.totals = totals.get(line.obj.pk)
    context = {"period": period, "members": members, "units": units, "show_scores": show_scores, "can_manage": scope.is_staff(request.user)}
    return render(request, "scoring/appraisal_progress.html", context)


@login_required
@require_POST
def assessments_create_missing(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    attempt(
        request,
        lambda: services.assessments_create_missing(actor=request.user, period=period),
        lambda created: f"Đã tạo {created} phiếu đánh giá cho đơn vị mới." if created else "Mọi đơn vị trong danh sách được đánh giá đã có phiếu đánh giá.",
    )
    return redirect("scoring:appraisal_progress", year=year)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(IMPORT)
def score_import(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload, stage = form.cleaned_data["file"], form.cleaned_data["stage"]
        try:
            table = read_table(upload.read(), upload.name, services.SCORE_COLUMNS, required=services.SCORE_REQUIRED)
            result = services.scores_import(table=table, period=period, stage=stage, actor=request.user, source=upload.name)
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Tệp {upload.name}: {result}")
            return redirect("scoring:appraisal_progress", year=year)
    context = {"period": period, "form": form, "errors": errors, "columns": services.SCORE_COLUMNS}
    return render(request, "scoring/score_import.html", context, status=400 if errors else 200)

