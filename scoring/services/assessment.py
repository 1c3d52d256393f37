"""Writes of the scoring cycle: self-assessment with evidence, appraisal, explanation,
finalisation. Every write is audited with old → new values.

Concurrency: each write locks the assessment (the parent) and then the score row, so that two
saves of one unit's rows, or a save and a phase change, never interleave; and each write takes the
`version` the form was loaded with and refuses a stale one (StaleScore) instead of overwriting
what someone else saved in between.

Edit windows follow the plan: the unit edits only while self-assessment is open and before its
deadline, the council appraises in the appraisal phase, the unit explains only the rows the
council marked down, the council settles final scores, and nothing changes once approved."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import AuditEntry, audit_log, audit_log_many, diff_fields
from cchc.tabular import parse_decimal
from cchc.uploads import clean_filename, content_type_of, validate_upload
from units.text import nfc

from ..models import (
    AppraisalAssignment,
    Assessment,
    ConflictDeclaration,
    Criterion,
    Evidence,
    Framework,
    Kind,
    Period,
    Phase,
    RosterEntry,
    Score,
    format_score,
    round_score,
)
from ..formulas import ComputeError, FormulaError, compute, inputs_given
from ..scope import AssessmentAccess, assessment_access, is_council, is_staff
from ..selectors.assessment import missing_evidence_codes, unscored_codes
from .errors import PhaseError, ReasonRequired, ScoringError, StaleScore
from .results import approval_void_if_stale
from .totals import assessment_totals_refresh

APPROVED_MESSAGE = "Kỳ đánh giá đã được phê duyệt, không thể thay đổi điểm."
EVIDENCE_KEY = "tài liệu kiểm chứng"
# The fields that make a score's effective value: a change to one of them can void an approval.
SCORE_VALUE_FIELDS = {"self_score", "appraised_score", "final_score", "not_applicable"}


def vn_score(value) -> str | None:
    return None if value is None else format_score(value).replace(".", ",")


# --- Shared checks -----------------------------------------------------------------------------


def _today():
    return timezone.localdate()


def _lock(score: Score) -> tuple[Assessment, Score, Period]:
    """Lock the assessment, then the row; read the period after the lock so that a phase change
    committed meanwhile is seen (phase changes lock every assessment of the period)."""
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("framework").get(pk=score.assessment_id)
    # of=self: lock the row, not the criterion joined to it (shared by every unit's row).
    locked = Score.objects.select_for_update(of=("self",)).select_related("criterion").get(pk=score.pk)
    locked.assessment = assessment
    assessment.period = Period.objects.get(pk=assessment.period_id)
    return assessment, locked, assessment.period


def _check_version(score: Score, expected_version: int | None, stage: str) -> None:
    if expected_version is None or int(expected_version) == score.version:
        return
    who = score.updated_by.full_name or score.updated_by.username if score.updated_by_id else "người khác"
    # A unit is not told who of the council touched its row (it reads that from the explanation
    # round on, on the row itself).
    if stage == "self" and score.updated_by_id and score.updated_by.unit_id != score.assessment.unit_id:
        who = "người khác"
    when = timezone.localtime(score.updated_at)
    raise StaleScore(
        f"Điểm này vừa được {who} cập nhật lúc {when:%H:%M} thành {score.current_value_text(stage)}. "
        "Hãy xem lại trước khi lưu.",
        score=score,
    )


def _check_not_approved(period: Period) -> None:
    if period.phase == Phase.APPROVED:
        raise PhaseError(APPROVED_MESSAGE)


# --- One validation per stage ------------------------------------------------------------------
# Each stage has one check of its window (phase, deadline, who) and one of its values. The row
# services, the sheets' "editable" flags (through the `*_refusal` functions) and the score
# import (values and phase) all call these, so a page never offers what a save would refuse.


def _check_self_window(access: AssessmentAccess) -> None:
    assessment, period = access.assessment, access.assessment.period
    _check_not_approved(period)
    if not access.own:
        raise ScoringError("Chỉ cán bộ đầu mối CCHC của đơn vị mới được tự đánh giá.")
    if assessment.status == Assessment.Status.SUBMITTED:
        when = timezone.localtime(assessment.submitted_at) if assessment.submitted_at else None
        day = f" ngày {when:%d/%m/%Y}" if when else ""
        raise ScoringError(f"Đơn vị đã nộp bản tự đánh giá{day}, không thể sửa.")
    if period.phase != Phase.SELF_ASSESSMENT:
        raise PhaseError(f"Kỳ đánh giá đang ở giai đoạn {period.get_phase_display()}, đã hết thời gian tự đánh giá.")
    if assessment.status == Assessment.Status.CLOSED:
        raise ScoringError("Phiếu tự đánh giá đã bị khóa (hết hạn), không thể sửa.")
    deadline = period.self_assessment_deadline
    if deadline and _today() > deadline:
        raise ScoringError(f"Đã quá hạn tự đánh giá ({deadline:%d/%m/%Y}).")


def _check_self_row(access: AssessmentAccess, score: Score) -> None:
    _check_self_window(access)
    if not score.criterion.is_self_claimed:
        raise ScoringError(f"Tiêu chí {score.criterion.code} không do đơn vị tự chấm.")


def appraisal_phase_open(period: Period, score: Score) -> bool:
    """The appraisal phase, or a row Sở Nội vụ sent back to its appraiser afterwards."""
    returned = score.needs_reappraisal and period.phase in (Phase.EXPLANATION, Phase.FINALIZATION)
    return period.phase == Phase.APPRAISAL or returned


def _check_appraiser(access: AssessmentAccess, score: Score) -> None:
    period = access.assessment.period
    _check_not_approved(period)
    if not appraisal_phase_open(period, score):
        raise PhaseError(f"Kỳ đánh giá đang ở giai đoạn {period.get_phase_display()}, không phải giai đoạn thẩm định.")
    if score.criterion.kind == Kind.SURVEY:
        raise ScoringError("Điểm điều tra xã hội học được nhập từ kết quả điều tra, không thẩm định trực tiếp.")
    if not access.may_appraise(score.criterion.code):
        raise ScoringError("Bạn không được phân công thẩm định tiêu chí này của đơn vị.")


def _check_explanation_window(access: AssessmentAccess) -> None:
    period = access.assessment.period
    _check_not_approved(period)
    if not access.own:
        raise ScoringError("Chỉ cán bộ đầu mối CCHC của đơn vị mới được giải trình.")
    if period.phase != Phase.EXPLANATION:
        raise PhaseError(f"Kỳ đánh giá đang ở giai đoạn {period.get_phase_display()}, không phải giai đoạn giải trình.")
    deadline = period.explanation_deadline
    if deadline and _today() > deadline:
        raise ScoringError(f"Đã quá hạn giải trình ({deadline:%d/%m/%Y}).")


def _check_explanation_row(access: AssessmentAccess, score: Score) -> None:
    _check_explanation_window(access)
    if not score.is_deducted:
        raise ScoringError(f"Tiêu chí {score.criterion.code} không bị trừ điểm khi thẩm định nên không cần giải trình.")


def _check_finalizer(access: AssessmentAccess, score: Score) -> None:
    period = access.assessment.period
    _check_not_approved(period)
    if period.phase != Phase.FINALIZATION:
        raise PhaseError(f"Kỳ đánh giá đang ở giai đoạn {period.get_phase_display()}, không phải giai đoạn hoàn thiện kết quả.")
    if not access.may_appraise(score.criterion.code):
        raise ScoringError("Chỉ thành viên Hội đồng được phân công hoặc Sở Nội vụ mới được hoàn thiện điểm này.")
    # A row not applicable has no final score; if the unit explained it (it said the row applies),
    # the council still answers the explanation.
    if score.not_applicable and not score.explanation:
        raise ScoringError(f"Tiêu chí {score.criterion.code} không áp dụng với đơn vị nên không có điểm cuối cùng.")


def _check_return(access: AssessmentAccess, score: Score) -> None:
    period = access.assessment.period
    _check_not_approved(period)
    if not access.staff:
        raise ScoringError("Chỉ Sở Nội vụ mới được trả lại tiêu chí cho người thẩm định.")
    if period.phase not in (Phase.EXPLANATION, Phase.FINALIZATION):
        raise PhaseError("Chỉ trả lại cho người thẩm định trong giai đoạn giải trình hoặc hoàn thiện kết quả.")
    if score.criterion.kind == Kind.SURVEY:
        raise ScoringError("Điểm điều tra xã hội học được nhập từ kết quả điều tra, không trả lại người thẩm định.")
    if score.needs_reappraisal:
        raise ScoringError(f"Tiêu chí {score.criterion.code} đã được trả lại người thẩm định.")


def _refusal(check, *args) -> str | None:
    try:
        check(*args)
    except ScoringError as exc:
        return str(exc)
    return None


def self_window_refusal(access: AssessmentAccess) -> str | None:
    """Why the unit cannot edit its self-assessment now (shown where the form would be), or None."""
    return _refusal(_check_self_window, access)


def explanation_window_refusal(access: AssessmentAccess) -> str | None:
    """Why the unit cannot explain now (deadline passed, phase), or None."""
    return _refusal(_check_explanation_window, access)


# Why a row cannot be changed at a stage now, or None: what the sheets show instead of a form.
ROW_CHECKS = {
    "self": _check_self_row,
    "appraisal": _check_appraiser,
    "explanation": _check_explanation_row,
    "final": _check_finalizer,
    "return": _check_return,
}


def row_refusal(access: AssessmentAccess, score: Score, stage: str) -> str | None:
    return _refusal(ROW_CHECKS[stage], access, score)


def _decimals(score: Score) -> int:
    """The precision of the row's period (`Period.decimals`); every caller has read the period
    with the assessment (the locks, the sheet, the import)."""
    return score.assessment.period.decimals


def _value(score: Score, value, *, computed: bool = False):
    """The row's value checked against its criterion at the period's precision. Typed input with
    more decimals than the period allows is refused; a `computed` one (a survey's average) is
    rounded half-up to them first, as it is stored."""
    criterion, decimals = score.criterion, _decimals(score)
    if computed and value not in (None, ""):
        try:
            value = round_score(value if isinstance(value, Decimal) else parse_decimal(str(value)), decimals)
        except ValueError as exc:
            raise ScoringError(str(exc)) from None
    try:
        return criterion.check_score(value, decimals)
    except ValidationError as exc:
        raise ScoringError(" ".join(exc.messages)) from None


def _figures(score: Score, inputs: dict | None, value) -> tuple[dict, Decimal | None]:
    """A computed row's figures and the points they give, rounded half-up to the period's
    precision and kept within 0 and the max (`scoring.formulas.compute`). ({}, None) when no
    figure was entered. The points follow from the figures: a typed score is refused."""
    criterion = score.criterion
    try:
        computed = criterion.computed
    except FormulaError as exc:
        raise ScoringError(f"Tiêu chí {criterion.code}: công thức tính điểm không dùng được ({exc}).") from None
    if not inputs_given(inputs):
        if value not in (None, ""):
            labels = ", ".join(f"'{spec.label}'" for spec in computed.specs)
            raise ScoringError(f"Tiêu chí {criterion.code} được tính điểm từ số liệu: hãy nhập {labels}, không nhập điểm.")
        return {}, None
    try:
        return compute(computed, inputs, max_score=criterion.max_score, quantum=score.assessment.period.quantum)
    except ComputeError as exc:
        raise ScoringError(f"Tiêu chí {criterion.code}: {exc}") from None


def _changed_figures(score: Score, old: dict, new: dict) -> str:
    """'Tổng số hồ sơ: 15 → 16': the figures that differ, for a refusal that asks why."""
    labels = {spec.name: spec.label for spec in score.criterion.input_specs}
    return "; ".join(
        f"{labels.get(name, name)}: {str(old.get(name, '—')).replace('.', ',')} → {str(new.get(name, '—')).replace('.', ',')}"
        for name in labels
        if old.get(name) != new.get(name)
    )


def _na(criterion, not_applicable: bool) -> bool:
    if not_applicable and not criterion.na_allowed:
        raise ScoringError(f"Tiêu chí {criterion.code} không được đánh dấu “không áp dụng”.")
    return bool(not_applicable)


def validate_self(score: Score, *, value, note: str, not_applicable: bool, inputs: dict | None = None) -> dict:
    """The unit's score of a row (its own rows and its bonus claims): empty means "not scored
    yet". A computed row takes the unit's figures (`inputs`) and scores them."""
    criterion = score.criterion
    if not criterion.is_self_claimed:
        raise ScoringError(f"Tiêu chí {criterion.code} không do đơn vị tự chấm.")
    na = _na(criterion, not_applicable)
    values = {
        "self_score": None if na or value in (None, "") or criterion.is_computed else _value(score, value),
        "not_applicable": na,
        "self_not_applicable": na,
        "self_note": nfc(note),
    }
    if criterion.is_computed:
        values["self_inputs"], values["self_score"] = ({}, None) if na else _figures(score, inputs, value)
    return values


def validate_appraisal(score: Score, *, value, reason: str, not_applicable: bool | None, inputs: dict | None = None) -> dict:
    """The council's score of a row. A reason (lý do trừ điểm) is required whenever it is below
    the unit's self score or overturns the unit's "not applicable": the unit reads it in the
    explanation round and answers it. `not_applicable` None keeps the row's flag. On a computed
    row the council corrects the unit's figures (`inputs`), with a reason when they differ, and
    the points follow from them."""
    criterion = score.criterion
    if criterion.kind == Kind.SURVEY:
        raise ScoringError("Điểm điều tra xã hội học được nhập từ kết quả điều tra, không thẩm định trực tiếp.")
    reason = nfc(reason)
    was_na = score.not_applicable
    na = was_na if not_applicable is None else _na(criterion, not_applicable)
    if na and not criterion.na_allowed:
        raise ScoringError(f"Tiêu chí {criterion.code} không được đánh dấu “không áp dụng”.")
    figures = {}
    if na:
        appraised = None
    elif criterion.is_computed:
        figures, appraised = _figures(score, inputs, value)
        if appraised is None:
            raise ScoringError(f"Chưa nhập số liệu thẩm định của tiêu chí {criterion.code}.")
    elif value in (None, ""):
        raise ScoringError(f"Chưa nhập điểm thẩm định của tiêu chí {criterion.code}.")
    else:
        appraised = _value(score, value)
    if not reason:
        if na != was_na:
            raise ReasonRequired("Cần nêu lý do khi thay đổi việc áp dụng tiêu chí so với bản tự đánh giá.")
        if score.self_score is not None and appraised is not None and appraised < score.self_score:
            raise ReasonRequired(
                f"Điểm thẩm định {vn_score(appraised)} thấp hơn điểm tự đánh giá {vn_score(score.self_score)}: cần nêu lý do trừ điểm."
            )
        if figures and score.self_inputs and figures != score.self_inputs:
            raise ReasonRequired(
                f"Số liệu thẩm định của tiêu chí {criterion.code} khác số liệu đơn vị nhập "
                f"({_changed_figures(score, score.self_inputs, figures)}): cần nêu lý do."
            )
    values = {"appraised_score": appraised, "appraisal_reason": reason, "not_applicable": na, "needs_reappraisal": False}
    if criterion.is_computed:
        values["appraised_inputs"] = figures
    return values


def validate_final(score: Score, *, value, note: str, not_applicable: bool | None = None, inputs: dict | None = None) -> dict:
    """The council's final score. Empty means "as appraised" — the appraised score stands, and
    writing the appraised score again is the default, not a decision. A file of final results
    (`not_applicable` given) may also mark a row not applicable; the page never does. On a
    computed row the council settles the figures (`inputs`); the appraised figures again mean
    "as appraised"."""
    criterion = score.criterion
    na = score.not_applicable if not_applicable is None else _na(criterion, not_applicable)
    if na and not_applicable is None and (value not in (None, "") or inputs_given(inputs)):
        raise ScoringError(f"Tiêu chí {criterion.code} không áp dụng với đơn vị nên không có điểm cuối cùng.")
    if criterion.is_computed:
        figures, final = ({}, None) if na else _figures(score, inputs, value)
        if figures == score.appraised_inputs:
            figures, final = {}, None
        return {"final_score": final, "final_inputs": figures, "council_note": nfc(note), "not_applicable": na}
    final = None if na or value in (None, "") else _value(score, value)
    if final is not None and final == score.appraised_score:
        final = None
    return {"final_score": final, "council_note": nfc(note), "not_applicable": na}


def validate_verdict(score: Score, *, verdict: str) -> dict:
    """Accepting or refusing the unit's explanation: only where there is one. Empty keeps what
    was decided (a later save of the score alone does not undo the verdict)."""
    if not verdict:
        return {}
    if verdict not in Score.Verdict.values:
        raise ScoringError("Kết luận về giải trình không hợp lệ.")
    if not score.explanation:
        raise ScoringError(f"Đơn vị không giải trình tiêu chí {score.criterion.code}.")
    return {"explanation_verdict": verdict}


def validate_survey(score: Score, *, value, note: str, not_applicable: bool) -> dict:
    """Survey points arrive from the survey's results: they are the appraised and final score.
    They are averages of the answers, computed, so rounded half-up to the period's decimals
    (2,0005 → 2,001 with three) rather than refused."""
    criterion = score.criterion
    if criterion.kind != Kind.SURVEY:
        raise ScoringError(f"Tiêu chí {criterion.code} không phải tiêu chí điều tra xã hội học.")
    na = _na(criterion, not_applicable)
    points = None if na else _value(score, value, computed=True)
    return {"appraised_score": points, "final_score": points, "council_note": nfc(note), "not_applicable": na}


def _snapshot(score: Score, fields: list[str]) -> dict:
    values = {}
    for name in fields:
        value = getattr(score, name)
        if name.endswith("_inputs"):
            # A computed row's figures as people read them in the history: "Tổng số hồ sơ: 15 hồ sơ".
            values[name] = score._inputs_text(value) or None
        else:
            values[name] = vn_score(value) if name.endswith("_score") else value
    return values


def _write(*, actor, score: Score, before: dict, fields: list[str], action: str, reason: str = "", force: bool = False) -> Score:
    """Save the fields with a new version and audit what changed; nothing is written when nothing
    changed, unless `force` (a confirmation is a write of its own)."""
    changes = diff_fields(before, _snapshot(score, list(before)))
    if not changes and not force:
        return score
    score.version = F("version") + 1
    score.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    score.save(update_fields=fields + ["version", "updated_by", "updated_at"])
    score.refresh_from_db(fields=["version", "updated_at"])
    audit_log(actor=actor, action=action, target=score, changes=changes, reason=reason)
    if SCORE_VALUE_FIELDS.intersection(changes):
        assessment_totals_refresh(period=score.assessment.period, assessment_ids=[score.assessment_id])
        approval_void_if_stale(period=score.assessment.period, actor=actor)
    return score


# --- Scores --------------------------------------------------------------------------------------


def _access(actor, assessment: Assessment) -> AssessmentAccess:
    # Read inside the write's transaction, after the locks: a conflict of interest declared or an
    # assignment removed a moment ago counts.
    return assessment_access(actor, assessment, fresh=True)


def _apply(score: Score, values: dict) -> list[str]:
    for name, value in values.items():
        setattr(score, name, value)
    return list(values)


@dataclass
class RowChange:
    """What one row's form posts, alone or among a sheet's rows ("Lưu tất cả")."""

    score_id: int
    value: str | None = ""
    note: str = ""
    not_applicable: bool | None = False
    verdict: str = ""
    version: int | None = None
    inputs: dict | None = None  # a computed row's figures, {input name: text}


# The stages a row's value is saved at (alone or in a sheet), with their audit action; their
# window checks are ROW_CHECKS'.
SHEET_STAGES = {"self": "score.self", "appraisal": "score.appraisal", "final": "score.final"}


def _row_values(stage: str, score: Score, change: RowChange, *, user, now) -> tuple[dict, bool]:
    """The fields a row's save writes at `stage`, with who and when, and whether it is a write
    even if nothing changed. Checked exactly alike for one row and for a sheet."""
    if stage == "self":
        return validate_self(score, value=change.value, note=change.note, not_applicable=bool(change.not_applicable), inputs=change.inputs), False
    if stage == "appraisal":
        values = validate_appraisal(score, value=change.value, reason=change.note, not_applicable=change.not_applicable, inputs=change.inputs)
        # Saving an unchanged score on a row not yet appraised still counts: it confirms the
        # unit's score, and the row leaves the appraiser's queue.
        return values | {"appraised_by": user, "appraised_at": now}, score.appraised_at is None
    values = validate_final(score, value=change.value, note=change.note, inputs=change.inputs)
    del values["not_applicable"]  # unchanged: the pages do not mark rows not applicable
    values.update(validate_verdict(score, verdict=change.verdict))
    if values.get("explanation_verdict") and values["explanation_verdict"] != score.explanation_verdict:
        values.update(explanation_verdict_by=user, explanation_verdict_at=now)
    return values | {"finalized_by": user, "finalized_at": now}, False


def _prepare_row(stage: str, access: AssessmentAccess, score: Score, change: RowChange, *, user, now) -> tuple[list[str], dict, bool]:
    """Check a locked row and set its new values: (fields written, the audited values before,
    whether to write even unchanged). Raises the stage's refusal."""
    ROW_CHECKS[stage](access, score)
    _check_version(score, change.version, stage)
    values, force = _row_values(stage, score, change, user=user, now=now)
    audited = [name for name in values if not name.endswith(("_by", "_at"))]
    before = _snapshot(score, audited)
    return _apply(score, values), before, force


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def _save_row(stage: str, *, actor, score: Score, change: RowChange) -> Score:
    assessment, score, period = _lock(score)
    fields, before, force = _prepare_row(stage, _access(actor, assessment), score, change, user=_user(actor), now=timezone.now())
    return _write(actor=actor, score=score, before=before, fields=fields, action=SHEET_STAGES[stage], force=force)


def score_set_self(
    *, actor, score: Score, value=None, note: str = "", not_applicable: bool = False, expected_version: int | None, inputs: dict | None = None
) -> Score:
    """The unit's own score (or, on a computed row, its figures), note, and not-applicable flag
    for one sub-criterion."""
    return _save_row("self", actor=actor, score=score, change=RowChange(score.pk, value, note, not_applicable, "", expected_version, inputs))


def score_set_appraisal(
    *, actor, score: Score, value=None, reason: str = "", not_applicable: bool | None = None, expected_version: int | None,
    inputs: dict | None = None,
) -> Score:
    """The council's score for one row, or its corrected figures (see `validate_appraisal` for the
    reason it needs)."""
    return _save_row(
        "appraisal", actor=actor, score=score, change=RowChange(score.pk, value, reason, not_applicable, "", expected_version, inputs)
    )


@transaction.atomic
def score_set_explanation(*, actor, score: Score, text: str, expected_version: int | None) -> Score:
    """The unit's answer (giải trình) to a deduction, before the explanation deadline."""
    assessment, score, period = _lock(score)
    _check_explanation_row(_access(actor, assessment), score)
    _check_version(score, expected_version, "explanation")
    text = nfc(text)
    if not text:
        raise ScoringError("Chưa nhập nội dung giải trình.")
    before = _snapshot(score, ["explanation"])
    score.explanation = text
    score.explained_at = timezone.now()
    return _write(actor=actor, score=score, before=before, fields=["explanation", "explained_at"], action="score.explanation")


def score_set_final(
    *, actor, score: Score, value=None, note: str = "", verdict: str = "", expected_version: int | None, inputs: dict | None = None
) -> Score:
    """The council's final score (or figures). Empty means "as appraised" — the appraised score
    stands. On an explained row the appraiser also says whether the explanation is accepted
    (`verdict`)."""
    return _save_row("final", actor=actor, score=score, change=RowChange(score.pk, value, note, None, verdict, expected_version, inputs))


@transaction.atomic
def score_return_to_appraiser(*, actor, score: Score, note: str, expected_version: int | None) -> Score:
    """Staff send a row back to its appraiser (for example after a convincing explanation): the
    appraiser may score it again although the appraisal phase is over."""
    assessment, score, period = _lock(score)
    _check_return(_access(actor, assessment), score)
    _check_version(score, expected_version, "appraisal")
    note = nfc(note)
    if not note:
        raise ScoringError("Cần nêu lý do trả lại cho người thẩm định.")
    before = _snapshot(score, ["needs_reappraisal", "return_note"])
    score.needs_reappraisal = True
    score.return_note = note
    return _write(actor=actor, score=score, before=before, fields=["needs_reappraisal", "return_note"], action="score.return", reason=note)


# --- A whole sheet at once ("Lưu tất cả") --------------------------------------------------------


class SheetRefused(ScoringError):
    """Some rows of a sheet were refused; nothing was saved. `errors` maps each refused row's id
    to its reason, `stale` holds the ids refused because someone saved them first."""

    def __init__(self, errors: dict[int, str], stale: set[int]):
        self.errors, self.stale = errors, stale
        super().__init__(f"{len(errors)} tiêu chí chưa lưu được; không có thay đổi nào được lưu. Hãy sửa các dòng được đánh dấu rồi lưu lại.")


@transaction.atomic
def scores_save_sheet(*, actor, assessment: Assessment, stage: str, changes: list[RowChange]) -> list[Score]:
    """Save the changed rows of one assessment's sheet in one go, all or nothing: each row is
    checked exactly as its own save would be (window, version, values); if any is refused,
    nothing is written and every refused row gets its reason. One audit row per changed row, and
    a constant number of queries whatever the number of rows."""
    action = SHEET_STAGES[stage]
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("framework", "unit").get(pk=assessment.pk)
    assessment.period = Period.objects.get(pk=assessment.period_id)
    access = _access(actor, assessment)
    by_id = {c.score_id: c for c in changes}
    rows = {
        s.pk: s
        for s in Score.objects.select_for_update(of=("self",)).select_related("criterion", "updated_by").filter(assessment=assessment, pk__in=by_id)
    }
    errors: dict[int, str] = {pk: "Dòng điểm không thuộc phiếu đánh giá này." for pk in by_id if pk not in rows}
    stale: set[int] = set()
    planned = []
    now, user = timezone.now(), _user(actor)
    for pk, score in rows.items():
        score.assessment = assessment
        try:
            fields, before, force = _prepare_row(stage, access, score, by_id[pk], user=user, now=now)
        except StaleScore as exc:
            errors[pk] = str(exc)
            stale.add(pk)
            continue
        except ScoringError as exc:
            errors[pk] = str(exc)
            continue
        diff = diff_fields(before, _snapshot(score, list(before)))
        if diff or force:
            planned.append((score, fields, diff))
    if errors:
        raise SheetRefused(errors, stale)
    if not planned:
        return []
    update_fields = sorted({name for _, fields, _ in planned for name in fields} | {"version", "updated_by", "updated_at"})
    saved = []
    for score, _, _ in planned:
        score.version += 1
        score.updated_by, score.updated_at = user, now
        saved.append(score)
    Score.objects.bulk_update(saved, update_fields)
    audit_log_many(actor=actor, action=action, entries=[AuditEntry(target=score, changes=diff) for score, _, diff in planned])
    if any(SCORE_VALUE_FIELDS.intersection(diff) for _, _, diff in planned):
        assessment_totals_refresh(period=assessment.period, assessment_ids=[assessment.pk])
        approval_void_if_stale(period=assessment.period, actor=actor)
    return saved


# --- Evidence ------------------------------------------------------------------------------------


def _check_evidence_window(access: AssessmentAccess, score: Score, stage: str) -> None:
    """Files go with the unit's own words: its self-assessment, or its explanation."""
    if stage == Evidence.Stage.EXPLANATION:
        _check_explanation_row(access, score)
    else:
        _check_self_row(access, score)


@transaction.atomic
def evidence_add(*, actor, score: Score, upload, doc_number: str = "", doc_date=None, page_ref: str = "", stage: str = Evidence.Stage.SELF) -> Evidence:
    """Attach a file to a row: while self-assessing, or with an explanation. The file is checked
    by content (a renamed executable is refused) and stored under a random name."""
    assessment, score, period = _lock(score)
    _check_evidence_window(_access(actor, assessment), score, stage)
    try:
        kind = validate_upload(upload)
    except ValidationError as exc:
        raise ScoringError(" ".join(exc.messages)) from None
    evidence = Evidence(
        score=score,
        stage=stage,
        original_name=clean_filename(upload.name),
        size=upload.size,
        content_type=content_type_of(kind),
        doc_number=nfc(doc_number)[:100],
        doc_date=doc_date,
        page_ref=nfc(page_ref)[:100],
        uploaded_by=actor,
    )
    evidence.file.save(upload.name, upload, save=False)
    try:
        evidence.save()
        described = evidence.original_name + (f" ({evidence.citation})" if evidence.citation else "")
        audit_log(actor=actor, action="evidence.add", target=score, changes={EVIDENCE_KEY: [None, described]})
    except Exception:
        # The rows roll back with the transaction; the file on disk would not.
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, actor, evidence: Evidence) -> None:
    score = Score.objects.select_related("criterion").get(pk=evidence.score_id)
    assessment, score, period = _lock(score)
    evidence = Evidence.objects.get(pk=evidence.pk)
    _check_evidence_window(_access(actor, assessment), score, evidence.stage)
    described = evidence.original_name + (f" ({evidence.citation})" if evidence.citation else "")
    audit_log(actor=actor, action="evidence.delete", target=score, changes={EVIDENCE_KEY: [described, None]})
    field_file = evidence.file
    name, storage = field_file.name, field_file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Assessments ---------------------------------------------------------------------------------


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment, note: str = "") -> Assessment:
    """The unit hands in its self-assessment. Every self-scored row must be scored (or marked not
    applicable), and every row that requires evidence must have it — unless the unit explains
    why in `note` (the council then judges it)."""
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("unit", "framework").get(pk=assessment.pk)
    period = Period.objects.get(pk=assessment.period_id)
    assessment.period = period
    _check_self_window(_access(actor, assessment))
    note = nfc(note)
    unscored = unscored_codes(assessment)
    if unscored:
        raise ScoringError(f"Còn {len(unscored)} tiêu chí chưa chấm: {', '.join(unscored[:15])}{'…' if len(unscored) > 15 else ''}.")
    missing = missing_evidence_codes(assessment)
    if missing and not note:
        raise ScoringError(
            f"{len(missing)} tiêu chí bắt buộc tài liệu kiểm chứng nhưng chưa có: {', '.join(missing[:15])}{'…' if len(missing) > 15 else ''}. "
            "Hãy tải tài liệu lên, hoặc ghi giải trình lý do thiếu tài liệu trước khi nộp."
        )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.submit_note = note
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "submit_note", "updated_at"])
    changes = {"status": [Assessment.Status.OPEN.label, Assessment.Status.SUBMITTED.label]}
    if note:
        changes["submit_note"] = [None, note]
    audit_log(actor=actor, action="assessment.submit", target=assessment, changes=changes)
    return assessment


