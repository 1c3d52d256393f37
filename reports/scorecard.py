"""Phiếu chấm điểm: one unit's assessment of one period printed criterion by criterion, with the
points of every stage, the reasons for each deduction and the totals, for the unit and the
council to sign."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.text import slugify

from scoring import scope as scoring_scope
from scoring.models import Assessment, Kind, Phase, Score, display_score
from scoring.selectors import assessment_totals, criteria_tree_for_framework
from scoring.tree import vn
from units.text import fold

from .errors import DocumentError
from .models import GeneratedDocument
from .rendering import normalise
from .spec import CliOption, DocumentSpec

ISSUER = "HỘI ĐỒNG THẨM ĐỊNH\nCHỈ SỐ CCHC TỈNH"
ZERO = Decimal("0")
NOT_APPLICABLE = "Không áp dụng"

# What the sheet may show depends on the period's phase, not on who prints it: one PDF is made per
# set of data and the unit downloads the same file as the council. A unit sees the council's
# scores from the explanation round on (as on its assessment page), so before that the sheet is
# the unit's self-assessment only; the final column appears once the council settles the scores.
SELF, APPRAISAL, FINAL = "self", "appraisal", "final"


def stage_of(phase: str) -> str:
    index = Phase.values.index(phase)
    if index < Phase.values.index(Phase.EXPLANATION):
        return SELF
    if index < Phase.values.index(Phase.FINALIZATION):
        return APPRAISAL
    return FINAL


def points(value: Decimal | None, *, negative: bool = False) -> str:
    """Points as the province writes them ('0,5', '12'); a deduction with its minus sign."""
    if value is None:
        return ""
    if negative and value:
        return "−" + vn(value)
    return vn(value)


def percent(value: Decimal, decimals: int = 2) -> str:
    """The index with the period's places and a decimal comma, as published: 88,35 (97,685)."""
    return display_score(value, decimals)


COLUMNS = ("self", "appraised", "final")


@dataclass
class Sums:
    """Points of the applicable leaves under a node per column, earned points and penalties apart
    (penalties sit outside a parent's maximum, see scoring.tree); None while no leaf has one."""

    earned: dict = field(default_factory=dict)
    penalties: dict = field(default_factory=dict)
    earning_leaves: int = 0
    penalty_leaves: int = 0

    def take(self, other: "Sums") -> None:
        for mine, theirs in ((self.earned, other.earned), (self.penalties, other.penalties)):
            for column, value in theirs.items():
                mine[column] = mine.get(column, ZERO) + value
        self.earning_leaves += other.earning_leaves
        self.penalty_leaves += other.penalty_leaves


def _not_applicable(score: Score, stage: str) -> bool:
    # Before the explanation round the sheet is the unit's own: its own "not applicable".
    return score.self_not_applicable if stage == SELF else score.not_applicable


def _reasons(score: Score, stage: str) -> list[str]:
    if _not_applicable(score, stage):
        return [NOT_APPLICABLE]
    if stage == SELF:
        return []
    lines = []
    if score.appraisal_reason.strip():
        lines.append(f"Thẩm định: {score.appraisal_reason.strip()}")
    if score.explanation.strip():
        lines.append(f"Giải trình: {score.explanation.strip()}")
    if score.council_note.strip():
        lines.append(f"Ý kiến Hội đồng: {score.council_note.strip()}")
    return lines


def _leaf_values(score: Score, stage: str) -> dict:
    """The columns this stage prints; the final column is the score that counts (final, else
    appraised, else self), since an empty final score means "as appraised"."""
    values = {"self": score.self_score}
    if stage != SELF:
        values["appraised"] = score.appraised_score
    if stage == FINAL:
        values["final"] = score.effective_score
    return {column: value for column, value in values.items() if value is not None}


