"""Demo data of the scoring app: the 2023 and 2024 periods with a framework for each block,
read from the CSV files in `data/` (the same format staff import), and a scoring cycle: 2023
approved with realistic scores for every unit (deductions, explanations, not-applicable items,
survey points), 2024 in appraisal with most units submitted and part of the appraisal done.

2026, the first full year of the two-tier province, is in `demo_reform.py` (`seed_2026`).

Scores are written in bulk (a few thousand rows, with their history rows) so that seeding stays
fast; phases move through the real service, which opens and closes the assessments."""

import datetime
import random
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import AuditEntry, audit_log_many, diff_fields
from cchc.tabular import read_table
from units import roles
from units.models import Block, User

from .models import AppraisalAssignment, Assessment, Evidence, Kind, Period, Phase, Score, format_score
from .services import (
    FRAMEWORK_COLUMNS,
    FRAMEWORK_IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    approval_record,
    approval_set_decision,
    assessment_totals_refresh,
    framework_import,
    period_move,
    period_reopen,
    period_update,
)

DATA = Path(__file__).resolve().parent / "data"
BLOCK_FILES = ["framework-so-nganh.csv", "framework-ubnd-huyen.csv", "framework-ubnd-xa.csv", "framework-co-quan-tw.csv"]
# Hà Tĩnh's decision on the index (QĐ 519/QĐ-UBND for 2023) covered the sở, the districts and the
# central agencies: each district approved its own communes' index until the 2025 reform.
DECISION_BLOCKS = ["so-nganh", "ubnd-huyen", "co-quan-tw"]

# Illustrative plan numbers: the demo must look like a real year without quoting real documents.
PERIODS = {
    2023: {
        "title": "Chỉ số cải cách hành chính năm 2023",
        "legal_basis": "Kế hoạch số 58/KH-UBND ngày 15/02/2023 của UBND tỉnh về xác định Chỉ số CCHC năm 2023 "
        "của các sở, ban, ngành, UBND cấp huyện, UBND cấp xã và các cơ quan Trung ương đóng trên địa bàn.",
        "draft_deadline": datetime.date(2023, 3, 15),
        "self_assessment_deadline": datetime.date(2023, 12, 15),
        "appraisal_deadline": datetime.date(2024, 1, 10),
        "explanation_deadline": datetime.date(2024, 1, 17),
        "finalization_deadline": datetime.date(2024, 2, 5),
    },
    2024: {
        "title": "Chỉ số cải cách hành chính năm 2024",
        "legal_basis": "Kế hoạch số 41/KH-UBND ngày 05/02/2024 của UBND tỉnh về xác định Chỉ số CCHC năm 2024.",
        "draft_deadline": datetime.date(2024, 3, 15),
        "self_assessment_deadline": datetime.date(2024, 12, 13),
        "appraisal_deadline": datetime.date(2025, 1, 10),
        "explanation_deadline": datetime.date(2025, 1, 17),
        "finalization_deadline": datetime.date(2025, 2, 7),
    },
}


def framework_table(files=BLOCK_FILES):
    """The blocks' files as one import table (one header, rows numbered as in a single file)."""
    short, wide = ",".join(FRAMEWORK_COLUMNS), ",".join(FRAMEWORK_IMPORT_COLUMNS)
    texts = {name: (DATA / name).read_text(encoding="utf-8").splitlines() for name in files}
    for name, lines in texts.items():
        assert lines[0] in (short, wide), f"{name}: unexpected header"
    # A file with computed rows has the two optional columns: the others' rows get them empty.
    header = wide if any(lines[0] == wide for lines in texts.values()) else short
    pad = "," * (len(FRAMEWORK_IMPORT_COLUMNS) - len(FRAMEWORK_COLUMNS)) if header == wide else ""
    body = []
    for lines in texts.values():
        extra = pad if lines[0] == short else ""
        body.extend(line + extra for line in lines[1:] if line.strip())
    data = (header + "\n" + "\n".join(body) + "\n").encode("utf-8")
    return read_table(data, "demo.csv", header.split(","), required=REQUIRED_COLUMNS)


