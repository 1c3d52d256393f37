"""Pages of the scoring cycle: the unit's self-assessment and explanation, the council's
appraisal and finalisation, score history and evidence files.

Every object goes through a `_get_<obj>_for_user` helper: another unit's assessment, rows,
history and evidence answer 404, as if they did not exist."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from cchc.middleware import UPLOAD, accepts_files
from cchc.views import attempt
from cchc.uploads import ACCEPT_ATTRIBUTE, attachment_response, max_upload_bytes
from .. import selectors, services
from ..forms import EvidenceForm, ReasonForm, RowForm, SubmitForm, posted_inputs
from ..models import Assessment, Evidence, Phase, Score
from ..scope import assessment_access

ROW_TEMPLATE = "scoring/_score_row.html"


# --- Scope (every rule is in scoring.scope) -----------------------------------------------------


def _get_assessment_for_user(request, pk: int, *, write: bool = False) -> Assessment:
    """The assessment with the user's access to it (`assessment.access`): outside the user's
    scope it does not exist (404); a reader who may not change anything gets 403 on writes."""
    assessment = get_object_or_404(Assessment.objects.select_related("period", "unit", "framework__block"), pk=pk)
    access = assessment_access(request.user, assessment)
    if not access.visible:
        raise Http404
    if write and not access.may_write:
        raise PermissionDenied
    assessment.access = access
    return assessment


def _get_score_for_user(request, pk: int, *, write: bool = False) -> Score:
    """A row of an assessment in scope, in a field the user sees (404 otherwise)."""
    score = get_object_or_404(Score.objects.select_related("criterion"), pk=pk)
    assessment = _get_assessment_for_user(request, score.assessment_id, write=write)
    if not assessment.access.sees_field(score.criterion.code):
        raise Http404
    score.assessment = assessment
    return score


def _get_evidence_for_user(request, pk: int, *, write: bool = False) -> Evidence:
    evidence = get_object_or_404(Evidence, pk=pk)
    evidence.score = _get_score_for_user(request, evidence.score_id, write=write)
    return evidence


# --- What each row may do -------------------------------------------------------------------------

# The pages whose rows have a form; "view" is read only.
FORM_MODES = {"self", "appraisal", "explanation", "final"}


def _mark_rows(rows, *, mode: str, access) -> None:
    """`row.editable` and `row.refusal`: the reason the service would refuse a save of the row at
    this stage, asked of the same check the save runs (no queries: the access is read once)."""
    for row in rows:
        row.refusal = services.row_refusal(access, row, mode) if mode in FORM_MODES else None
        row.editable = mode in FORM_MODES and row.refusal is None
        row.returnable = services.row_refusal(access, row, "return") is None


def _rows_context(assessment: Assessment, mode: str, access) -> dict:
    """What the row partial reads besides the row, the same on a page, a row's answer and a
    sheet's answer."""
    return {
        "mode": mode,
        "access": access,
        "assessment": assessment,
        "period": assessment.period,
        "show_appraisal": access.shows_council_work,
        "accept": ACCEPT_ATTRIBUTE,
        "verdicts": Score.Verdict.choices,
        "max_mb": max_upload_bytes() // (1024 * 1024),
    }


def _voids_approval(assessment: Assessment, mode: str) -> str:
    """The warning a council save carries once the council approved: saving voids the approval."""
    if mode not in ("appraisal", "final"):
        return ""
    approval = selectors.approval_for_period(assessment.period)
    if approval is None:
        return ""
    return (
        f"Hội đồng đã thông qua kết quả ngày {approval.council_approved_on:%d/%m/%Y}. Lưu thay đổi này sẽ hủy việc thông qua; "
        "Hội đồng phải thông qua lại trước khi phê duyệt. Tiếp tục?"
    )


def _row_context(request, score: Score, mode: str, **extra) -> dict:
    assessment = score.assessment
    access = assessment_access(request.user, assessment)
    _mark_rows([score], mode=mode, access=access)
    return {
        **_rows_context(assessment, mode, access),
        "voids_approval": _voids_approval(assessment, mode) if score.editable else "",
        "row": score,
        "findings": selectors.remediation_findings(assessment) if mode == "appraisal" and score.criterion.is_remediation else None,
        **extra,
    }


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
    data = form.cleaned_data | {"inputs": posted_inputs(request.POST)}
    try:
        call(score, data)
    except services.StaleScore as exc:
        return _row_response(request, pk, mode, status=409, conflict=str(exc), attempted=data)
    except services.ScoringError as exc:
        return _row_response(request, pk, mode, status=400, error=str(exc), attempted=data)
    return _row_response(request, pk, mode, saved=True)