def _rows(assessment: Assessment, stage: str) -> list[dict]:
    """Every node of the framework in code order: fields and criteria as group rows with the sums
    of their leaves, leaves with their scores and reasons."""
    tree = criteria_tree_for_framework(assessment.framework)
    scores = {s.criterion_id: s for s in Score.objects.filter(assessment=assessment)}
    rows: list[dict] = []

    def visit(node, depth: int) -> Sums:
        deduction = node.kind == Kind.DEDUCTION
        row = {"group": bool(node.tree_children), "level": min(depth, 3), "code": node.code, "title": node.title, "deduction": deduction}
        rows.append(row)
        sums = Sums()
        if node.tree_children:
            for child in node.tree_children:
                sums.take(visit(child, depth + 1))
            # A parent made only of penalties (the "Điểm trừ" field) shows what was deducted.
            penalties_only = deduction or (sums.penalty_leaves and not sums.earning_leaves)
            shown = sums.penalties if penalties_only else sums.earned
            if node.outside_max:
                # The max of a bonus or deduction parent caps what its items add up to.
                shown = {column: min(value, node.max_score) for column, value in shown.items()}
            row.update({column: points(shown.get(column), negative=bool(penalties_only)) for column in COLUMNS})
            row.update(max="" if penalties_only else points(node.max_score), deduction=bool(penalties_only))
            return sums
        score = scores.get(node.pk)
        row.update({column: "" for column in COLUMNS})
        row.update(max=points(node.max_score, negative=deduction), na=bool(score and _not_applicable(score, stage)), reasons=[])
        if score is None:
            # A criterion added after the assessment was opened has no row yet: printed, unscored.
            return sums
        row["reasons"] = _reasons(score, stage)
        if _not_applicable(score, stage):
            return sums
        values = _leaf_values(score, stage)
        row.update({column: points(value, negative=deduction) for column, value in values.items()})
        if deduction:
            sums.penalties, sums.penalty_leaves = values, 1
        else:
            # The self column adds up what the unit itself scores; survey points are not theirs.
            sums.earned = {c: v for c, v in values.items() if c != "self" or node.is_self_claimed}
            sums.earning_leaves = 1
        return sums

    for root in tree.roots:
        visit(root, 1)
    return rows


def _load(assessment: Assessment) -> Assessment:
    loaded = Assessment.objects.select_related("period", "unit", "framework__block").filter(pk=assessment.pk).first()
    if loaded is None:
        raise DocumentError("Phiếu đánh giá không còn tồn tại.")
    if loaded.period.phase == Phase.DRAFT:
        raise DocumentError("Kỳ đánh giá còn ở giai đoạn dự thảo: chưa có điểm để in phiếu.")
    return loaded