@transaction.atomic
def seed(stdout) -> None:
    """Create the demo periods once; a period that already has frameworks is left as it is.
    Then run the scoring cycle: 2023 to approved, 2024 to appraisal (see `demo_cycle`)."""
    for year, fields in PERIODS.items():
        period = Period.objects.filter(year=year).first()
        if period is not None and period.frameworks.exists():
            stdout.write(f"Kỳ đánh giá {year}: đã có, giữ nguyên.")
            continue
        result = framework_import(table=framework_table(), year=year, actor=None, source="dữ liệu mẫu")
        period_update(actor=None, period=result.period, decision_blocks=Block.objects.filter(code__in=DECISION_BLOCKS), **fields)
        stdout.write(f"Kỳ đánh giá {year}: {result}")
    seed_cycle(stdout)


def seed_2026(stdout) -> None:
    """The first full year of the two-tier province, once the 2025 reform is loaded."""
    from .demo_reform import seed

    seed(stdout)


# --- The scoring cycle ---------------------------------------------------------------------------

# How well each unit did, 0..1: the share of sub-criteria at full marks, roughly. The published
# 2023 results: Sở KH&CN, Sở TT&TT, Sở Ngoại vụ top of the departments; TP Hà Tĩnh, TX Kỳ Anh,
# Thạch Hà top districts; Cục Hải quan, Công an, Cục Thuế top central agencies.
QUALITY = {
    "SKHCN": 0.99, "STTTT": 0.98, "SNGV": 0.97, "SCT": 0.95, "STC": 0.95,
    "TP-HT": 0.99, "TX-KA": 0.98, "H-TH": 0.97, "TX-HL": 0.95, "H-CX": 0.95, "H-HS": 0.94,
    "TW-HQ": 0.995, "TW-CA": 0.985, "TW-THUE": 0.975, "TW-NHNN": 0.95, "TW-BHXH": 0.945, "TW-KBNN": 0.94,
}
REASONS = {
    "1": "Kế hoạch CCHC ban hành chậm so với hướng dẫn của tỉnh; báo cáo kết quả chưa đủ số liệu chứng minh mức hoàn thành.",
    "2": "Báo cáo theo dõi thi hành pháp luật chưa đầy đủ nội dung theo hướng dẫn của Sở Tư pháp.",
    "3": "Số liệu trên Hệ thống thông tin giải quyết TTHC của tỉnh thấp hơn số liệu đơn vị tự chấm.",
    "4": "Chưa cung cấp văn bản phân cấp, ủy quyền và báo cáo kiểm tra việc thực hiện.",
    "5": "Kế hoạch đào tạo, bồi dưỡng chưa hoàn thành 100%; chưa có báo cáo kết quả.",
    "6": "Tỷ lệ giải ngân theo số liệu Kho bạc Nhà nước thấp hơn mức đơn vị tự chấm.",
    "7": "Tỷ lệ hồ sơ trực tuyến toàn trình theo Cổng dịch vụ công thấp hơn số liệu đơn vị báo cáo.",
}
DEFAULT_REASON = "Tài liệu kiểm chứng chưa chứng minh được mức điểm đơn vị tự chấm."
SELF_NOTES = [
    "Đã thực hiện đầy đủ theo kế hoạch; chi tiết tại báo cáo kèm theo.",
    "Hoàn thành đúng thời hạn, có văn bản kèm theo.",
    "Số liệu tổng hợp đến ngày 30/11; xem biểu kèm theo báo cáo.",
]
EXPLANATION = (
    "Đơn vị bổ sung Báo cáo số {n}/BC-{unit} chứng minh đã hoàn thành nội dung này trong năm; "
    "đề nghị Hội đồng xem xét giữ nguyên điểm tự chấm."
)
ACCEPTED = "Chấp nhận giải trình: tài liệu bổ sung hợp lệ, ban hành trong năm đánh giá."
REFUSED = "Không chấp nhận giải trình: tài liệu bổ sung ban hành sau thời điểm đánh giá."
SUBMIT_NOTE = "Một số tài liệu kiểm chứng lưu trên hệ thống quản lý văn bản của đơn vị, đã gửi kèm bản giấy về Sở Nội vụ."
# A tiny but valid PDF: evidence files of the demo.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TENTHS = Decimal("0.01")


def _users() -> dict:
    return {u.username: u for u in User.objects.filter(username__in=["sonv", "hoidong.stp", "hoidong.snv"])}


def _editors() -> dict[int, User]:
    return {u.unit_id: u for u in User.objects.filter(groups__name=roles.UNIT_EDITOR).order_by("pk")}


def _levels(criterion) -> list[Decimal]:
    levels = [value for value, _ in criterion.allowed_values()]
    if not levels:
        levels = [criterion.max_score, (criterion.max_score / 2).quantize(Decimal("0.25")), Decimal("0")]
    return levels


