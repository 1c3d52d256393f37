"""Results pages: the ranking per block, a unit's results, the province overview, the approval
and decision forms, the council's head-rating overrides, downloads, and the public results.

Before publication (approved, with an approval that still matches the scores) only the council
and Sở Nội vụ see results, marked provisional; leaders get 403, a unit's contact a page saying
the results are not published. After it leaders see everything and a unit's contact their own
unit and their block's ranking. Another unit's page does not exist for a unit (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cchc.views import attempt
from cchc.redirects import redirect_back
from cchc.uploads import download
from inspections.selectors import open_findings_for_unit
from scoring.exports import export_filename, ranking_csv, ranking_xlsx, score_matrix_xlsx
from units.models import Block
from units.text import search_text

from .. import scope, selectors, services
from ..forms import ApprovalForm, DecisionForm, HeadRatingForm
from ..models import Assessment, Framework, Period, Phase
from ..selectors import ranking_for_period, results_published
from ..selectors.lineage_history import successors_in_ranking
from ..selectors.readiness import approval_readiness

# A province's largest block (its communes) fits on a page or two; a national block of thousands
# pages, and its complete list is the Excel export.
RANKING_PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAND_COLORS = {"Xuất sắc": "#198754", "Tốt": "#0d6efd", "Khá": "#20c997", "Trung bình": "#fd7e14", "Yếu": "#dc3545"}
BANDS = selectors.BANDS


def _require(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied


_sees_unpublished = scope.sees_unpublished_results
_is_unit_editor_only = scope.is_unit_editor_only


def _get_period_results_for_user(request, year: int) -> tuple[Period, bool]:
    """The period and whether its results are published; 403 for a role that may not see them
    yet (leaders, units) or at all."""
    _require(request, "scoring.view_results")
    period = get_object_or_404(Period, year=year)
    published = results_published(period)
    if not published and not _sees_unpublished(request.user):
        raise PermissionDenied
    return period, published


def _blocks_of(period: Period) -> list[Block]:
    return [f.block for f in Framework.objects.filter(period=period).select_related("block").order_by("block__order", "block__code")]


def _f(value) -> float:
    return float(value)


# --- Landing ----------------------------------------------------------------------------------------


@login_required
def results_home(request):
    """The menu's "Kết quả": a unit's own results, the province overview for leaders, the
    current period's ranking for the council and Sở Nội vụ."""
    _require(request, "scoring.view_results")
    user = request.user
    if _sees_unpublished(user):
        period = Period.objects.exclude(phase=Phase.DRAFT).order_by("-year").first()
        if period is not None:
            return redirect("scoring:results_ranking_first", year=period.year)
    published = selectors.published_periods()
    if published:
        latest = published[0]
        if scope.is_leader(user):
            return redirect("scoring:results_overview", year=latest.year)
        if user.unit_id and Assessment.objects.filter(period=latest, unit_id=user.unit_id).exists():
            return redirect("scoring:results_unit", year=latest.year, unit_pk=user.unit_id)
    return render(request, "scoring/results_unpublished.html", {"period": None})


# --- The ranking -------------------------------------------------------------------------------------


@login_required
def results_ranking_first(request, year: int):
    period, _ = _get_period_results_for_user(request, year)
    blocks = _blocks_of(period)
    own = scope.own_ranking_block_id(request.user, period)
    if own is not None:
        blocks = [b for b in blocks if b.pk == own]
    if not blocks:
        raise Http404
    return redirect("scoring:results_ranking", year=year, block=blocks[0].code)


