"""Demo data of the scoring app for 2026, the first full year of the two-tier province.

How Hà Tĩnh scores 2026 was not found: the period, its frameworks and its deadlines are the
demo's own (its title and legal basis say so). Like other provinces' rules after the reform it
ranks three blocks: the 13 provincial agencies, the 69 xã/phường of 01/07/2025 (a block of their
own, `ubnd-xa-phuong`) and the central agencies. The frameworks are the demo's earlier ones, the
communes' adapted to xã and phường (`data/framework-ubnd-xa-phuong.csv`).

The period is in self-assessment, a few units part-way through (Xã Đồng Tiến, whose login is
`dm.dongtien`, among them). Ban Quản lý Khu kinh tế tỉnh and Ban Dân tộc tỉnh, whose status after
the reorganisation was not found, stay open but off the roster."""

import datetime

from django.db import transaction
from django.utils import timezone

from units.demo_reform import UNKNOWN_STATUS, central_2026, departments_2026, new_communes

from .formulas import compute
from .demo import _assign, _editors, _History, _plan, _update, _users, _vn, framework_table
from .models import Assessment, Kind, Period, Phase, RosterEntry, Score
from .services import assessment_totals_refresh, framework_import, period_move, period_update, roster_remove

YEAR = 2026
FILES = ["framework-so-nganh.csv", "framework-ubnd-xa-phuong.csv", "framework-co-quan-tw.csv"]
TITLE = "Chỉ số cải cách hành chính năm 2026 (dữ liệu minh họa)"
LEGAL_BASIS = (
    "Dữ liệu minh họa: chưa tìm thấy kế hoạch và bộ chỉ số năm 2026 của tỉnh Hà Tĩnh. Ba khối theo chính quyền địa phương "
    "hai cấp (sở, ban, ngành; UBND xã, phường; cơ quan Trung ương); bộ chỉ số là bộ chỉ số mẫu của các năm trước, "
    "bộ chỉ số của xã, phường điều chỉnh từ bộ chỉ số cấp xã. Ban Quản lý Khu kinh tế tỉnh và Ban Dân tộc tỉnh: chưa xác định "
    "được tình trạng sau sắp xếp năm 2025, không có trong danh sách đơn vị được đánh giá."
)
# Units part-way through their self-assessment: (unit code, share of their rows saved).
UNDER_WAY = {"18619": 0.4, "18073": 0.75, "18628": 0.2, "SKHCN": 0.6, "SNNMT": 0.3, "TW-CA": 0.9}


def deadlines(today: datetime.date) -> dict:
    """The plan's deadlines: self-assessment until mid-December 2026, the council's work in early
    2027. Self-assessment is open in the demo, so its deadline is at least a week after the day it
    is seeded (seeded later, every deadline moves by as much, inside the years the period allows)."""
    shift = max(datetime.timedelta(0), today + datetime.timedelta(days=7) - datetime.date(YEAR, 12, 15))
    shift = min(shift, datetime.date(YEAR + 2, 12, 31) - datetime.date(YEAR + 1, 2, 10))
    return {
        "draft_deadline": datetime.date(YEAR, 3, 16),
        "self_assessment_deadline": datetime.date(YEAR, 12, 15) + shift,
        "appraisal_deadline": datetime.date(YEAR + 1, 1, 15) + shift,
        "explanation_deadline": datetime.date(YEAR + 1, 1, 22) + shift,
        "finalization_deadline": datetime.date(YEAR + 1, 2, 10) + shift,
    }


def roster_codes() -> dict[str, list[str]]:
    """Block code → the units 2026 assesses in it."""
    return {
        "so-nganh": departments_2026(),
        "ubnd-xa-phuong": [commune.stat_code for commune in new_communes()],
        "co-quan-tw": central_2026(),
    }