def _leaves_by_framework(framework_ids) -> dict[int, list[int]]:
    """Leaf criterion ids of each framework: only leaves are scored, a parent is their sum."""
    nodes = list(Criterion.objects.filter(framework_id__in=framework_ids).values_list("pk", "framework_id", "parent_id"))
    parents = {parent for _, _, parent in nodes if parent}
    leaves: dict[int, list[int]] = {}
    for pk, framework_id, _ in nodes:
        if pk not in parents:
            leaves.setdefault(framework_id, []).append(pk)
    return leaves


def _open_assessments(*, actor, period: Period, unit_ids=None) -> int:
    """Create the missing assessments and score rows of the period: one assessment per roster
    entry whose block has a framework, in that block's framework, one row per leaf. Safe to run
    again (after a reopen, or for a unit added to the roster later): what exists is kept, rows of
    criteria that are no longer leaves go. `unit_ids` limits it to those units' entries (a unit
    added to the roster of an open period)."""
    frameworks = {f.block_id: f for f in Framework.objects.filter(period=period)}
    existing = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    entries = RosterEntry.objects.filter(period=period, block_id__in=frameworks).select_related("unit").order_by("unit__code")
    if unit_ids is not None:
        entries = entries.filter(unit_id__in=list(unit_ids))
    new = [Assessment(period=period, unit=entry.unit, framework=frameworks[entry.block_id]) for entry in entries if entry.unit_id not in existing]
    Assessment.objects.bulk_create(new)
    leaves = _leaves_by_framework([f.pk for f in frameworks.values()])
    if unit_ids is None:
        all_leaves = {pk for ids in leaves.values() for pk in ids}
        Score.objects.filter(assessment__period=period).exclude(criterion_id__in=all_leaves).delete()
    assessments = Assessment.objects.filter(period=period)
    if unit_ids is not None:
        assessments = assessments.filter(unit_id__in=list(unit_ids))
    have = set(Score.objects.filter(assessment__in=assessments).values_list("assessment_id", "criterion_id"))
    rows = [
        Score(assessment_id=assessment_id, criterion_id=criterion_id)
        for assessment_id, framework_id in assessments.values_list("pk", "framework_id")
        for criterion_id in leaves.get(framework_id, [])
        if (assessment_id, criterion_id) not in have
    ]
    Score.objects.bulk_create(rows, batch_size=2000)
    # Every assessment, not only the new ones: the framework may have changed while the period
    # was back in draft, and a unit's maximum is the sum of its leaves.
    if unit_ids is None:
        assessment_totals_refresh(period=period)
    else:
        assessment_totals_refresh(period=period, assessment_ids=list(assessments.values_list("pk", flat=True)))
    if new or rows:
        audit_log(
            actor=actor,
            action="assessment.open",
            target=period,
            changes={"assessments": [len(existing), len(existing) + len(new)], "units": [None, [a.unit.name for a in new]]},
        )
    return len(new)