@login_required
def results_ranking(request, year: int, block: str):
    period, published = _get_period_results_for_user(request, year)
    blocks = all_blocks = _blocks_of(period)
    current = next((b for b in blocks if b.code == block), None)
    if current is None:
        raise Http404
    user = request.user
    own = scope.own_ranking_block_id(user, period)
    if own is not None:
        # A unit sees its own block's ranking (as published), never another block's page.
        if own != current.pk:
            raise Http404
        blocks = [current]
    wanted = search_text(request.GET.get("don-vi", ""))
    if wanted:
        # "Where is my unit?": open the page that holds it, at its line (highlighted there).
        found = selectors.ranked_position(period, current, wanted)
        if found is not None:
            position, assessment_id = found
            return redirect(f"{request.path}?page={position // RANKING_PAGE_SIZE + 1}#don-vi-{assessment_id}")
        messages.warning(request, f"Không tìm thấy đơn vị “{wanted}” trong khối này.")
    page = Paginator(selectors.ranked_lines(period, block=current), RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.ranking_rows(period, selectors.lines_of(page.object_list), provisional=not published)
    outside = selectors.outside_columns(period, block=current)
    # A field made only of bonus points or penalties shows in their own columns.
    headings = [h for h in selectors.field_headings(period, block=current).get(current.pk, []) if h.ordinary or not outside.any]
    approval = selectors.approval_for_period(period)
    can_approve = user.has_perm("scoring.approve_results")
    overridable = can_approve and period.phase in (Phase.EXPLANATION, Phase.FINALIZATION)
    chart = {
        "type": "bar",
        "data": {
            "labels": [r.unit.display_name for r in rows],
            "datasets": [
                {
                    "label": "Chỉ số CCHC (%)",
                    "data": [_f(r.index) for r in rows],
                    "backgroundColor": [BAND_COLORS.get(r.classification, "#6c757d") for r in rows],
                }
            ],
        },
        "options": {"indexAxis": "y", "scales": {"x": {"min": 0, "max": 100}}, "plugins": {"legend": {"display": False}}},
    }
    if period.index_over_100:  # bonus points may take an index past 100 %
        del chart["options"]["scales"]["x"]["max"]
    context = {
        "period": period,
        "current_block": current,
        "outside": outside,
        "blocks": blocks,
        "rows": rows,
        "page": page,
        "own_row": selectors.unit_ranking_row(period, current, user.unit_id, provisional=not published),
        "headings": headings,
        "published": published,
        "approval": approval,
        "voided": period.approvals.filter(voided_at__isnull=False).order_by("-voided_at").first() if can_approve else None,
        "can_approve": can_approve,
        "can_decide": user.has_perm("scoring.enter_decision"),
        "can_matrix": user.has_perm("scoring.export_score_matrix"),
        "overridable": overridable,
        # A member does not rate the head of their own unit, nor of a unit they stood aside from.
        "not_judged": set() if scope.is_staff(user) else scope.member_scope(period, user).excluded_unit_ids,
        "approval_form": ApprovalForm() if can_approve and period.phase == Phase.FINALIZATION and approval is None else None,
        "approval_readiness": approval_readiness(period) if can_approve and period.phase == Phase.FINALIZATION and approval is None else None,
        "can_override": scope.is_staff(user),
        "decision_form": DecisionForm(initial=_decision_initial(approval)) if approval and user.has_perm("scoring.enter_decision") and period.phase == Phase.FINALIZATION else None,
        "chart": chart,
        "chart_height": max(240, 28 * len(rows) + 60),
        "is_unit_editor": _is_unit_editor_only(user),
        "decision_blocks": _decision_blocks(period, all_blocks),
    }
    return render(request, "scoring/results_ranking.html", context)


def _decision_blocks(period: Period, blocks: list[Block]) -> list[Block] | None:
    """The blocks the decision covers when they are not all of them (the ranking page says so)."""
    covered = selectors.decision_block_ids(period)
    return None if covered is None else [b for b in blocks if b.pk in covered]


def _decision_initial(approval) -> dict:
    if approval is None:
        return {}
    return {
        "decision_number": approval.decision_number,
        "decision_date": approval.decision_date,
        "signer_name": approval.signer_name,
        "signer_title": approval.signer_title,
    }


# --- Approval and decision ---------------------------------------------------------------------------


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _back(period: Period, request):
    return redirect_back(request, "next", "scoring:results_ranking_first", year=period.year)


@login_required
@require_POST
def approval_record(request, year: int):
    _require(request, "scoring.approve_results")
    period = get_object_or_404(Period, year=year)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(period, request)
    attempt(
        request,
        lambda: services.approval_record(actor=request.user, period=period, **form.cleaned_data),
        "Đã ghi nhận Hội đồng thẩm định thông qua kết quả.",
    )
    return _back(period, request)


@login_required
@require_POST
def approval_decision(request, year: int):
    _require(request, "scoring.enter_decision")
    period = get_object_or_404(Period, year=year)
    approval = selectors.approval_for_period(period)
    form = DecisionForm(request.POST)
    if approval is None:
        messages.error(request, "Hội đồng thẩm định chưa thông qua kết quả.")
    elif not form.is_valid():
        _form_errors(request, form)
    else:
        attempt(
            request,
            lambda: services.approval_set_decision(actor=request.user, approval=approval, **form.cleaned_data),
            "Đã lưu quyết định phê duyệt. Có thể chuyển kỳ đánh giá sang giai đoạn Đã phê duyệt.",
        )
    return _back(period, request)


# --- Head rating overrides --------------------------------------------------------------------------


def _row_for(assessment: Assessment):
    assessment.refresh_from_db(fields=["total_index", "total_ratio"])
    return selectors.ranking_row(assessment, provisional=True)


@login_required
@require_http_methods(["GET", "POST"])
def head_rating_override(request, pk: int):
    _require(request, "scoring.approve_results")
    assessment = get_object_or_404(Assessment.objects.select_related("period", "unit", "framework__block"), pk=pk)
    # The assessment's own scope: a member's own unit, or one they stood aside from, is not theirs.
    if not scope.assessment_access(request.user, assessment).may_rate_head:
        raise Http404
    period = assessment.period
    status = 200
    error = ""
    form = HeadRatingForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                services.head_rating_override_remove(actor=request.user, assessment=assessment, reason=request.POST.get("reason", ""))
            elif form.is_valid():
                services.head_rating_override_set(actor=request.user, assessment=assessment, **form.cleaned_data)
            else:
                raise services.ScoringError(" ".join(e for errors in form.errors.values() for e in errors))
        except services.ScoringError as exc:
            error, status = str(exc), 400
        else:
            if not request.htmx:
                messages.success(request, "Đã cập nhật đánh giá người đứng đầu.")
                return redirect("scoring:results_ranking", year=period.year, block=assessment.framework.block.code)
            return render(request, "scoring/_head_rating_cell.html", {"row": _row_for(assessment), "overridable": True})
        if not request.htmx:
            messages.error(request, error)
            return redirect("scoring:results_ranking", year=period.year, block=assessment.framework.block.code)
    row = _row_for(assessment)
    if request.method == "GET":
        form = HeadRatingForm(initial={"rating": row.head_rating_code, "reason": row.head_rating_reason})
    context = {"row": row, "form": form, "error": error, "assessment": assessment, "period": period}
    # A change voids the council's approval: the form asks first when there is one.
    context["approval"] = selectors.approval_for_period(period)
    return render(request, "scoring/_head_rating_form.html", context, status=status)


# --- Downloads -----------------------------------------------------------------------------------------


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    return download(data, filename=filename, content_type=content_type)


@login_required
def results_export(request, year: int):
    """The ranking file: one block as the ranking page shows it (`?khoi=`; a unit's contact gets
    their own block), or the whole province as its decision approves it — the blocks the
    decision covers, the file the emulation review (thi đua, khen thưởng) reads."""
    period, published = _get_period_results_for_user(request, year)
    block = None
    code = request.GET.get("khoi", "")
    own = scope.own_ranking_block_id(request.user, period)
    if own is not None:
        block = get_object_or_404(Block, pk=own)
    elif code:
        block = get_object_or_404(Block, code=code)
    if block is not None:
        rows = ranking_for_period(period, block=block, provisional=not published)
    else:
        rows = selectors.decision_ranking(period, provisional=not published)
    if request.GET.get("format") == "xlsx":
        return _download(ranking_xlsx(period, rows), export_filename(period, "ranking", "xlsx"), XLSX)
    return _download(ranking_csv(period, rows), export_filename(period, "ranking", "csv"), "text/csv; charset=utf-8")


@login_required
def results_matrix(request, year: int):
    _require(request, "scoring.export_score_matrix")
    period = get_object_or_404(Period, year=year)
    return _download(score_matrix_xlsx(period), export_filename(period, "matrix", "xlsx"), XLSX)


# --- A unit's results ---------------------------------------------------------------------------------


def _get_unit_results_for_user(request, year: int, unit_pk: int) -> tuple[Period, Assessment, bool]:
    """A unit's contact: their own unit only (another unit's page does not exist, 404); leaders
    after publication; the council and Sở Nội vụ always."""
    _require(request, "scoring.view_results")
    user = request.user
    period = get_object_or_404(Period, year=year)
    if not scope.may_read_unit_results(user, unit_pk):
        raise Http404
    assessment = get_object_or_404(
        Assessment.objects.select_related("unit", "period", "framework__block"), period=period, unit_id=unit_pk
    )
    published = results_published(period)
    if not published and not _sees_unpublished(user) and not _is_unit_editor_only(user):
        raise PermissionDenied
    return period, assessment, published


@login_required
def results_unit(request, year: int, unit_pk: int):
    period, assessment, published = _get_unit_results_for_user(request, year, unit_pk)
    user = request.user
    if not published and not _sees_unpublished(user):
        return render(request, "scoring/results_unpublished.html", {"period": period, "unit": assessment.unit})
    unit = assessment.unit
    block = assessment.framework.block
    mine = selectors.ranking_row(assessment, provisional=not published)
    best = selectors.block_leader(assessment, provisional=not published)
    headings = [h for h in selectors.field_headings(period, block=block).get(block.pk, []) if h.ordinary]
    block_averages = selectors.block_field_averages(period, block, published=published)

    def percent(row, code):
        maximum = row.field_max.get(code)
        return round(_f(row.field_scores.get(code, 0)) * 100 / _f(maximum), 2) if maximum else None

    averages = [block_averages.get(h.code) for h in headings]
    field_chart = {
        "type": "bar",
        "data": {
            "labels": [f"LV {h.code}" for h in headings],
            "datasets": [
                {"label": unit.display_name, "data": [percent(mine, h.code) for h in headings], "backgroundColor": "#c62828"},
                {"label": "Trung bình khối", "data": averages, "backgroundColor": "#90a4ae"},
                {"label": f"Cao nhất khối ({best.unit.display_name})", "data": [percent(best, h.code) for h in headings], "backgroundColor": "#198754"},
            ],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100, "title": {"display": True, "text": "% điểm tối đa của lĩnh vực"}}}},
    }
    periods = selectors.published_periods()
    if not published:
        periods = periods + [period]
    trend = selectors.unit_trend(unit, [p for p in periods if p.year <= period.year])
    trend_chart = {
        "type": "line",
        "data": {
            "labels": [str(p.year) for p in trend],
            "datasets": [{"label": "Chỉ số CCHC (%)", "data": [_f(p.index) for p in trend], "borderColor": "#c62828", "backgroundColor": "#c62828"}],
        },
        "options": {"scales": {"y": {"suggestedMin": 50, "max": 100}}},
    }
    context = {
        "period": period,
        "unit": unit,
        "row": mine,
        "of": selectors.block_size(assessment),
        "published": published,
        "headings": headings,
        "outside": selectors.outside_columns(period, block=block),
        "shortcomings": selectors.unit_shortcomings(assessment.pk),
        "findings": list(open_findings_for_unit(unit)),
        "field_chart": field_chart,
        "trend": trend,
        "trend_chart": trend_chart,
    }
    return render(request, "scoring/results_unit.html", context)


