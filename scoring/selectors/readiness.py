"""Is the period ready for its next step? One selector per step, read by the page (a checklist
with counts and links before the button), by `period_phase` (the same checklist, printed) and by
the step's service, which refuses on the same selector's blocking items unless staff override
them with a written reason.

A blocking item stops the step: moving on would publish or settle something unfinished (rows
nobody appraised, a survey never entered, explanations nobody answered). A warning is said and
the step goes on (units that did not submit are closed as they stand, as when the deadline
passes). A period whose scores were all imported at the end (the README's pipeline: no self
score, no appraisal) has nothing to check about self-assessment and appraisal."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..models import Approval, Assessment, ConflictDeclaration, Framework, Kind, Period, Phase, RosterEntry, Score
from .assessment import APPRAISED_KINDS, appraisal_progress
from .framework import framework_trees_for_period
from .results import heads_by_unit
from .roster import year_start

DETAILS = 12  # lines of detail an item lists; the linked page has them all


@dataclass
class ReadinessItem:
    code: str
    label: str
    count: int
    blocking: bool
    details: list[str] = field(default_factory=list)
    link: str = ""
    link_label: str = ""
    # A blocking item staff may pass with a written reason (a block not assessed this year); the
    # others no reason can pass (an inconsistent framework, approving without the council).
    overridable: bool = True

    @property
    def ok(self) -> bool:
        return not self.count


@dataclass
class Readiness:
    """The checklist of one step of a period."""

    step: str
    title: str
    items: list[ReadinessItem] = field(default_factory=list)

    @property
    def blockers(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.blocking and item.count]

    @property
    def overridable(self) -> bool:
        """Every open blocking item may be passed with a reason."""
        return all(item.overridable for item in self.blockers)

    @property
    def warnings(self) -> list[ReadinessItem]:
        return [item for item in self.items if not item.blocking and item.count]

    def summary(self, items: list[ReadinessItem] | None = None) -> str:
        """The items as one sentence for a refusal or an audit row: "12 tiêu chí chưa thẩm định; …"."""
        return "; ".join(f"{item.label}: {item.count}" for item in (self.blockers if items is None else items))

    def lines(self) -> list[str]:
        """The checklist as text, for the command line."""
        out = [self.title]
        for item in self.items:
            mark = "✓" if item.ok else ("✗" if item.blocking else "!")
            kind = "" if item.ok else (" (chặn)" if item.blocking else " (lưu ý)")
            out.append(f"  {mark} {item.label}: {item.count}{kind}")
            out.extend(f"      - {line}" for line in item.details)
        return out


def _more(lines: list[str], total: int) -> list[str]:
    shown = lines[:DETAILS]
    if total > len(shown):
        shown.append(f"… và {total - len(shown)} mục khác")
    return shown


def _has_cycle_work(period: Period) -> bool:
    """Whether units self-assessed or the council appraised at all in this period."""
    return Score.objects.filter(assessment__period=period).filter(Q(self_score__isnull=False) | Q(appraised_at__isnull=False)).exists()


def _deadline_item(period: Period, phase: Phase) -> ReadinessItem | None:
    """Opening a phase whose deadline has already passed: the units would find it closed."""
    deadline = period.deadline_for(phase)
    if deadline is None or deadline >= timezone.localdate():
        return None
    return ReadinessItem(
        "deadline_past",
        f"Hạn giai đoạn {phase.label} ({deadline:%d/%m/%Y}) đã qua",
        1,
        blocking=False,
        details=["Đơn vị sẽ không lưu được gì sau hạn này. Hãy đặt hạn mới trước khi chuyển."],
        link=reverse("scoring:period_edit", args=[period.year]),
        link_label="Đặt hạn mới",
    )


# --- The items ------------------------------------------------------------------------------------


def _roster_items(period: Period) -> list[ReadinessItem]:
    """Opening creates one assessment per roster entry, in its block's framework: the roster must
    hold units, each in a block that has a framework (a unit of a block without one gets no
    assessment: staff pass it with a reason when the province does not assess that block this
    year, as before 2025 the districts assessed their communes), none closed before the year."""
    framework_blocks = set(Framework.objects.filter(period=period).values_list("block_id", flat=True))
    previous = Period.objects.filter(year__lt=period.year).order_by("-year").first()
    assessed_before = set(Framework.objects.filter(period=previous).values_list("block_id", flat=True)) if previous else set()
    start = year_start(period)
    entries = RosterEntry.objects.filter(period=period).order_by("block__order", "block__code", "unit__code")
    missing: dict[tuple[int, str], int] = {}
    closed: list[str] = []
    total = 0
    for block_id, block_name, unit_name, valid_to in entries.values_list("block_id", "block__name", "unit__name", "unit__valid_to"):
        total += 1
        if block_id not in framework_blocks:
            missing[(block_id, block_name)] = missing.get((block_id, block_name), 0) + 1
        if valid_to is not None and valid_to < start:
            closed.append(f"{unit_name} (hoạt động đến ngày {valid_to:%d/%m/%Y})")
    roster_link = reverse("scoring:roster", args=[period.year])
    without = [
        f"{name}: {count} đơn vị sẽ không có phiếu đánh giá" + (f" (khối đã được đánh giá năm {previous.year})" if block_id in assessed_before else "")
        for (block_id, name), count in missing.items()
    ]
    broken = [tree for tree in framework_trees_for_period(period) if tree.problems]
    return [
        ReadinessItem(
            "roster_empty",
            "Danh sách đơn vị được đánh giá còn trống",
            0 if total else 1,
            blocking=True,
            overridable=False,
            details=[] if total else ["Hãy thêm các đơn vị được đánh giá năm nay trước khi mở tự đánh giá."],
            link=roster_link,
            link_label="Danh sách đơn vị được đánh giá",
        ),
        ReadinessItem(
            "roster_without_framework",
            "Đơn vị trong danh sách được đánh giá thuộc khối chưa có bộ chỉ số",
            sum(missing.values()),
            blocking=True,
            details=_more(without, len(without)),
            link=reverse("scoring:period_detail", args=[period.year]) + "#frameworks",
            link_label="Thêm bộ chỉ số",
        ),
        ReadinessItem(
            "roster_closed",
            f"Đơn vị trong danh sách đã ngừng hoạt động trước năm {period.year}",
            len(closed),
            blocking=True,
            overridable=False,
            details=_more(closed, len(closed)),
            link=roster_link,
            link_label="Bỏ khỏi danh sách",
        ),
        ReadinessItem(
            "frameworks_inconsistent",
            "Bộ chỉ số còn lỗi",
            len(broken),
            blocking=True,
            overridable=False,
            details=[f"{tree.framework.block.name}: {len(tree.problems)} lỗi" for tree in broken],
            link=reverse("scoring:framework_detail", args=[broken[0].framework.pk]) if broken else "",
            link_label="Xem lỗi",
        ),
    ]


def unsubmitted_item(period: Period) -> ReadinessItem:
    names = list(
        Assessment.objects.filter(period=period, status=Assessment.Status.OPEN).order_by("unit__code").values_list("unit__name", flat=True)
    )
    return ReadinessItem(
        "unsubmitted",
        "Đơn vị chưa nộp bản tự đánh giá (sẽ bị khóa theo hiện trạng)",
        len(names),
        blocking=False,
        details=_more(names, len(names)),
        link=reverse("scoring:appraisal_progress", args=[period.year]),
        link_label="Xem tiến độ",
    )


def _unappraised_item(period: Period, *, final_counts: bool) -> ReadinessItem:
    """Rows of the self-assessed and penalty leaves nobody appraised (or sent back and not
    appraised again), per unit and per council member. At the council's approval a final score
    settles a row too."""
    label = "Tiêu chí chưa thẩm định"
    if not _has_cycle_work(period):
        return ReadinessItem("unappraised", label, 0, blocking=True)
    if final_counts:
        rows = Score.objects.filter(assessment__period=period, criterion__kind__in=APPRAISED_KINDS).filter(
            (Q(appraised_at__isnull=True) & Q(final_score__isnull=True)) | Q(needs_reappraisal=True)
        )
        per_unit = list(
            rows.order_by("assessment__framework__block__order", "assessment__unit__code")
            .values_list("assessment__unit__name")
            .distinct()
        )
        count = rows.count()
        details = _more([f"{name}" for (name,) in per_unit], len(per_unit))
    else:
        members, units = appraisal_progress(period)
        behind = [line for line in units if line.done < line.total]
        count = sum(line.total - line.done for line in behind)
        details = [f"{line.label} (thành viên Hội đồng): còn {line.total - line.done}/{line.total}" for line in members if line.done < line.total]
        details += [f"{line.label}: còn {line.total - line.done}/{line.total}" for line in behind]
        details = _more(details, len(details))
    return ReadinessItem(
        "unappraised", label, count, blocking=True, details=details,
        link=reverse("scoring:appraisal_progress", args=[period.year]), link_label="Xem tiến độ thẩm định",
    )


def _survey_item(period: Period) -> ReadinessItem:
    rows = Score.objects.filter(
        assessment__period=period, criterion__kind=Kind.SURVEY, appraised_score__isnull=True, final_score__isnull=True, not_applicable=False
    )
    units = list(rows.order_by("assessment__unit__code").values_list("assessment__unit__name", flat=True).distinct())
    return ReadinessItem(
        "survey_empty",
        "Tiêu chí điều tra xã hội học chưa có điểm",
        rows.count(),
        blocking=True,
        details=_more(units, len(units)),
        link=reverse("scoring:score_import", args=[period.year]),
        link_label="Nhập điểm điều tra",
    )


def _undecided_item(period: Period) -> ReadinessItem:
    rows = Score.objects.filter(Score.UNDECIDED_EXPLANATION, assessment__period=period)
    lines = [
        f"{unit}: {code}"
        for unit, code in rows.order_by("assessment__unit__code", "criterion__order").values_list("assessment__unit__name", "criterion__code")[: DETAILS + 1]
    ]
    count = rows.count()
    return ReadinessItem(
        "explanations_undecided",
        "Giải trình chưa được người thẩm định kết luận (chấp nhận / không chấp nhận)",
        count,
        blocking=True,
        details=_more(lines, count),
        link=reverse("scoring:appraisal_progress", args=[period.year]),
        link_label="Mở trang hoàn thiện của từng đơn vị",
    )


def _conflict_item(period: Period) -> ReadinessItem:
    """A member scored a unit they declared a conflict of interest with (before declaring it, or
    through an assignment made later): the council must have someone else settle those rows."""
    pairs = list(ConflictDeclaration.objects.filter(period=period).values_list("member_id", "unit_id", "member__full_name", "unit__name"))
    # Who settled each row of the declared units, in one query: appraised (and not finalised by
    # someone else), or finalised.
    scored: dict[tuple[int, int], int] = {}
    members = {member_id for member_id, *_ in pairs}
    rows = Score.objects.filter(assessment__period=period, assessment__unit_id__in={unit_id for _, unit_id, *_ in pairs}).filter(
        Q(appraised_by_id__in=members, final_score__isnull=True) | Q(finalized_by_id__in=members)
    )
    for unit_id, appraiser, finalizer, final in rows.values_list("assessment__unit_id", "appraised_by_id", "finalized_by_id", "final_score"):
        for member_id in {finalizer} | ({appraiser} if final is None else set()):
            scored[(member_id, unit_id)] = scored.get((member_id, unit_id), 0) + 1
    lines = [
        f"{member_name or 'Thành viên'} đã khai báo xung đột lợi ích với {unit_name} nhưng còn {scored[(member_id, unit_id)]} điểm do mình chấm"
        for member_id, unit_id, member_name, unit_name in pairs
        if scored.get((member_id, unit_id))
    ]
    count = len(lines)
    return ReadinessItem(
        "conflicted_scores",
        "Điểm do thành viên có xung đột lợi ích chấm",
        count,
        blocking=True,
        details=_more(lines, count),
        link=reverse("scoring:assignments", args=[period.year]),
        link_label="Phân công lại",
    )


def _heads_item(period: Period) -> ReadinessItem:
    assessments = list(Assessment.objects.filter(period=period).order_by("unit__code").values_list("unit_id", "unit__name"))
    heads = heads_by_unit(period, {unit_id for unit_id, _ in assessments})
    unknown = [name for unit_id, name in assessments if unit_id not in heads]
    return ReadinessItem(
        "heads_unknown",
        f"Đơn vị chưa có người đứng đầu năm {period.year} (Phụ lục đánh giá người đứng đầu để trống, không điền tên thay)",
        len(unknown),
        blocking=False,
        details=_more(unknown, len(unknown)),
        link=reverse("units:list"),
        link_label="Cập nhật người đứng đầu",
    )


def _approval_items(period: Period) -> list[ReadinessItem]:
    approval = Approval.objects.filter(period=period, voided_at__isnull=True).defer("snapshot").first()
    missing = []
    if approval is not None:
        missing = [label for name, label in (("decision_number", "số quyết định"), ("decision_date", "ngày quyết định"), ("signer_name", "người ký")) if not getattr(approval, name)]
    link = reverse("scoring:results_ranking_first", args=[period.year])
    return [
        ReadinessItem(
            "approval_missing", "Hội đồng thẩm định chưa thông qua kết quả", 0 if approval else 1, blocking=True, overridable=False,
            details=[] if approval else ["Kết quả thông qua bị hủy khi điểm thay đổi sau đó: Hội đồng cần thông qua lại."],
            link=link, link_label="Ghi nhận Hội đồng thông qua",
        ),
        ReadinessItem(
            "decision_missing", "Quyết định phê duyệt còn thiếu thông tin", len(missing) if approval else 0, blocking=True, overridable=False,
            details=[f"Chưa nhập {label}" for label in missing], link=link, link_label="Nhập quyết định",
        ),
    ]


# --- One selector per step ------------------------------------------------------------------------


def period_readiness(period: Period) -> Readiness | None:
    """The checklist of leaving the period's current phase (None once approved)."""
    to_phase = period.next_phase
    if to_phase is None:
        return None
    title = f"Trước khi chuyển sang giai đoạn {to_phase.label}"
    phase = Phase(period.phase)
    if phase == Phase.DRAFT:
        items = _roster_items(period)
    elif phase == Phase.SELF_ASSESSMENT:
        items = [unsubmitted_item(period)]
    elif phase == Phase.APPRAISAL:
        items = [_unappraised_item(period, final_counts=False)]
    elif phase == Phase.EXPLANATION:
        items = []
    else:
        items = _approval_items(period)
    deadline = _deadline_item(period, to_phase)
    if deadline is not None:
        items.append(deadline)
    return Readiness(step=f"{period.phase}->{to_phase.value}", title=title, items=items)


def approval_readiness(period: Period) -> Readiness:
    """The checklist of recording the council's approval: nothing unfinished is approved."""
    items = [_unappraised_item(period, final_counts=True), _survey_item(period), _undecided_item(period), _conflict_item(period), _heads_item(period)]
    return Readiness(step="council_approval", title="Trước khi ghi nhận Hội đồng thẩm định thông qua kết quả", items=items)


__all__ = ["Readiness", "ReadinessItem", "approval_readiness", "period_readiness"]