def _quality(unit, year: int) -> float:
    rng = random.Random(f"q-{unit.code}")
    base = QUALITY.get(unit.code, 0.80 + rng.random() * 0.11)
    return min(base + (0.01 if year == 2024 else 0), 0.999)


def _plan(assessment: Assessment, rows: list[Score], year: int) -> None:
    """Decide every row's self, appraised, explained and final values in memory."""
    rng = random.Random(f"{year}-{assessment.unit.code}")
    quality = _quality(assessment.unit, year)
    self_rows = [r for r in rows if r.criterion.kind == Kind.SELF]
    # A fixed number of marked-down rows per unit (rather than a coin per row) keeps the
    # ranking close to the quality above.
    listed = assessment.unit.code in QUALITY
    count = min(len(self_rows), round((1 - quality) * len(self_rows) * 2.5))
    if listed:
        # The units of the published ranking lose their points on the smallest steps, so that
        # their order follows QUALITY rather than the luck of which rows were drawn.
        def drop(i):
            levels = _levels(self_rows[i].criterion)
            return (levels[0] - levels[1] if len(levels) > 1 else Decimal("99"), rng.random())

        marked = set(sorted(range(len(self_rows)), key=drop)[:count])
    else:
        marked = set(rng.sample(range(len(self_rows)), k=count))
    for i, row in enumerate(self_rows):
        levels = _levels(row.criterion)
        row.plan_na = row.criterion.na_allowed and not listed and rng.random() < 0.1
        row.plan_note, row.plan_reason, row.plan_explained, row.plan_accepted = "", "", False, False
        if row.plan_na:
            row.plan_self = row.plan_appraised = None
            continue
        top = levels[0]
        lower = levels[1] if len(levels) > 1 else top
        row.plan_self = top
        row.plan_appraised = lower if i in marked else row.plan_self
        row.plan_note = rng.choice(SELF_NOTES)
        row.plan_reason = REASONS.get(row.criterion.code.split(".")[0], DEFAULT_REASON) if row.plan_appraised < row.plan_self else ""
        row.plan_explained = row.plan_appraised < row.plan_self and rng.random() < 0.35
        row.plan_accepted = row.plan_explained and not listed and rng.random() < 0.5
    for row in rows:
        if row.criterion.kind == Kind.DEDUCTION:
            late = quality < 0.86 and row.criterion.code.endswith(".1") and rng.random() < 0.6
            row.plan_appraised = Decimal("0.5") * rng.randint(1, 2) if late else Decimal("0")
            row.plan_reason = "Chậm gửi báo cáo CCHC quý III theo Văn bản đôn đốc của UBND tỉnh." if late else ""
            row.plan_na = False
        elif row.criterion.kind == Kind.SURVEY:
            share = Decimal(str(min(0.99, 0.70 + quality * 0.25 + rng.uniform(-0.005, 0.005))))
            row.plan_survey = (row.criterion.max_score * share).quantize(TENTHS)
            row.plan_na = False


class _History:
    """Audit rows for the demo's bulk writes, so that each score shows its history.

    Written action by action in the order the stages first used them, then actor by actor: a
    row's explanation goes in before its final score, as the timeline reads them."""

    def __init__(self):
        self.entries: dict[str, dict[User | None, list[AuditEntry]]] = {}

    def add(self, actor, action: str, score: Score, before: dict, after: dict, reason: str = ""):
        changes = diff_fields(before, after)
        if changes:
            self.entries.setdefault(action, {}).setdefault(actor, []).append(AuditEntry(target=score, changes=changes, reason=reason))

    def save(self):
        for action, by_actor in self.entries.items():
            for actor, entries in by_actor.items():
                audit_log_many(actor=actor, action=action, entries=entries)
        self.entries = {}


def _update(rows: list[Score], fields: list[str]) -> None:
    """Write `fields` of `rows` with one UPDATE per distinct set of values (a few dozen per stage)
    rather than a row-by-row CASE, which is what makes bulk_update slow on thousands of rows."""
    groups: dict[tuple, list[int]] = {}
    values_of: dict[tuple, tuple] = {}
    for row in rows:
        values = tuple(getattr(row, Score._meta.get_field(name).attname) for name in fields)
        # A computed row's figures are a dict: grouped by their sorted items.
        key = tuple(tuple(sorted(v.items())) if isinstance(v, dict) else v for v in values)
        groups.setdefault(key, []).append(row.pk)
        values_of.setdefault(key, values)
    for key, pks in groups.items():
        values = {Score._meta.get_field(name).attname: value for name, value in zip(fields, values_of[key])}
        for start in range(0, len(pks), 500):
            Score.objects.filter(pk__in=pks[start : start + 500]).update(version=F("version") + 1, **values)