# --- The province overview -----------------------------------------------------------------------


@login_required
def results_overview(request, year: int):
    _require(request, "scoring.view_overview")
    period = get_object_or_404(Period, year=year)
    published = results_published(period)
    if not published and not _sees_unpublished(request.user):
        raise PermissionDenied
    rows = ranking_for_period(period, provisional=not published)
    groups = selectors.group_by_block(rows)
    previous = selectors.previous_published_period(period)
    moves = selectors.movers(rows, ranking_for_period(previous, provisional=False)) if previous else []
    up = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.row.block.order, m.row.unit.code))[:10]
    down = sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.row.block.order, m.row.unit.code))[:10]
    chart = {
        "type": "bar",
        "data": {
            "labels": [g.block.name for g in groups],
            "datasets": [
                {"label": band, "data": [g.distribution[i] for g in groups], "backgroundColor": BAND_COLORS[band]}
                for i, band in enumerate(BANDS)
            ],
        },
        "options": {"indexAxis": "y", "scales": {"x": {"stacked": True, "title": {"display": True, "text": "Số đơn vị"}}, "y": {"stacked": True}}},
    }
    context = {
        "period": period,
        "published": published,
        "groups": groups,
        "bands": BANDS,
        "previous": previous,
        "up": up,
        "down": down,
        "chart": chart,
        "chart_height": max(220, 70 * len(groups) + 60),
        "successors": successors_in_ranking(request.user, rows, period),
    }
    return render(request, "scoring/results_overview.html", context)


# --- Public results -------------------------------------------------------------------------------


def public_results_list(request):
    return render(request, "scoring/public_results_list.html", {"periods": selectors.published_periods()})


def public_results(request, year: int):
    period = get_object_or_404(Period, year=year)
    if not results_published(period):
        raise Http404
    # What the province's decision approved: the blocks it covers, not every block ranked.
    groups = selectors.group_by_block(selectors.decision_ranking(period, provisional=False))
    approval = selectors.approval_for_period(period)
    return render(request, "scoring/public_results.html", {"period": period, "groups": groups, "approval": approval})