# --- A whole sheet at once ------------------------------------------------------------------------

SHEET_ROW = re.compile(r"^row-(\d{1,18})-version$")
# A sheet has at most a few hundred rows; more in one request is not a sheet.
SHEET_MAX_ROWS = 1000


def _sheet_changes(post) -> tuple[list[services.RowChange], dict[int, dict]]:
    """The rows a sheet posts as `row-<id>-<field>`, each read by the row's own form."""
    changes, posted = [], {}
    for key in post:
        match = SHEET_ROW.match(key)
        if not match:
            continue
        pk = int(match.group(1))
        form = RowForm(post, prefix=f"row-{pk}")
        if not form.is_valid():
            raise services.ScoringError("Dữ liệu gửi lên không hợp lệ; hãy tải lại trang.")
        data = form.cleaned_data | {"inputs": posted_inputs(post, prefix=f"row-{pk}-")}
        posted[pk] = data
        changes.append(
            services.RowChange(pk, data["value"], data["note"], data["not_applicable"], data["verdict"], data["version"], data["inputs"])
        )
        if len(changes) > SHEET_MAX_ROWS:
            raise services.ScoringError(f"Mỗi lần lưu tối đa {SHEET_MAX_ROWS} tiêu chí.")
    if not changes:
        raise services.ScoringError("Chưa có tiêu chí nào thay đổi.")
    return changes, posted


def _sheet_rows_response(request, assessment, mode: str, rows: dict[int, dict], *, status: int, message: str, ok: bool) -> HttpResponse:
    """The rows named in `rows` ({id: extra context}) re-drawn where they stand on the page (out
    of band), with the sheet's status line; three queries for the sheet whatever its size."""
    access = assessment.access
    groups = selectors.assessment_sheet(assessment, field_codes=access.fields)
    wanted = [row for group in groups for row in group.rows if row.pk in rows]
    _mark_rows(wanted, mode=mode, access=access)
    base = {**_rows_context(assessment, mode, access), "oob": True, "voids_approval": _voids_approval(assessment, mode)}
    findings = None
    if mode == "appraisal" and any(row.criterion.is_remediation for row in wanted):
        findings = selectors.remediation_findings(assessment)
    html = [render_to_string(ROW_TEMPLATE, {**base, "row": row, "findings": findings, **rows[row.pk]}, request=request) for row in wanted]
    # A refused row that is not on this sheet (another assessment's) says so in the status line.
    shown = {row.pk for row in wanted}
    elsewhere = sorted({extra.get("error") or extra.get("conflict") for pk, extra in rows.items() if pk not in shown} - {None})
    message = " ".join([message, *elsewhere])
    html.append(render_to_string("scoring/_save_all_status.html", {"message": message, "ok": ok, "oob": True}, request=request))
    if mode == "self":
        html.append(_totals_oob(request, assessment))
    return HttpResponse("".join(html), status=status)