def _vn(value):
    return None if value is None else format_score(value).replace(".", ",")


def _load(period: Period) -> dict[int, list[Score]]:
    by_assessment: dict[int, list[Score]] = {}
    assessments = {a.pk: a for a in Assessment.objects.filter(period=period).select_related("unit", "period", "framework")}
    for score in Score.objects.filter(assessment__period=period).select_related("criterion").order_by("criterion__order", "pk"):
        score.assessment = assessments[score.assessment_id]
        by_assessment.setdefault(score.assessment_id, []).append(score)
    return by_assessment


# The blocks whose frameworks number their fields alike (the communes' block of 2026 too).
NUMBERED_ALIKE = ["so-nganh", "ubnd-huyen", "ubnd-xa", "ubnd-xa-phuong"]


def _assign(period: Period, users: dict) -> dict[tuple[int, str], User]:
    """hoidong.stp appraises cải cách thể chế (field 2 of the departments', districts' and
    communes' frameworks); hoidong.snv chỉ đạo điều hành, tổ chức bộ máy and công vụ (1, 4, 5)
    there, and chỉ đạo điều hành (1) of the central agencies, whose framework numbers differently.
    A block the period does not have is skipped."""
    plan = [("hoidong.stp", "2", NUMBERED_ALIKE)]
    plan += [("hoidong.snv", code, NUMBERED_ALIKE) for code in ("1", "4", "5")]
    plan += [("hoidong.snv", "1", ["co-quan-tw"])]
    blocks = {f.block.code: f.block for f in period.frameworks.select_related("block")}
    by_field = {}
    for username, code, block_codes in plan:
        member = users.get(username)
        for block_code in block_codes:
            if member is None or block_code not in blocks:
                continue
            AppraisalAssignment.objects.get_or_create(period=period, member=member, field_code=code, block=blocks[block_code])
            by_field[(blocks[block_code].pk, code)] = member
    return by_field


def _self_stage(rows_by, editors, history: _History, *, skip_units=(), partial_units=()) -> None:
    changed = []
    for rows in rows_by.values():
        unit = rows[0].assessment.unit
        if unit.code in skip_units:
            continue
        editor = editors.get(unit.pk)
        for i, row in enumerate(r for r in rows if r.criterion.kind == Kind.SELF):
            if unit.code in partial_units and i % 3 == 0:
                continue
            before = {"self_score": None, "self_note": "", "not_applicable": False}
            row.not_applicable = row.self_not_applicable = row.plan_na
            row.self_score = row.plan_self
            row.self_note = "" if row.plan_na else row.plan_note
            row.updated_by = editor
            history.add(editor, "score.self", row, before, {"self_score": _vn(row.self_score), "self_note": row.self_note, "not_applicable": row.not_applicable})
            changed.append(row)
    _update(changed, ["self_score", "self_note", "not_applicable", "self_not_applicable", "updated_by"])


def _submit(period: Period, rows_by, editors, *, skip_units=()) -> None:
    deadline = period.self_assessment_deadline
    for rows in rows_by.values():
        assessment = rows[0].assessment
        if assessment.unit.code in skip_units:
            continue
        day = deadline - datetime.timedelta(days=random.Random(assessment.unit.code).randint(0, 6))
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
        assessment.submitted_by = editors.get(assessment.unit_id)
        has_files = assessment.unit.code in ("STTTT", "SKHCN")
        assessment.submit_note = "" if has_files else SUBMIT_NOTE
    Assessment.objects.bulk_update(
        [rows[0].assessment for rows in rows_by.values() if rows[0].assessment.unit.code not in skip_units],
        ["status", "submitted_at", "submitted_by", "submit_note"],
    )