def seed(stdout) -> None:
    """Create 2026 once, open its self-assessment and save part of a few units' rows; a period
    already past its draft is left as it is."""
    period = Period.objects.filter(year=YEAR).first()
    if period is not None and period.phase != Phase.DRAFT:
        stdout.write(f"Kỳ đánh giá {YEAR}: đã mở, giữ nguyên.")
        return
    with transaction.atomic():
        if period is None or not period.frameworks.exists():
            period = framework_import(table=framework_table(FILES), year=YEAR, actor=None, source="dữ liệu mẫu").period
        # The decision approves every block of the roster (no districts approve communes any more).
        period = period_update(
            actor=None, period=period, title=TITLE, legal_basis=LEGAL_BASIS, decision_blocks=[], **deadlines(timezone.localdate())
        )
        _shape_roster(period)
        users = _users()
        staff = users.get("sonv")
        period = period_move(actor=staff, period=period, to_phase=Phase.SELF_ASSESSMENT, reason="Theo kế hoạch năm 2026 (dữ liệu minh họa)")
        _assign(period, users)
        saved = _self_assess_part(period)
    roster = RosterEntry.objects.filter(period=period).count()
    stdout.write(f"Kỳ đánh giá {YEAR}: {roster} đơn vị trong 3 khối, đang tự đánh giá; {saved} tiêu chí đã tự chấm.")


def _shape_roster(period: Period) -> None:
    """The period's roster, filled by its creation with every unit open at the end of 2026, less
    the two agencies whose status is unknown. Anything else off the list is a demo error."""
    wanted = {code: block for block, codes in roster_codes().items() for code in codes}
    for entry in RosterEntry.objects.filter(period=period, unit__code__in=list(UNKNOWN_STATUS.values())).select_related("unit"):
        roster_remove(actor=None, entry=entry)
    actual = {code: block for code, block in RosterEntry.objects.filter(period=period).values_list("unit__code", "block__code")}
    if actual != wanted:
        missing = sorted(set(wanted) - set(actual))
        extra = sorted(set(actual) - set(wanted))
        moved = sorted(code for code in set(actual) & set(wanted) if actual[code] != wanted[code])
        raise RuntimeError(f"2026 roster: missing {missing}, unexpected {extra}, in another block {moved}")


def _figures(row: Score) -> dict[str, str]:
    """Made-up figures of a computed row for a unit: a total and the part of it done, the part
    varying from unit to unit (between 70 % and 100 % of the total)."""
    total = 120 + (row.assessment.unit_id * 37) % 380
    done = total - (row.assessment.unit_id * 11) % (total * 3 // 10 + 1)
    names = [spec.name for spec in row.criterion.computed.specs]
    return {names[0]: str(done), names[1]: str(total)} if len(names) == 2 else {name: str(done) for name in names}


def _self_assess_part(period: Period) -> int:
    """The first rows of each unit under way, saved in bulk with their history (as the 2023 and
    2024 cycles are): the unit's login where it has one."""
    editors = _editors()
    history = _History()
    changed = []
    assessments = Assessment.objects.filter(period=period, unit__code__in=list(UNDER_WAY)).select_related("unit", "period")
    by_assessment = {a.pk: (a, []) for a in assessments}
    rows = Score.objects.filter(assessment__in=assessments, criterion__kind=Kind.SELF).select_related("criterion")
    for score in rows.order_by("criterion__order", "pk"):
        assessment, scores = by_assessment[score.assessment_id]
        score.assessment = assessment
        scores.append(score)
    for assessment, scores in by_assessment.values():
        _plan(assessment, scores, YEAR)
        editor = editors.get(assessment.unit_id)
        count = round(len(scores) * UNDER_WAY[assessment.unit.code])
        for row in scores[:count]:
            row.not_applicable = row.self_not_applicable = row.plan_na
            row.self_score = row.plan_self
            row.self_note = "" if row.plan_na else row.plan_note
            row.updated_by = editor
            after = {"self_score": None, "self_note": row.self_note, "not_applicable": row.not_applicable}
            if row.criterion.computed is not None and not row.plan_na:
                # A computed row is scored by its figures, as the sheet takes them (made up).
                row.self_inputs, row.self_score = compute(
                    row.criterion.computed, _figures(row), max_score=row.criterion.max_score, quantum=period.quantum
                )
                after["self_inputs"] = row.self_inputs
            after["self_score"] = _vn(row.self_score)
            history.add(editor, "score.self", row, {"self_score": None, "self_note": "", "not_applicable": False}, after)
            changed.append(row)
    _update(changed, ["self_score", "self_inputs", "self_note", "not_applicable", "self_not_applicable", "updated_by"])
    history.save()
    assessment_totals_refresh(period=period)
    return len(changed)