def assessments_open_for_period(*, actor, period: Period) -> int:
    """Called by the phase change draft → self-assessment (inside its transaction)."""
    return _open_assessments(actor=actor, period=period)


@transaction.atomic
def assessments_create_missing(*, actor, period: Period) -> int:
    """Staff action “Tạo phiếu cho đơn vị mới”: the assessments of roster entries that have none
    (an entry made past the services; `roster_add` creates a unit's assessment itself once the
    period is open)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.phase in (Phase.DRAFT, Phase.APPROVED):
        raise PhaseError("Chỉ tạo phiếu đánh giá khi kỳ đánh giá đã mở và chưa được phê duyệt.")
    return _open_assessments(actor=actor, period=period)


def assessments_close_open(*, actor, period: Period) -> int:
    """Called when the period leaves self-assessment: unsubmitted assessments are closed as they
    stand, exactly as when the deadline passes."""
    open_ones = list(Assessment.objects.filter(period=period, status=Assessment.Status.OPEN).select_related("unit"))
    if not open_ones:
        return 0
    Assessment.objects.filter(pk__in=[a.pk for a in open_ones]).update(status=Assessment.Status.CLOSED, updated_at=timezone.now())
    audit_log(
        actor=actor,
        action="assessment.close",
        target=period,
        changes={"units": [None, [a.unit.name for a in open_ones]]},
        reason="Hết thời gian tự đánh giá: các phiếu chưa nộp được khóa theo hiện trạng.",
    )
    return len(open_ones)


@transaction.atomic
def assessment_reopen_for_unit(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """Staff let one unit edit its self-assessment again (e.g. it submitted by mistake)."""
    assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
    period = Period.objects.get(pk=assessment.period_id)
    _check_not_approved(period)
    if not is_staff(actor):
        raise ScoringError("Chỉ Sở Nội vụ mới được mở lại phiếu tự đánh giá.")
    if period.phase != Phase.SELF_ASSESSMENT:
        raise PhaseError("Chỉ mở lại phiếu trong giai đoạn tự đánh giá.")
    reason = nfc(reason)
    if not reason:
        raise ScoringError("Cần nêu lý do mở lại phiếu tự đánh giá.")
    if assessment.status == Assessment.Status.OPEN:
        raise ScoringError("Phiếu đang mở.")
    old = assessment.get_status_display()
    assessment.status = Assessment.Status.OPEN
    assessment.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="assessment.reopen", target=assessment, changes={"status": [old, assessment.get_status_display()]}, reason=reason)
    return assessment


# --- Appraisal assignments and conflicts ------------------------------------------------------


@transaction.atomic
def assignment_create(*, actor, period: Period, member, field_code: str, block=None):
    period = Period.objects.select_for_update().get(pk=period.pk)
    _check_not_approved(period)
    if not is_council(member):
        raise ScoringError(f"{member} không phải thành viên Hội đồng thẩm định.")
    fields = Criterion.objects.filter(framework__period=period, parent__isnull=True, code=field_code)
    if block is not None:
        fields = fields.filter(framework__block=block)
    if not fields.exists():
        where = f" của {block.name}" if block is not None else ""
        raise ScoringError(f"Bộ chỉ số năm {period.year}{where} không có lĩnh vực {field_code}.")
    duplicate = AppraisalAssignment.objects.filter(period=period, member=member, field_code=field_code)
    duplicate = duplicate.filter(block__isnull=True) if block is None else duplicate.filter(block=block)
    if duplicate.exists():
        raise ScoringError("Phân công này đã có.")
    assignment = AppraisalAssignment.objects.create(period=period, member=member, field_code=field_code, block=block)
    audit_log(actor=actor, action="assignment.create", target=period, changes={"assignment": [None, str(assignment)]})
    return assignment


@transaction.atomic
def assignment_delete(*, actor, assignment) -> None:
    period = Period.objects.select_for_update().get(pk=assignment.period_id)
    _check_not_approved(period)
    audit_log(actor=actor, action="assignment.delete", target=period, changes={"assignment": [str(assignment), None]})
    assignment.delete()


@transaction.atomic
def conflict_declare(*, actor, period: Period, unit, reason: str):
    """A member stands aside from a unit's appraisal; the unit leaves their queue."""
    period = Period.objects.get(pk=period.pk)
    _check_not_approved(period)
    if not is_council(actor):
        raise ScoringError("Chỉ thành viên Hội đồng thẩm định khai báo xung đột lợi ích.")
    reason = nfc(reason)
    if not reason:
        raise ScoringError("Cần nêu lý do xung đột lợi ích.")
    declaration, created = ConflictDeclaration.objects.get_or_create(period=period, member=actor, unit=unit, defaults={"reason": reason})
    if not created:
        raise ScoringError(f"Bạn đã khai báo xung đột lợi ích với {unit.name}.")
    audit_log(actor=actor, action="conflict.declare", target=period, changes={"unit": [None, unit.name]}, reason=reason)
    return declaration