def _appraise(rows_by, by_field, staff, history: _History, *, when, only=None) -> None:
    changed = []
    for rows in rows_by.values():
        for row in rows:
            if row.criterion.kind == Kind.SURVEY or row.self_score is None and row.criterion.kind == Kind.SELF and not row.not_applicable:
                continue
            field = row.criterion.code.split(".")[0]
            if only is not None and not only(row.assessment.unit, field):
                continue
            actor = by_field.get((row.assessment.framework.block_id, field), staff)
            before = {"appraised_score": None, "appraisal_reason": ""}
            row.appraised_score = row.plan_appraised
            row.appraisal_reason = row.plan_reason
            row.appraised_by, row.appraised_at, row.updated_by = actor, when, actor
            history.add(actor, "score.appraisal", row, before, {"appraised_score": _vn(row.appraised_score), "appraisal_reason": row.appraisal_reason})
            changed.append(row)
    _update(changed, ["appraised_score", "appraisal_reason", "appraised_by", "appraised_at", "updated_by"])


def _explain_and_finalize(rows_by, editors, by_field, staff, history: _History, *, explained_at, final_at) -> None:
    explained, finals, surveys = [], [], []
    for rows in rows_by.values():
        unit = rows[0].assessment.unit
        editor = editors.get(unit.pk)
        for n, row in enumerate(rows, start=1):
            if row.criterion.kind == Kind.SURVEY:
                before = {"appraised_score": None, "final_score": None}
                row.appraised_score = row.final_score = row.plan_survey
                history.add(staff, "score.import", row, before, {"appraised_score": _vn(row.plan_survey), "final_score": _vn(row.plan_survey)},
                            reason="Nhập điểm điều tra xã hội học từ tệp ket-qua-dieu-tra-xhh.xlsx")
                surveys.append(row)
                continue
            if row.criterion.kind != Kind.SELF or not getattr(row, "plan_explained", False):
                continue
            row.explanation = EXPLANATION.format(n=40 + n, unit=unit.code)
            row.explained_at, row.updated_by = explained_at, editor
            history.add(editor, "score.explanation", row, {"explanation": ""}, {"explanation": row.explanation})
            explained.append(row)
            actor = by_field.get((row.assessment.framework.block_id, row.criterion.code.split(".")[0]), staff)
            row.final_score = row.self_score if row.plan_accepted else None
            row.council_note = ACCEPTED if row.plan_accepted else REFUSED
            row.explanation_verdict = Score.Verdict.ACCEPTED if row.plan_accepted else Score.Verdict.REFUSED
            row.explanation_verdict_by, row.explanation_verdict_at = actor, final_at
            row.finalized_by, row.finalized_at, row.updated_by = actor, final_at, actor
            history.add(
                actor, "score.final", row, {"final_score": None, "council_note": "", "explanation_verdict": ""},
                {"final_score": _vn(row.final_score), "council_note": row.council_note, "explanation_verdict": row.explanation_verdict},
            )
            finals.append(row)
    _update(surveys, ["appraised_score", "final_score"])
    _update(
        explained,
        ["explanation", "explained_at", "final_score", "council_note", "explanation_verdict", "explanation_verdict_by", "explanation_verdict_at",
         "finalized_by", "finalized_at", "updated_by"],
    )


def _evidence(rows_by, editors, unit_codes) -> int:
    """Small PDF files on the rows that require evidence, for the units of the demo logins."""
    count = 0
    for rows in rows_by.values():
        unit = rows[0].assessment.unit
        if unit.code not in unit_codes:
            continue
        year = rows[0].assessment.period.year
        for n, row in enumerate(rows, start=1):
            if row.criterion.kind != Kind.SELF or not row.criterion.evidence_required or row.not_applicable:
                continue
            evidence = Evidence(
                score=row, stage=Evidence.Stage.SELF, original_name=f"Báo cáo {row.criterion.code} — {unit.display_name} năm {year}.pdf",
                size=len(PDF), content_type="application/pdf", doc_number=f"{n}/BC-{unit.code}",
                doc_date=datetime.date(year, 11, min(28, n % 28 + 1)), page_ref=str(n % 5 + 1), uploaded_by=editors.get(unit.pk),
            )
            evidence.file.save(f"bao-cao-{row.criterion.code}.pdf", ContentFile(PDF), save=False)
            evidence.save()
            count += 1
    return count


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _approve_2023(staff, period: Period) -> Period:
    """The council approves first, then staff enter the decision, then the period moves on: the
    same services and checks as on the results page (illustrative signer)."""
    approval = approval_record(
        actor=staff, period=period, council_approved_on=datetime.date(2024, 2, 20),
        minutes_ref="Biên bản họp Hội đồng thẩm định ngày 20/02/2024",
    )
    approval_set_decision(
        actor=staff, approval=approval, decision_number="519/QĐ-UBND", decision_date=datetime.date(2024, 2, 23),
        signer_name="Trần Báu Hà", signer_title="Phó Chủ tịch",
    )
    return period_move(actor=staff, period=period, to_phase=Phase.APPROVED, reason="Quyết định số 519/QĐ-UBND ngày 23/02/2024 của UBND tỉnh")


