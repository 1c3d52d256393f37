"""Importing scores from a CSV/XLSX sheet: survey results, scores kept in Excel, and earlier years
a province migrates. The sheet is checked whole and written in one transaction; any bad row and
nothing is written."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.services import AuditEntry, audit_log_many, diff_fields
from cchc.tabular import ImportRejected, RowError, Table
from units.models import Unit
from units.text import nfc

from ..formulas import ComputeError, figures_from_text
from ..models import SCORED_KINDS_BY_STAGE, Assessment, Criterion, Kind, Period, Phase, Score
from .assessment import _snapshot, validate_appraisal, validate_final, validate_self, validate_survey
from .errors import ReasonRequired, ScoringError
from .results import approval_void_if_stale
from .totals import assessment_totals_refresh

SCORE_COLUMNS = ["unit_code", "criterion_code", "score", "note"]
SCORE_REQUIRED = {"unit_code", "criterion_code", "score"}
NA_WORDS = {"na", "n/a", "kad", "không áp dụng", "khong ap dung"}
STAGES = {
    "self": ("tự đánh giá", [Phase.SELF_ASSESSMENT]),
    "appraisal": ("thẩm định", [Phase.APPRAISAL]),
    "final": ("điểm cuối cùng", [Phase.FINALIZATION]),
    # Survey results arrive while the council works, whatever its step.
    "survey": ("điều tra xã hội học", [Phase.APPRAISAL, Phase.EXPLANATION, Phase.FINALIZATION]),
}
KIND_NAMES = {Kind.SELF: "tự đánh giá, thẩm định", Kind.SURVEY: "điều tra xã hội học", Kind.DEDUCTION: "điểm trừ", Kind.BONUS: "điểm thưởng"}
# Each stage's check of a row's values (the one the row forms use), called as
# (score, score text, note, not applicable).
VALIDATE = {
    "self": lambda score, value, note, na, inputs: validate_self(score, value=value, note=note, not_applicable=na, inputs=inputs),
    "appraisal": lambda score, value, note, na, inputs: validate_appraisal(score, value=value, reason=note, not_applicable=na, inputs=inputs),
    "final": lambda score, value, note, na, inputs: validate_final(score, value=value, note=note, not_applicable=na, inputs=inputs),
    "survey": lambda score, value, note, na, inputs: validate_survey(score, value=value, note=note, not_applicable=na),
}
# The audited fields each stage writes (what the validation returns). A computed row's `score`
# cell holds its figures (`a=223; b=287`), checked and scored as the sheet does; "NA" clears them.
STAGE_FIELDS = {
    "self": ["self_score", "self_inputs", "self_note", "not_applicable", "self_not_applicable"],
    "appraisal": ["appraised_score", "appraised_inputs", "appraisal_reason", "not_applicable", "needs_reappraisal"],
    "final": ["final_score", "final_inputs", "council_note", "not_applicable"],
    "survey": ["appraised_score", "final_score", "council_note", "not_applicable"],
}


@dataclass
class ScoreImportResult:
    period: Period
    stage: str
    rows: int
    changed: int

    def __str__(self):
        return (
            f"Đã nhập {self.rows} dòng điểm {STAGES[self.stage][0]} của kỳ đánh giá năm {self.period.year}; "
            f"{self.changed} điểm thay đổi."
        )


def _stage_open(period: Period, stage: str) -> None:
    if stage not in STAGES:
        raise ImportRejected([RowError(0, "", f"Giai đoạn nhập điểm '{stage}' không hợp lệ (self, appraisal, final, survey).")])
    label, phases = STAGES[stage]
    if period.phase not in phases:
        allowed = ", ".join(Phase(p).label for p in phases)
        raise ImportRejected(
            [
                RowError(
                    0,
                    "",
                    f"Chưa thể nhập điểm {label}: kỳ đánh giá năm {period.year} đang ở giai đoạn {period.get_phase_display()} "
                    f"(chỉ nhập trong giai đoạn {allowed}).",
                )
            ]
        )


@transaction.atomic
def scores_import(*, table: Table, period: Period, stage: str, actor, source: str = "") -> ScoreImportResult:
    """Write one stage's scores from `unit_code,criterion_code,score,note` rows. `score` may be
    `NA` (not applicable, where the criterion allows it); `0,5` and `0.5` are both read.
    Every row is checked against the criterion's rule and max, as a save in the browser is."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    _stage_open(period, stage)
    if not table.rows:
        raise ImportRejected([RowError(0, "", "Tệp không có dòng điểm nào.")])
    # The same locks as a save in the browser: no row changes under the import.
    assessments = {
        a.unit.code: a
        for a in Assessment.objects.select_for_update(of=("self",)).filter(period=period).select_related("unit", "framework__block", "period")
    }
    known_units = set(Unit.objects.filter(code__in=[row["unit_code"].strip() for _, row in table.rows]).values_list("code", flat=True))
    criteria = {}
    parents = set()
    for criterion in Criterion.objects.filter(framework__period=period).select_related("framework__block"):
        criteria[(criterion.framework_id, criterion.code)] = criterion
        if criterion.parent_id:
            parents.add(criterion.parent_id)
    scores = {
        (s.assessment_id, s.criterion_id): s for s in Score.objects.select_for_update(of=("self",)).filter(assessment__period=period)
    }
    errors: list[RowError] = []
    planned: list[tuple[int, Score, dict]] = []
    seen: dict[tuple[str, str], int] = {}
    allowed_kinds = SCORED_KINDS_BY_STAGE[stage]
    for number, row in table.rows:
        unit_code, code = row["unit_code"].strip(), row["criterion_code"].strip()
        score_text, note = (row.get("score") or "").strip(), nfc(row.get("note") or "")
        if not unit_code:
            errors.append(RowError(number, "unit_code", "Chưa có mã đơn vị."))
            continue
        assessment = assessments.get(unit_code)
        if assessment is None:
            message = (
                f"Đơn vị '{unit_code}' không có phiếu đánh giá trong kỳ đánh giá năm {period.year}."
                if unit_code in known_units
                else f"Không có đơn vị mã '{unit_code}'."
            )
            errors.append(RowError(number, "unit_code", message))
            continue
        criterion = criteria.get((assessment.framework_id, code))
        if criterion is None:
            errors.append(RowError(number, "criterion_code", f"Bộ chỉ số của {assessment.framework.block.name} năm {period.year} không có tiêu chí '{code}'."))
            continue
        if criterion.pk in parents:
            errors.append(RowError(number, "criterion_code", f"Tiêu chí {code} có tiêu chí con; chỉ nhập điểm cho tiêu chí được chấm (không có tiêu chí con)."))
            continue
        if criterion.kind not in allowed_kinds:
            errors.append(
                RowError(number, "criterion_code", f"Tiêu chí {code} thuộc loại {KIND_NAMES[criterion.kind]}, không nhập ở giai đoạn {STAGES[stage][0]}.")
            )
            continue
        key = (unit_code, code)
        if key in seen:
            errors.append(RowError(number, "criterion_code", f"Trùng đơn vị {unit_code}, tiêu chí {code} với dòng {seen[key]}."))
            continue
        seen[key] = number
        score = scores.get((assessment.pk, criterion.pk))
        if score is None:
            errors.append(RowError(number, "criterion_code", f"Phiếu của {assessment.unit.name} chưa có dòng điểm tiêu chí {code}."))
            continue
        score.criterion = criterion
        score.assessment = assessment
        na = score_text.lower() in NA_WORDS
        if not na and not score_text and stage != "final":
            errors.append(RowError(number, "score", "Chưa có điểm (ghi NA nếu tiêu chí không áp dụng)."))
            continue
        # The same check of the values as a save of the row in the browser.
        try:
            inputs = None
            computed = criterion.computed if not na and score_text else None
            if computed is not None:
                try:
                    inputs = figures_from_text(computed, score_text)
                except ComputeError as exc:
                    raise ScoringError(f"Tiêu chí {code}: {exc}") from None
                score_text = ""
            values = VALIDATE[stage](score, "" if na else score_text, note, na, inputs)
        except ReasonRequired as exc:
            errors.append(RowError(number, "note", f"{exc} Ghi lý do ở cột note."))
            continue
        except ScoringError as exc:
            errors.append(RowError(number, "score", str(exc)))
            continue
        planned.append((number, score, values))
    if errors:
        raise ImportRejected(errors)

    now = timezone.now()
    fields = STAGE_FIELDS[stage]
    user = actor if getattr(actor, "is_authenticated", False) else None
    changed_scores, entries = [], []
    for number, score, values in planned:
        before = _snapshot(score, fields)
        for name, value in values.items():
            setattr(score, name, value)
        if stage == "appraisal":
            score.appraised_by, score.appraised_at = user, now
        elif stage == "final":
            score.finalized_by, score.finalized_at = user, now
        changes = diff_fields(before, _snapshot(score, fields))
        if not changes:
            continue
        score.version += 1
        score.updated_by = user
        changed_scores.append(score)
        entries.append(AuditEntry(target=score, changes=changes, reason=f"Nhập điểm {STAGES[stage][0]} từ tệp {source}, dòng {number}".strip()))
    update = fields + ["version", "updated_by", "updated_at"]
    if stage == "appraisal":
        update += ["appraised_by", "appraised_at"]
    elif stage == "final":
        update += ["finalized_by", "finalized_at"]
    for score in changed_scores:
        score.updated_at = now
    Score.objects.bulk_update(changed_scores, update, batch_size=500)
    audit_log_many(actor=user, action="score.import", entries=entries)
    if changed_scores:
        assessment_totals_refresh(period=period, assessment_ids={s.assessment_id for s in changed_scores})
        approval_void_if_stale(period=period, actor=user)
    return ScoreImportResult(period=period, stage=stage, rows=len(planned), changed=len(changed_scores))
