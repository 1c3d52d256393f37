"""Benchmark data at national scale: N units over the existing blocks, one framework of M leaf
criteria per block and year, Y periods — the earlier ones approved, the latest one in
finalisation — and a scored assessment for every unit and year.

Everything the benchmark creates is recognisable, so that `clean()` removes exactly it: unit codes
start with `UNIT_PREFIX`, usernames with `USER_PREFIX`, period titles with `TITLE_PREFIX`.

Speed: the criteria trees are small and go through `bulk_create`; the score rows (N × M × Y, over
a million at N = 4,000) go through PostgreSQL's COPY, and through `bulk_create` in batches on any
other database (the test suite's SQLite). The earlier years are approved through the real
services from finalisation on (`approval_record`, `approval_set_decision`, `period_advance`), so
their Approval rows, snapshots and score fingerprints are exactly what the app would have made;
the phases before finalisation are not replayed (that would create every score row through the
ORM only to overwrite it)."""

import datetime
import io
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from scoring.models import AppraisalAssignment, Approval, Assessment, Criterion, Evidence, Framework, Kind, Period, Phase, RosterEntry, Score, format_score
from scoring.services import approval_record, approval_set_decision, assessment_totals_refresh, period_advance
from units import roles
from units.models import Block, Unit, UnitHead, User

UNIT_PREFIX = "BENCH-"
USER_PREFIX = "bench-"
TITLE_PREFIX = "[BENCH] "
# Hà Tĩnh before 2025: 20 sở, 13 huyện, 209 xã, 6 central agencies — so N = 250 looks like a
# real province, and N = 4,000 like a large one where the communes dominate the largest block.
BLOCK_SHARES = {"so-nganh": 20, "ubnd-huyen": 13, "ubnd-xa": 209, "co-quan-tw": 6}
QUARTER = Decimal("0.25")
CENT = Decimal("0.01")
STAFF, COUNCIL, EDITOR = USER_PREFIX + "staff", USER_PREFIX + "council", USER_PREFIX + "editor"
SCORE_COLUMNS = [
    "assessment_id", "criterion_id", "self_score", "self_note", "appraised_score", "appraisal_reason", "appraised_by_id",
    "appraised_at", "explanation", "explained_at", "explanation_verdict", "explanation_verdict_by_id", "explanation_verdict_at",
    "final_score", "council_note", "finalized_by_id", "finalized_at",
    "not_applicable", "self_not_applicable", "needs_reappraisal", "return_note", "version", "updated_by_id", "updated_at",
]
FIELD_TITLES = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
    "Thực hiện cơ chế một cửa, một cửa liên thông",
]


class SeedRefused(Exception):
    pass


@dataclass
class Seeded:
    """What the benchmark needs to find again: ids, not objects, so that it can reload them."""

    periods: list[int] = field(default_factory=list)
    units: int = 0
    criteria_per_framework: int = 0
    scores: int = 0
    seconds: float = 0.0


def is_bench_data_only() -> bool:
    """True when every unit and period of the database is the benchmark's own (or there are none)."""
    return not (
        Unit.objects.exclude(code__startswith=UNIT_PREFIX).exists()
        or Period.objects.exclude(title__startswith=TITLE_PREFIX).exists()
    )


def clean(stdout=None) -> None:
    """Remove every benchmark row. Score rows go by SQL: the ORM's cascade would first load the
    ids of a million rows."""
    periods = list(Period.objects.filter(title__startswith=TITLE_PREFIX).values_list("pk", flat=True))
    with transaction.atomic():
        if periods:
            assessments = Assessment.objects.filter(period_id__in=periods)
            Evidence.objects.filter(score__assessment__in=assessments).delete()
            score_table, assessment_table = Score._meta.db_table, Assessment._meta.db_table
            marks = ", ".join(["%s"] * len(periods))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {score_table} WHERE assessment_id IN (SELECT id FROM {assessment_table} WHERE period_id IN ({marks}))",
                    periods,
                )
            # Bench periods' own history (approval, phase): the rows would point at nothing.
            from django.contrib.contenttypes.models import ContentType

            AuditEvent.objects.filter(
                target_type=ContentType.objects.get_for_model(Period), target_id__in=[str(pk) for pk in periods]
            ).delete()
            Period.objects.filter(pk__in=periods).delete()
        User.objects.filter(username__startswith=USER_PREFIX).delete()
        Unit.objects.filter(code__startswith=UNIT_PREFIX).delete()
    vacuum()
    if stdout is not None:
        stdout.write(f"Đã xóa dữ liệu benchmark ({len(periods)} kỳ đánh giá).")