@login_required
@require_POST
def sheet_save(request, pk: int, mode: str):
    """"Lưu tất cả": the changed rows of one sheet, all or nothing. Refused rows come back with
    their reason and the values typed; the other rows stay as typed on the page, unsaved."""
    if mode not in services.SHEET_STAGES:
        raise Http404
    assessment = _get_assessment_for_user(request, pk, write=True)
    _require_role(request, MODE_PERMS[mode])
    try:
        changes, posted = _sheet_changes(request.POST)
        saved = services.scores_save_sheet(actor=request.user, assessment=assessment, stage=mode, changes=changes)
    except services.SheetRefused as exc:
        rows = {
            row_id: ({"conflict": message} if row_id in exc.stale else {"error": message}) | {"attempted": posted.get(row_id, {})}
            for row_id, message in exc.errors.items()
        }
        return _sheet_rows_response(request, assessment, mode, rows, status=400, message=str(exc), ok=False)
    except services.ScoringError as exc:
        return _sheet_rows_response(request, assessment, mode, {}, status=400, message=str(exc), ok=False)
    message = f"Đã lưu {len(saved)} tiêu chí." if saved else "Không có thay đổi nào cần lưu."
    # Every posted row is drawn again, unchanged ones too: none of them is unsaved any more.
    return _sheet_rows_response(request, assessment, mode, {pk: {"saved": True} for pk in posted}, status=200, message=message, ok=True)


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
    """A sheet of the assessment's rows in the fields the user sees (`field_codes` narrows it)."""
    access = assessment.access
    visible = access.fields
    if field_codes is not None:
        visible = set(field_codes) if visible is None else visible & set(field_codes)
    groups = selectors.assessment_sheet(assessment, field_codes=visible, only=only, kinds=kinds)
    rows = [row for group in groups for row in group.rows]
    _mark_rows(rows, mode=mode, access=access)
    after_appraisal = assessment.period.phase_index >= Phase.values.index(Phase.EXPLANATION)
    any_editable = any(row.editable for row in rows)
    return {
        **_rows_context(assessment, mode, access),
        # "Lưu tất cả" where a sheet has rows to save; the explanation answers one row at a time.
        "any_editable": mode in services.SHEET_STAGES and any_editable,
        "voids_approval": _voids_approval(assessment, mode) if any_editable else "",
        "groups": groups,
        "explanation_link": after_appraisal and access.shows_council_work,
        "finalization_link": after_appraisal and (access.staff or access.reader or bool(access.council_fields)),
    }


@login_required
@require_GET
def assessment_detail(request, pk: int):
    """The whole assessment grouped by field: the unit's self-assessment form while it is open,
    a read view of every stage otherwise (and for staff, leaders and council members)."""
    assessment = _get_assessment_for_user(request, pk)
    access = assessment.access
    own = access.own
    context = _sheet_context(request, assessment, mode="self" if own else "view")
    totals = selectors.assessment_totals(assessment, self_only=own and not access.shows_council_work)
    for group in context["groups"]:
        group.total = totals.fields.get(group.code)
    context.update(
        {
            "own": own,
            "totals": totals,
            "progress": selectors.assessment_progress(assessment),
            "locked_reason": services.self_window_refusal(access) if own else None,
            "submit_form": SubmitForm(),
            "can_manage": access.staff,
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
    attempt(
        request,
        lambda: services.assessment_submit(actor=request.user, assessment=assessment, note=form.cleaned_data.get("note", "")),
        f"Đã nộp bản tự đánh giá của {assessment.unit.name}. Đơn vị không thể sửa sau khi nộp.",
    )
    return redirect("scoring:assessment_detail", pk=pk)


@login_required
@require_POST
def assessment_reopen(request, pk: int):
    assessment = _get_assessment_for_user(request, pk, write=True)
    _require_role(request, "scoring.manage_assessments")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.assessment_reopen_for_unit(actor=request.user, assessment=assessment, reason=reason),
        f"Đã mở lại phiếu tự đánh giá của {assessment.unit.name}.",
    )
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
            inputs=data["inputs"],
        )

    return _save(request, pk, "self", call)


@login_required
@require_GET
def assessment_explanation(request, pk: int):
    """The explanation round: every row the council scored below the unit's own score."""
    assessment = _get_assessment_for_user(request, pk)
    if not assessment.access.shows_council_work:
        raise Http404
    context = _sheet_context(request, assessment, mode="explanation", only=lambda s: s.is_deducted)
    context["own"] = assessment.access.own
    if context["own"]:
        context["window_refusal"] = services.explanation_window_refusal(assessment.access)
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
    html = render_to_string("scoring/_evidence.html", context, request=request)
    if mode == "self":
        html += _totals_oob(request, score.assessment)
    return HttpResponse(html, status=status)


@login_required
@require_POST
@accepts_files(UPLOAD)
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
    events = selectors.score_history(score, score.assessment.access)
    if request.htmx:
        return render(request, "audit/_timeline.html", {"events": events})
    score = selectors.score_for_row(pk)
    return render(request, "scoring/score_history.html", {"row": score, "events": events, "assessment": score.assessment})