@transaction.atomic
def seed_cycle(stdout) -> None:
    users = _users()
    staff = users.get("sonv")
    editors = _editors()
    history = _History()

    period = Period.objects.filter(year=2023).first()
    if period is not None and period.phase == Phase.DRAFT:
        period = period_move(actor=staff, period=period, to_phase=Phase.SELF_ASSESSMENT, reason="Theo Kế hoạch số 58/KH-UBND")
        by_field = _assign(period, users)
        rows_by = _load(period)
        for rows in rows_by.values():
            _plan(rows[0].assessment, rows, 2023)
        _self_stage(rows_by, editors, history)
        files = _evidence(rows_by, editors, ("STTTT", "SKHCN"))
        _submit(period, rows_by, editors)
        period = period_move(actor=staff, period=period, to_phase=Phase.APPRAISAL, reason="Hết hạn tự đánh giá")
        _appraise(rows_by, by_field, staff, history, when=_moment(period.appraisal_deadline - datetime.timedelta(days=3)))
        period = period_move(actor=staff, period=period, to_phase=Phase.EXPLANATION, reason="Gửi kết quả thẩm định cho các đơn vị")
        period = period_move(actor=staff, period=period, to_phase=Phase.FINALIZATION, reason="Hết hạn giải trình")
        _explain_and_finalize(
            rows_by, editors, by_field, staff, history,
            explained_at=_moment(period.explanation_deadline - datetime.timedelta(days=2)),
            final_at=_moment(period.finalization_deadline - datetime.timedelta(days=3)),
        )
        history.save()
        assessment_totals_refresh(period=period)  # the stages above wrote scores in bulk
        period = _approve_2023(staff, period)
        stdout.write(f"Kỳ đánh giá 2023: {len(rows_by)} phiếu đánh giá đã chấm, thẩm định, giải trình và phê duyệt; {files} tài liệu kiểm chứng.")
    else:
        stdout.write("Kỳ đánh giá 2023: đã qua dự thảo, giữ nguyên điểm.")
        if period is not None and period.phase == Phase.APPROVED and not period.approvals.exists():
            # A database seeded before approvals existed: give 2023 its approval the same way.
            period = period_reopen(actor=staff, period=period, to_phase=Phase.FINALIZATION, reason="Bổ sung hồ sơ phê duyệt (dữ liệu mẫu)")
            _approve_2023(staff, period)
            stdout.write("Kỳ đánh giá 2023: đã bổ sung việc Hội đồng thông qua và Quyết định số 519/QĐ-UBND.")

    period = Period.objects.filter(year=2024).first()
    if period is not None and period.phase == Phase.DRAFT:
        period = period_move(actor=staff, period=period, to_phase=Phase.SELF_ASSESSMENT, reason="Theo Kế hoạch số 41/KH-UBND")
        by_field = _assign(period, users)
        rows_by = _load(period)
        for rows in rows_by.values():
            _plan(rows[0].assessment, rows, 2024)
        # Cục Thuế never submitted (its editor still sees the page, read-only once closed); two
        # communes stopped half-way.
        late = ("TW-THUE", "X-MAIPHU", "X-THACHKIM")
        _self_stage(rows_by, editors, history, partial_units=late)
        files = _evidence(rows_by, editors, ("STTTT", "SKHCN"))
        _submit(period, rows_by, editors, skip_units=late)
        period = period_move(actor=staff, period=period, to_phase=Phase.APPRAISAL, reason="Hết hạn tự đánh giá ngày 13/12/2024")

        def half_done(unit, field):
            rank = random.Random(f"a-{unit.code}-{field}").random()
            return (field == "2" and rank < 0.5) or (field in ("1", "4", "5") and rank < 0.35)

        _appraise(rows_by, by_field, staff, history, when=_moment(datetime.date(2025, 1, 6)), only=half_done)
        history.save()
        assessment_totals_refresh(period=period)
        stdout.write(f"Kỳ đánh giá 2024: {len(rows_by)} phiếu đánh giá, đang thẩm định; {files} tài liệu kiểm chứng.")
    else:
        stdout.write("Kỳ đánh giá 2024: đã qua dự thảo, giữ nguyên điểm.")