def vacuum() -> None:
    """Fresh statistics, and no dead rows left by a clean: a re-seed after a million deleted rows
    otherwise scans their pages and times the bloat, not the app."""
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Score._meta.db_table}")
        cursor.execute("ANALYZE")


# --- Frameworks ----------------------------------------------------------------------------------


def _split(total_steps: int, parts: int) -> list[int]:
    """`total_steps` shared by `parts` as evenly as whole steps allow (the first ones get one more)."""
    base, extra = divmod(total_steps, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Leaf:
    code: str
    kind: str
    max_score: Decimal
    rule: str = ""
    na_allowed: bool = False
    evidence_required: bool = False
    is_remediation: bool = False


def framework_shape(leaves: int) -> list[tuple[str, str, list[list[Leaf]]]]:
    """Fields → criteria → leaves for `leaves` leaf criteria: self-assessed fields worth 70 points,
    a survey field worth 30, and a field of penalties outside the 100 — the shape of the
    province's real frameworks. Maxima are quarter points and add up exactly at every level."""
    deductions = max(1, leaves // 20)
    surveys = max(1, leaves // 10)
    own = max(1, leaves - deductions - surveys)
    field_count = min(len(FIELD_TITLES), max(1, own // 10))
    shape = []
    own_per_field = _split(own, field_count)
    points_per_field = _split(int(Decimal(70) / QUARTER), field_count)
    number = 0
    for f, (count, steps) in enumerate(zip(own_per_field, points_per_field), start=1):
        leaf_steps = _split(steps, count)
        leaves_of_field = []
        for i, s in enumerate(leaf_steps):
            number += 1
            maximum = s * QUARTER
            half = maximum / 2
            rule = ""
            if number % 3 == 0 and half == half.quantize(CENT):
                rule = f"{format_score(maximum)}=Đầy đủ, đúng hạn; {format_score(half)}=Chưa đầy đủ hoặc chậm; 0=Không thực hiện"
            leaves_of_field.append(
                Leaf(
                    code="",
                    kind=Kind.SELF,
                    max_score=maximum,
                    rule=rule,
                    na_allowed=number % 7 == 0,
                    evidence_required=number % 2 == 0,
                    is_remediation=f == 1 and i == len(leaf_steps) - 1,
                )
            )
        shape.append((Kind.SELF, FIELD_TITLES[f - 1], _chunks(leaves_of_field, 4)))
    survey_leaves = [Leaf("", Kind.SURVEY, s * QUARTER) for s in _split(int(Decimal(30) / QUARTER), surveys)]
    shape.append((Kind.SELF, "Tác động của cải cách hành chính (điều tra xã hội học)", _chunks(survey_leaves, 4)))
    penalty = [Leaf("", Kind.DEDUCTION, Decimal(1 + i % 2)) for i in range(deductions)]
    shape.append((Kind.SELF, "Điểm trừ", [penalty]))
    return shape


def _build_frameworks(period: Period, blocks: list[Block], leaves: int) -> dict[int, list[Criterion]]:
    """The criteria of one framework per block, three bulk inserts (one per level) for all blocks.
    Returns the leaves of each framework, in tree order."""
    frameworks = Framework.objects.bulk_create([Framework(period=period, block=b) for b in blocks])
    shape = framework_shape(leaves)
    levels: list[list[tuple[Criterion, object]]] = [[], [], []]
    leaf_specs: dict[int, list[Criterion]] = {}
    for framework in frameworks:
        order = 0
        for f, (kind, title, groups) in enumerate(shape, start=1):
            order += 1
            node_max = sum((leaf.max_score for group in groups for leaf in group if leaf.kind != Kind.DEDUCTION), Decimal(0))
            top = Criterion(framework=framework, code=str(f), title=title, max_score=node_max, kind=kind, order=order)
            levels[0].append((top, None))
            for c, group in enumerate(groups, start=1):
                order += 1
                deduction = all(leaf.kind == Kind.DEDUCTION for leaf in group)
                mid_max = sum((leaf.max_score for leaf in group), Decimal(0)) if deduction else sum(
                    (leaf.max_score for leaf in group if leaf.kind != Kind.DEDUCTION), Decimal(0)
                )
                mid = Criterion(
                    framework=framework, code=f"{f}.{c}", title=f"Tiêu chí {f}.{c} của lĩnh vực {title.lower()}",
                    max_score=mid_max, kind=Kind.DEDUCTION if deduction else Kind.SELF, order=order,
                )
                levels[1].append((mid, top))
                for n, leaf in enumerate(group, start=1):
                    order += 1
                    node = Criterion(
                        framework=framework, code=f"{f}.{c}.{n}",
                        title=f"Tiêu chí thành phần {f}.{c}.{n}: mức độ hoàn thành nhiệm vụ theo kế hoạch CCHC năm {period.year}",
                        max_score=leaf.max_score, kind=leaf.kind, rule=leaf.rule, na_allowed=leaf.na_allowed,
                        evidence_required=leaf.evidence_required, is_remediation=leaf.is_remediation, order=order,
                        guidance="Tài liệu kiểm chứng: kế hoạch, báo cáo, văn bản chỉ đạo có số, ngày ban hành.",
                    )
                    levels[2].append((node, mid))
                    leaf_specs.setdefault(framework.pk, []).append(node)
    for level in levels:
        for node, parent in level:
            node.parent = parent
        Criterion.objects.bulk_create([node for node, _ in level], batch_size=1000)
    return {framework.block_id: leaf_specs[framework.pk] for framework in frameworks}


# --- Scores ----------------------------------------------------------------------------------------


def _levels(leaf: Criterion) -> list[Decimal]:
    if leaf.rule:
        return [Decimal(part.split("=")[0]) for part in leaf.rule.split(";")]
    steps = int(leaf.max_score / QUARTER)
    return [QUARTER * i for i in range(steps + 1)]


def _score_row(rng: random.Random, leaf: Criterion, skill: float, *, council_id: int, now, returned: bool) -> dict:
    """One leaf of one unit after appraisal and explanation: a unit of `skill` in [0.5, 1) claims
    about that share of the points, the council marks some rows down with a reason, some
    deductions are explained and a few accepted in the final score."""
    row = {
        "self_score": None, "self_note": "", "appraised_score": None, "appraisal_reason": "", "appraised_by_id": None,
        "appraised_at": None, "explanation": "", "explained_at": None, "explanation_verdict": "", "explanation_verdict_by_id": None,
        "explanation_verdict_at": None, "final_score": None, "council_note": "",
        "finalized_by_id": None, "finalized_at": None, "not_applicable": False, "self_not_applicable": False, "needs_reappraisal": False,
        "return_note": "", "version": 1, "updated_by_id": council_id, "updated_at": now,
    }
    if leaf.kind == Kind.SURVEY:
        row["final_score"] = (leaf.max_score * Decimal(str(round(skill, 2)))).quantize(CENT)
        row.update(finalized_by_id=council_id, finalized_at=now, version=2)
        return row
    row.update(appraised_by_id=council_id, appraised_at=now)
    if leaf.kind == Kind.DEDUCTION:
        row["appraised_score"] = leaf.max_score if rng.random() < 0.1 else Decimal(0)
        if row["appraised_score"]:
            row["appraisal_reason"] = "Chậm gửi báo cáo định kỳ về cải cách hành chính."
        row["version"] = 2
        return row
    if leaf.na_allowed and rng.random() < 0.3:
        row.update(not_applicable=True, self_not_applicable=True, self_note="Đơn vị không có nhiệm vụ này trong năm.", version=3)
        return row
    levels = _levels(leaf)
    claimed = levels[min(len(levels) - 1, int(len(levels) * min(0.999, skill + rng.random() * 0.3)))]
    appraised = claimed
    if claimed > 0 and rng.random() < 0.2:
        appraised = levels[max(0, levels.index(claimed) - 1)] if not leaf.rule else levels[min(len(levels) - 1, levels.index(claimed) + 1)]
    row.update(self_score=claimed, self_note="Đã thực hiện theo kế hoạch.", appraised_score=appraised, version=3)
    if appraised < claimed:
        row["appraisal_reason"] = "Tài liệu kiểm chứng chưa chứng minh đầy đủ nội dung tự chấm."
        if rng.random() < 0.5:
            row.update(explanation="Đơn vị bổ sung báo cáo kết quả thực hiện.", explained_at=now, version=4)
            accepted = rng.random() < 0.3
            row.update(explanation_verdict="accepted" if accepted else "refused", explanation_verdict_by_id=council_id, explanation_verdict_at=now)
            if accepted:
                row.update(final_score=claimed, council_note="Chấp nhận giải trình.", finalized_by_id=council_id, finalized_at=now, version=5)
    if returned:
        row.update(needs_reappraisal=True, return_note="Đề nghị thẩm định lại sau giải trình.")
    return row


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def _insert_scores(rows: list[dict]) -> None:
    if connection.vendor == "postgresql":
        # COPY's text format: the seeded texts hold no tab, newline or backslash to escape.
        # The figures of computed rows: none in the benchmark's frameworks, and COPY takes no
        # model default, so every row gets the empty JSON object the model would write.
        figures = ["self_inputs", "appraised_inputs", "final_inputs"]
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join([*(_copy_text(row[c]) for c in SCORE_COLUMNS), *("{}" for _ in figures)]))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {Score._meta.db_table} ({', '.join(SCORE_COLUMNS + figures)}) FROM STDIN", buffer)
    else:
        Score.objects.bulk_create([Score(**row) for row in rows], batch_size=2000)


# --- The whole data set ------------------------------------------------------------------------------


def _users(bench_unit: Unit) -> dict[str, User]:
    made = {}
    for username, role, unit, name in (
        (STAFF, roles.STAFF, None, "Cán bộ Sở Nội vụ (benchmark)"),
        (COUNCIL, roles.COUNCIL, None, "Thành viên Hội đồng (benchmark)"),
        (EDITOR, roles.UNIT_EDITOR, bench_unit, "Cán bộ đầu mối CCHC (benchmark)"),
    ):
        user = User(username=username, full_name=name, unit=unit)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        made[role] = user
    return made


def bench_unit() -> Unit:
    """The unit the benchmark opens as its editor: the first of the largest block."""
    block = max(Block.objects.filter(units__code__startswith=UNIT_PREFIX).distinct(), key=lambda b: b.units.count())
    return Unit.objects.filter(block=block, code__startswith=UNIT_PREFIX).order_by("code").first()


def seed(*, units: int, criteria: int, years: int, last_year: int | None = None, force: bool = False, stdout=None, seed_value: int = 2024) -> Seeded:
    started = time.perf_counter()
    if units < 1 or criteria < 3 or years < 1:
        raise SeedRefused("Cần ít nhất 1 đơn vị, 3 tiêu chí thành phần và 1 năm.")
    if not force and not is_bench_data_only():
        raise SeedRefused(
            "Cơ sở dữ liệu có dữ liệu thật (đơn vị hoặc kỳ đánh giá không phải của benchmark). "
            "Hãy dùng một cơ sở dữ liệu riêng, hoặc --force nếu chắc chắn."
        )
    last_year = last_year or timezone.localdate().year - 1
    year_list = list(range(last_year - years + 1, last_year + 1))
    taken = Period.objects.filter(year__in=year_list).exclude(title__startswith=TITLE_PREFIX).values_list("year", flat=True)
    if taken:
        raise SeedRefused(f"Đã có kỳ đánh giá thật của năm {', '.join(map(str, taken))}; chọn --last-year khác.")
    clean()
    rng = random.Random(seed_value)
    say = stdout.write if stdout is not None else (lambda text: None)

    blocks = list(Block.objects.filter(code__in=BLOCK_SHARES).order_by("order", "code")) or list(Block.objects.order_by("order")[:4])
    shares = [BLOCK_SHARES.get(b.code, 1) for b in blocks]
    counts = [units * s // sum(shares) for s in shares]
    counts[shares.index(max(shares))] += units - sum(counts)
    unit_rows = []
    for block, count in zip(blocks, counts):
        for _ in range(count):
            number = len(unit_rows) + 1
            code = f"{UNIT_PREFIX}{number:05d}"
            name = f"Đơn vị thử nghiệm số {number:05d} ({block.name.lower()})"
            unit_rows.append(Unit(code=code, name=name, block=block, search_key=Unit.build_search_key(code, name)))
    with transaction.atomic():
        all_units = Unit.objects.bulk_create(unit_rows, batch_size=2000)
        UnitHead.objects.bulk_create(
            [UnitHead(unit=u, full_name=f"Nguyễn Văn {u.code[-5:]}", title="Giám đốc", start_date=datetime.date(2015, 1, 1)) for u in all_units],
            batch_size=2000,
        )
        people = _users(bench_unit())
    staff, council = people[roles.STAFF], people[roles.COUNCIL]
    skill = {u.pk: 0.5 + rng.random() * 0.5 for u in all_units}
    say(f"{len(all_units)} đơn vị trong {len(blocks)} khối.")

    seeded = Seeded(units=len(all_units), criteria_per_framework=criteria)
    now = timezone.now()
    for year in year_list:
        latest = year == last_year
        with transaction.atomic():
            period = Period.objects.create(
                year=year, title=f"{TITLE_PREFIX}Chỉ số cải cách hành chính năm {year}", phase=Phase.FINALIZATION,
                legal_basis=f"Kế hoạch số 15/KH-UBND ngày 10/01/{year} của UBND tỉnh",
                self_assessment_deadline=datetime.date(year, 11, 30), appraisal_deadline=datetime.date(year, 12, 31),
            )
            leaves = _build_frameworks(period, blocks, criteria)
            frameworks = {f.block_id: f.pk for f in Framework.objects.filter(period=period)}
            # A department appraises its own field for every unit, as the province assigns it.
            AppraisalAssignment.objects.create(period=period, member=council, field_code="1")
            RosterEntry.objects.bulk_create([RosterEntry(period=period, unit=u, block_id=u.block_id) for u in all_units], batch_size=2000)
            assessments = Assessment.objects.bulk_create(
                [
                    Assessment(
                        period=period, unit=u, framework_id=frameworks[u.block_id],
                        status=Assessment.Status.SUBMITTED if rng.random() < 0.97 else Assessment.Status.CLOSED,
                        submitted_at=now, submitted_by=None,
                    )
                    for u in all_units
                ],
                batch_size=2000,
            )
            batch = []
            for assessment, unit in zip(assessments, all_units):
                for leaf in leaves[unit.block_id]:
                    returned = latest and leaf.code.startswith("1.") and rng.random() < 0.05
                    row = _score_row(rng, leaf, skill[unit.pk], council_id=council.pk, now=now, returned=returned)
                    row.update(assessment_id=assessment.pk, criterion_id=leaf.pk)
                    batch.append(row)
                if len(batch) >= 50_000:
                    _insert_scores(batch)
                    seeded.scores += len(batch)
                    batch = []
            _insert_scores(batch)
            seeded.scores += len(batch)
            assessment_totals_refresh(period=period)  # rows went in by COPY, past the services
        if not latest:
            approval = approval_record(
                actor=council, period=period, council_approved_on=datetime.date(year + 1, 2, 20),
                minutes_ref=f"Biên bản họp Hội đồng thẩm định ngày 20/02/{year + 1}",
            )
            approval_set_decision(
                actor=staff, approval=approval, decision_number=f"{100 + year % 100}/QĐ-UBND",
                decision_date=datetime.date(year + 1, 2, 23), signer_name="Trần Văn Bench", signer_title="Phó Chủ tịch",
            )
            period = period_advance(actor=staff, period=period, reason="Benchmark: phê duyệt kết quả.")
        seeded.periods.append(period.pk)
        say(f"Năm {year}: {period.get_phase_display()}, {len(assessments)} phiếu, {seeded.scores} dòng điểm đến nay.")
    _ensure_returned_row(Period.objects.get(pk=seeded.periods[-1]))
    vacuum()
    seeded.seconds = time.perf_counter() - started
    assert Approval.objects.filter(period_id__in=seeded.periods[:-1], voided_at__isnull=True).count() == len(seeded.periods) - 1
    return seeded


def _ensure_returned_row(period: Period) -> None:
    """The benchmark's inline appraisal save needs one row of its unit sent back to the appraiser."""
    unit = bench_unit()
    rows = Score.objects.filter(assessment__period=period, assessment__unit=unit, criterion__kind=Kind.SELF, criterion__code__startswith="1.")
    if not rows.filter(needs_reappraisal=True).exists():
        row = rows.filter(not_applicable=False).order_by("criterion__order").first()
        Score.objects.filter(pk=row.pk).update(needs_reappraisal=True, return_note="Đề nghị thẩm định lại sau giải trình.")