def build_context(assessment: Assessment) -> dict:
    """The scorecard as plain data: every row and figure already worded and formatted."""
    assessment = _load(assessment)
    period, unit = assessment.period, assessment.unit
    # The block the unit was scored in that year (its framework's), not the one it is in today.
    block = assessment.framework.block
    stage = stage_of(period.phase)
    province = settings.PROVINCE_NAME
    rows = _rows(assessment, stage)
    totals = assessment_totals(assessment, self_only=stage == SELF)
    na_rows = [r for r in rows if r.get("na")]

    approved = period.phase == Phase.APPROVED
    score_label = {SELF: "Tổng điểm tự đánh giá", APPRAISAL: "Tổng điểm sau thẩm định", FINAL: "Tổng điểm"}[stage]
    index_label = {SELF: "Tỷ lệ điểm tự đánh giá", APPRAISAL: "Chỉ số CCHC (tạm tính theo điểm thẩm định)", FINAL: "Chỉ số CCHC"}[stage]
    status = {
        SELF: "Kết quả tự đánh giá của đơn vị",
        APPRAISAL: "Kết quả thẩm định, đơn vị giải trình; chưa phải kết quả cuối cùng",
        FINAL: "Kết quả đã được phê duyệt" if approved else "Kết quả do Hội đồng thẩm định hoàn thiện, chưa phê duyệt",
    }[stage]
    summary = [
        {"label": score_label, "value": f"{points(totals.score)} / {points(totals.maximum)} điểm"},
        {"label": index_label, "value": f"{percent(totals.index, totals.decimals)}%"},
    ]
    if totals.deducted:
        summary.insert(1, {"label": "Trong đó điểm trừ", "value": f"{points(totals.deducted, negative=True)} điểm"})
    if totals.bonus:
        summary.insert(1, {"label": "Trong đó điểm thưởng", "value": f"+{points(totals.bonus)} điểm"})
    if na_rows:
        summary.append(
            {
                "label": "Tiêu chí không áp dụng",
                "value": f"{len(na_rows)} ({', '.join(r['code'] for r in na_rows)}), không tính vào điểm tối đa của đơn vị",
            }
        )
    if approved:
        summary.append({"label": "Xếp loại", "value": period.classify(totals.index)})

    if stage == SELF:
        signatures = [{"lines": ["NGƯỜI LẬP PHIẾU"], "note": "(Ký, ghi rõ họ tên)"}, {"lines": ["THỦ TRƯỞNG ĐƠN VỊ"], "note": "(Ký, ghi rõ họ tên, đóng dấu)"}]
    else:
        signatures = [{"lines": ["ĐẠI DIỆN ĐƠN VỊ"], "note": "(Ký, ghi rõ họ tên)"}, {"lines": ["TM. HỘI ĐỒNG THẨM ĐỊNH"], "note": "(Ký, ghi rõ họ tên)"}]

    context = {
        # No dcterms date: the sheet is dated by hand when signed, and a date taken from the rows'
        # timestamps would change the fingerprint with saves that change nothing printed.
        "meta": {"title": f"Phiếu chấm điểm Chỉ số CCHC năm {period.year} — {unit.name}", "created": ""},
        "agency_parent": f"UBND TỈNH {province.upper()}",
        "agency": ISSUER,
        "number": "",
        "place_date": f"{province}, ngày …… tháng …… năm ……",
        "year": period.year,
        "doc_type": f"PHIẾU CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {period.year}",
        "unit_name": unit.name,
        "block_name": block.name if fold(block.name).startswith("khoi ") else f"Khối {block.name}",
        "status": status,
        "stage": stage,
        "headers": [
            "Mã",
            "Lĩnh vực, tiêu chí, tiêu chí thành phần",
            "Điểm\ntối đa",
            "Điểm tự\nđánh giá",
            *(["Điểm\nthẩm định"] if stage != SELF else []),
            *(["Điểm\ncuối cùng"] if stage == FINAL else []),
            "Lý do trừ điểm, giải trình, ý kiến Hội đồng" if stage != SELF else "Ghi chú",
        ],
        "show_appraised": stage != SELF,
        "show_final": stage == FINAL,
        "rows": rows,
        "summary": summary,
        "signatures": signatures,
        "file_stem": f"phieu-cham-diem-{period.year}-{slugify(fold(unit.code))}",
    }
    return normalise(context)


def visible_assessments(user):
    """The assessments of the assessment pages' scope (scoring.scope): staff every one, the unit
    its own, a council member the units they appraise (not their own, none they stood aside
    from), a leader those of published years."""
    return scoring_scope.scorecards_for_user(user)


def can_request(user, assessment: Assessment) -> bool:
    return user.has_perm("reports.request_scorecard", assessment)


def subject_from_cli(options: dict) -> Assessment:
    code = options["unit"].strip()
    assessment = Assessment.objects.filter(period__year=options["year"], unit__code__iexact=code).first()
    if assessment is None:
        raise DocumentError(f"Không có phiếu đánh giá của đơn vị {code} năm {options['year']}.")
    return assessment


SPEC = DocumentSpec(
    kind=GeneratedDocument.Kind.SCORECARD,
    subject_model=Assessment,
    template="reports/documents/scorecard.html",
    build_context=build_context,
    title=lambda c: f"Phiếu chấm điểm Chỉ số CCHC năm {c['year']}: {c['unit_name']}"[:255],
    filename=lambda c: c["file_stem"] + ".pdf",
    visible_subjects=visible_assessments,
    can_request=can_request,
    cli_options=(
        CliOption("--year", int, "năm đánh giá, ví dụ 2023"),
        CliOption("--unit", str, "mã đơn vị, ví dụ STTTT"),
    ),
    subject_from_cli=subject_from_cli,
    short_label="Phiếu chấm điểm",
    requesters="Sở Nội vụ, thành viên Hội đồng thẩm định hoặc cán bộ đầu mối của đơn vị",
)
