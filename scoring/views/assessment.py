"""Pages of the scoring cycle: the unit's self-assessment and explanation, the council's
appraisal and finalisation, score history and evidence files.

Every object goes through a `_get_<obj>_for_user` helper: another unit's assessment, rows,
history and evidence answer 404, as if they did not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from cchc.uploads import ACCEPT_ATTRIBUTE, attachment_response, max_upload_bytes
from units import roles

from .. import selectors, services
from ..forms import EvidenceForm, ReasonForm, RowForm, SubmitForm
from ..models import Assessment, Evidence, Kind, Phase, Score
from ..selectors import field_of, member_scope

ROW_TEMPLATE = "scoring/_score_row.html"


# --- Scope -------------------------------------------------------------------------------------


def _sees_all(user) -> bool:
    return roles.has_role(user, roles.STAFF, roles.LEADER)


def _is_own_unit(user, assessment: Assessment) -> bool:
    return roles.has_role(user, roles.UNIT_EDITOR) and user.unit_id == assessment.unit_id


def _get_assessment_for_user(request, pk: int, *, write: bool = False) -> Assessment:
    """Staff and leaders see every assessment, a unit's editor their own unit's, a council member
    those with a field assigned to them; any other assessment does not exist (404). Leaders only
    read (403 on writes)."""
    assessment = get_object_or_404(Assessment.objects.select_related("period", "unit", "unit__block", "framework"), pk=pk)
    if not selectors.assessment_visible_to(request.user, assessment):
        raise Http404
    if write and not (
        roles.has_role(request.user, roles.STAFF, roles.COUNCIL) or _is_own_unit(request.user, assessment)
    ):
        raise PermissionDenied
    return assessment


def _visible_fields(user, assessment: Assessment) -> set[str] | None:
    """None for every field; a council member (who is not also the unit's editor or staff) sees
    only the fields they appraise."""
    if _sees_all(user) or _is_own_unit(user, assessment):
        return None
    return member_scope(assessment.period, user).field_codes_for(assessment.unit)


def _get_score_for_user(request, pk: int, *, write: bool = False) -> Score:
    score = get_object_or_404(Score.objects.select_related("criterion"), pk=pk)
    assessment = _get_assessment_for_user(request, score.assessment_id, write=write)
    fields = _visible_fields(request.user, assessment)
    if fields is not None and field_of(score.criterion.code) not in fields:
        raise Http404
    score.assessment = assessment
    return score


def _get_evidence_for_user(request, pk: int, *, write: bool = False) -> Evidence:
    evidence = get_object_or_404(Evidence, pk=pk)
    evidence.score = _get_score_for_user(request, evidence.score_id, write=write)
    return evidence


# --- What each row may do -------------------------------------------------------------------------


def _mark_rows(rows, *, mode: str, user, assessment: Assessment) -> None:
    """Set `row.editable` for the page's mode, with the page-level checks done once (the rows of
    one assessment share the phase, the deadline and the member's scope)."""
    period = assessment.period
    if mode == "self":
        allowed = services.self_window_refusal(user, assessment) is None
        for row in rows:
            row.editable = allowed and row.criterion.kind == Kind.SELF
    elif mode == "appraisal":
        fields = set() if user is None else (
            None if roles.has_role(user, roles.STAFF) else member_scope(period, user).field_codes_for(assessment.unit)
        )
        for row in rows:
            in_scope = fields is None or field_of(row.criterion.code) in fields
            open_ = period.phase == Phase.APPRAISAL or (row.needs_reappraisal and period.phase in (Phase.EXPLANATION, Phase.FINALIZATION))
            row.editable = in_scope and open_ and row.criterion.kind != Kind.SURVEY
    elif mode == "explanation":
        for row in rows:
            row.editable = row.is_deducted and services.explanation_refusal(user, row) is None
    elif mode == "final":
        allowed = period.phase == Phase.FINALIZATION and roles.has_role(user, roles.STAFF, roles.COUNCIL)
        fields = None if roles.has_role(user, roles.STAFF) else member_scope(period, user).field_codes_for(assessment.unit)
        for row in rows:
            row.editable = allowed and not row.not_applicable and (fields is None or field_of(row.criterion.code) in fields)
    else:
        for row in rows:
            row.editable = False


def _row_context(request, score: Score, mode: str, **extra) -> dict:
    assessment = score.assessment
    _mark_rows([score], mode=mode, user=request.user, assessment=assessment)
    return {
        "row": score,
        "mode": mode,
        "assessment": assessment,
        "period": assessment.period,
        "show_appraisal": _shows_appraisal(request.user, assessment),
        "is_staff": roles.has_role(request.user, roles.STAFF),
        "accept": ACCEPT_ATTRIBUTE,
        "findings": selectors.remediation_findings(assessment) if mode == "appraisal" and score.criterion.is_remediation else None,
        **extra,
    }


def _shows_appraisal(user, assessment: Assessment) -> bool:
    """A unit sees the council's scores from the explanation round on, not while it works."""
    if not _is_own_unit(user, assessment) or _sees_all(user):
        return True
    return assessment.period.phase_index >= Phase.values.index(Phase.EXPLANATION)


def _row_response(request, pk: int, mode: str, *, status: int = 200, **extra) -> HttpResponse:
    score = selectors.score_for_row(pk)
    context = _row_context(request, score, mode, **extra)
    html = render_to_string(ROW_TEMPLATE, context, request=request)
    if mode == "self":
        html += _totals_oob(request, score.assessment)
    return HttpResponse(html, status=status)


def _totals_oob(request, assessment: Assessment) -> str:
    context = {
        "totals": selectors.assessment_totals(assessment, self_only=True),
        "progress": selectors.assessment_progress(assessment),
        "oob": True,
    }
    return render_to_string("scoring/_self_totals.html", context, request=request)


# The role each row action needs. Scope comes first (another unit's row is 404 for everyone),
# then the role (403), then the service's own checks (400 with the reason).
MODE_PERMS = {
    "self": "scoring.self_assess",
    "explanation": "scoring.self_assess",
    "appraisal": "scoring.appraise",
    "final": "scoring.appraise",
    "return": "scoring.manage_assessments",
}


def _require_role(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _save(request, pk: int, mode: str, call, *, perm: str | None = None) -> HttpResponse:
    """Run a row's write service and answer with the row: 200 saved, 400 refused (the message on
    the row), 409 stale (the current value and who set it)."""
    score = _get_score_for_user(request, pk, write=True)
    _require_role(request, perm or MODE_PERMS[mode])
    form = RowForm(request.POST)
    if not form.is_valid():
        return _row_response(request, pk, mode, status=400, error="Dữ liệu gửi lên không hợp lệ; hãy tải lại trang.")
    data = form.cleaned_data
    try:
        call(score, data)
    except services.StaleScore as exc:
        return _row_response(request, pk, mode, status=409, conflict=str(exc), attempted=data)
    except services.ScoringError as exc:
        return _row_response(request, pk, mode, status=400, error=str(exc), attempted=data)
    return _row_response(request, pk, mode, saved=True)


# --- The unit's pages -------------------------------------------------------------------------


@login_required
def my_assessment(request):
    """The unit editor's entry: their unit's assessment of the period being scored."""
    if not request.user.has_perm("scoring.self_assess"):
        raise PermissionDenied
    period = selectors.current_period()
    assessment = None
    if period is not None and request.user.unit_id:
        assessment = Assessment.objects.filter(period=period, unit_id=request.user.unit_id).first()
    if assessment is None:
        return render(request, "scoring/no_assessment.html", {"period": period})
    return redirect("scoring:assessment_detail", pk=assessment.pk)


def _sheet_context(request, assessment: Assessment, *, mode: str, field_codes=None, only=None, kinds=None) -> dict:
    groups = selectors.assessment_sheet(assessment, field_codes=field_codes, only=only, kinds=kinds)
    rows = [row for group in groups for row in group.rows]
    _mark_rows(rows, mode=mode, user=request.user, assessment=assessment)
    after_appraisal = assessment.period.phase_index >= Phase.values.index(Phase.EXPLANATION)
    return {
        "assessment": assessment,
        "period": assessment.period,
        "groups": groups,
        "mode": mode,
        "show_appraisal": _shows_appraisal(request.user, assessment),
        "is_staff": roles.has_role(request.user, roles.STAFF),
        "accept": ACCEPT_ATTRIBUTE,
        "max_mb": max_upload_bytes() // (1024 * 1024),
        "explanation_link": after_appraisal and _shows_appraisal(request.user, assessment),
        "finalization_link": after_appraisal and roles.has_role(request.user, roles.STAFF, roles.COUNCIL, roles.LEADER),
    }


@login_required
@require_GET
def assessment_detail(request, pk: int):
    """The whole assessment grouped by field: the unit's self-assessment form while it is open,
    a read view of every stage otherwise (and for staff, leaders and council members)."""
    assessment = _get_assessment_for_user(request, pk)
    own = _is_own_unit(request.user, assessment)
    fields = _visible_fields(request.user, assessment)
    context = _sheet_context(request, assessment, mode="self" if own else "view", field_codes=fields)
    totals = selectors.assessment_totals(assessment, self_only=own and not context["show_appraisal"])
    for group in context["groups"]:
        group.total = totals.fields.get(group.code)
    context.update(
        {
            "own": own,
            "totals": totals,
            "progress": selectors.assessment_progress(assessment),
            "locked_reason": services.self_window_refusal(request.user, assessment) if own else None,
            "submit_form": SubmitForm(),
            "can_manage": roles.has_role(request.user, roles.STAFF),
        }
    )
    if own and assessment.period.phase == Phase.SELF_ASSESSMENT:
        context["missing_codes"] = selectors.missing_evidence_codes(assessment)
    return render(request, "scoring/assessment_detail.html", context)


@login_required
@require_POST
def assessment_submit(request, pk: int):
    assessment = _get_assessment_for_user(request, pk, write=True)
    _require_role(request, "scoring.self_assess")
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.assessment_submit(actor=request.user, assessment=assessment, note=form.cleaned_data.get("note", ""))
    except services.ScoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã nộp bản tự đánh giá của {assessment.unit.name}. Đơn vị không thể sửa sau khi nộp.")
    return redirect("scoring:assessment_detail", pk=pk)


@login_required
@require_POST
def assessment_reopen(request, pk: int):
    assessment = _get_assessment_for_user(request, pk, write=True)
    _require_role(request, "scoring.manage_assessments")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.assessment_reopen_for_unit(actor=request.user, assessment=assessment, reason=reason)
    except services.ScoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã mở lại phiếu tự đánh giá của {assessment.unit.name}.")
    return redirect("scoring:assessment_detail", pk=pk)


@login_required
@require_POST
def score_self(request, pk: int):
    def call(score, data):
        services.score_set_self(
            actor=request.user,
            score=score,
            value=data["value"],
            note=data["note"],
            not_applicable=data["not_applicable"],
            expected_version=data["version"],
        )

    return _save(request, pk, "self", call)


@login_required
@require_GET
def assessment_explanation(request, pk: int):
    """The explanation round: every row the council scored below the unit's own score."""
    assessment = _get_assessment_for_user(request, pk)
    context = _sheet_context(request, assessment, mode="explanation", only=lambda s: s.is_deducted)
    context["own"] = _is_own_unit(request.user, assessment)
    if not context["show_appraisal"]:
        raise Http404
    return render(request, "scoring/assessment_explanation.html", context)


@login_required
@require_POST
def score_explain(request, pk: int):
    def call(score, data):
        services.score_set_explanation(actor=request.user, score=score, text=data["note"], expected_version=data["version"])

    return _save(request, pk, "explanation", call)


# --- Evidence ------------------------------------------------------------------------------------


def _evidence_response(request, score_pk: int, mode: str, *, status: int = 200, error: str | None = None) -> HttpResponse:
    score = selectors.score_for_row(score_pk)
    context = _row_context(request, score, mode, evidence_error=error)
    context["evidence_stage"] = "explanation" if mode == "explanation" else "self"
    context["evidence"] = score.explanation_evidence if mode == "explanation" else score.self_evidence
    context["can_upload"] = score.editable
    context["max_mb"] = max_upload_bytes() // (1024 * 1024)
    html = render_to_string("scoring/_evidence.html", context, request=request)
    if mode == "self":
        html += _totals_oob(request, score.assessment)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    score = _get_score_for_user(request, pk, write=True)
    _require_role(request, "scoring.self_assess")
    form = EvidenceForm(request.POST, request.FILES)
    stage = request.POST.get("stage") or "self"
    mode = "explanation" if stage == "explanation" else "self"
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs) for name, errs in form.errors.items())
        return _evidence_response(request, pk, mode, status=400, error=errors)
    data = form.cleaned_data
    try:
        services.evidence_add(
            actor=request.user,
            score=score,
            upload=data["file"],
            doc_number=data["doc_number"],
            doc_date=data["doc_date"],
            page_ref=data["page_ref"],
            stage=Evidence.Stage.EXPLANATION if mode == "explanation" else Evidence.Stage.SELF,
        )
    except services.ScoringError as exc:
        return _evidence_response(request, pk, mode, status=400, error=str(exc))
    if not request.htmx:
        return redirect("scoring:assessment_detail", pk=score.assessment_id)
    return _evidence_response(request, pk, mode)


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = _get_evidence_for_user(request, pk, write=True)
    _require_role(request, "scoring.self_assess")
    mode = "explanation" if evidence.stage == Evidence.Stage.EXPLANATION else "self"
    try:
        services.evidence_delete(actor=request.user, evidence=evidence)
    except services.ScoringError as exc:
        return _evidence_response(request, evidence.score_id, mode, status=400, error=str(exc))
    return _evidence_response(request, evidence.score_id, mode)


@login_required
@require_GET
def evidence_download(request, pk: int):
    evidence = _get_evidence_for_user(request, pk)
    try:
        return attachment_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
    except FileNotFoundError:
        raise Http404 from None


# --- History -------------------------------------------------------------------------------------


@login_required
@require_GET
def score_history(request, pk: int):
    score = _get_score_for_user(request, pk)
    events = selectors.score_history(score)
    if request.htmx:
        return render(request, "audit/_timeline.html", {"events": events})
    score = selectors.score_for_row(pk)
    return render(request, "scoring/score_history.html", {"row": score, "events": events, "assessment": score.assessment})

