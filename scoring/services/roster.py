"""Writes of a period's roster (danh sách đơn vị được đánh giá): which units a year assesses, in
which block. Every change is audited on the period and locks the period row first, the lock
`period_advance` takes, so that no roster change interleaves with the opening of
self-assessment.

Staff shape the roster while the period is in draft: add, move to another block, remove, or fill
it with every unit that exists at the year's end (`period_create` fills it so). Once self-assessment has opened a unit can
still be added (its assessment is created at once, in its block's framework), but none is moved
or removed: an assessment is scored against its block's framework, and its scores would lose
their meaning in another one."""

import datetime

from django.db import transaction

from audit.services import audit_log

from ..models import Assessment, Framework, Period, Phase, RosterEntry
from ..selectors.roster import roster_day, units_existing_in_year, units_to_fill
from .assessment import _open_assessments
from .errors import PhaseError, ScoringError

__all__ = ["roster_add", "roster_copy", "roster_fill", "roster_move", "roster_remove"]


def _lock_period(period: Period) -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.phase == Phase.APPROVED:
        raise PhaseError(f"Kỳ đánh giá năm {period.year} đã được phê duyệt: không thay đổi danh sách đơn vị được đánh giá.")
    return period


def _lock_draft_entry(entry: RosterEntry, what: str) -> tuple[Period, RosterEntry]:
    """The period locked and in draft, and the entry as it is now; refused once the unit has its
    assessment (a period put back to draft keeps the assessments it opened)."""
    period = _lock_period(entry.period)
    if period.phase != Phase.DRAFT:
        raise PhaseError(
            f"Kỳ đánh giá năm {period.year} đang ở giai đoạn {period.get_phase_display()}: chỉ {what} khi kỳ đánh giá ở giai đoạn dự thảo."
        )
    entry = RosterEntry.objects.select_for_update().select_related("unit", "block").filter(pk=entry.pk, period=period).first()
    if entry is None:
        raise ScoringError("Đơn vị không còn trong danh sách được đánh giá; hãy tải lại trang.")
    if Assessment.objects.filter(period=period, unit_id=entry.unit_id).exists():
        raise ScoringError(
            f"{entry.unit.name} đã có phiếu đánh giá năm {period.year} (tạo khi kỳ đánh giá mở tự đánh giá): không {what} được."
        )
    return period, entry


def _open_if_started(*, actor, period: Period, unit_ids) -> int:
    """From self-assessment on, a unit added to the roster gets its assessment at once."""
    if period.phase == Phase.DRAFT:
        return 0
    return _open_assessments(actor=actor, period=period, unit_ids=unit_ids)


@transaction.atomic
def roster_add(*, actor, period: Period, unit, block) -> RosterEntry:
    """Put a unit on the period's roster in `block` (any phase before approval). From
    self-assessment on its assessment and score rows are created in the block's framework, so
    the block must have one."""
    period = _lock_period(period)
    if RosterEntry.objects.filter(period=period, unit=unit).exists():
        raise ScoringError(f"{unit.name} đã có trong danh sách đơn vị được đánh giá năm {period.year}.")
    if not units_existing_in_year(period.year).filter(pk=unit.pk).exists():
        raise ScoringError(f"{unit.name} không tồn tại trong năm {period.year} (xem ngày hoạt động của đơn vị): không đánh giá năm đó.")
    if period.phase != Phase.DRAFT and not Framework.objects.filter(period=period, block=block).exists():
        raise ScoringError(
            f"{block.name} không có bộ chỉ số năm {period.year}; kỳ đánh giá đã mở nên không thêm bộ chỉ số được: "
            "đơn vị thêm vào khối này sẽ không có phiếu đánh giá."
        )
    entry = RosterEntry.objects.create(period=period, unit=unit, block=block)
    audit_log(actor=actor, action="roster.add", target=period, changes={"unit": [None, unit.name], "block": [None, block.name]})
    entry.assessment_created = bool(_open_if_started(actor=actor, period=period, unit_ids=[unit.pk]))
    return entry


@transaction.atomic
def roster_move(*, actor, entry: RosterEntry, block) -> RosterEntry:
    """Assess the unit in another block that year (draft only)."""
    period, entry = _lock_draft_entry(entry, "chuyển khối")
    if entry.block_id == block.pk:
        return entry
    old = entry.block
    entry.block = block
    entry.save(update_fields=["block"])
    audit_log(actor=actor, action="roster.move", target=period, changes={"unit": [entry.unit.name, entry.unit.name], "block": [old.name, block.name]})
    return entry


@transaction.atomic
def roster_remove(*, actor, entry: RosterEntry) -> None:
    """Leave the unit out of that year's assessment (draft only)."""
    period, entry = _lock_draft_entry(entry, "bỏ đơn vị khỏi danh sách")
    audit_log(actor=actor, action="roster.remove", target=period, changes={"unit": [entry.unit.name, None], "block": [entry.block.name, None]})
    entry.delete()


@transaction.atomic
def roster_fill(*, actor, period: Period, day: datetime.date | None = None) -> int:
    """Add every unit that exists on `day` (default: 31 December of the period's year, see
    `selectors.roster.roster_day`) in its current block, skipping the units already on the
    roster (draft only: once the period is open units are added one by one). Returns how many."""
    period = _lock_period(period)
    if period.phase != Phase.DRAFT:
        raise PhaseError(
            f"Kỳ đánh giá năm {period.year} đã mở tự đánh giá: hãy thêm từng đơn vị vào danh sách (phiếu đánh giá được tạo ngay khi thêm)."
        )
    day = day or roster_day(period)
    there = RosterEntry.objects.filter(period=period).values("unit_id")
    units = list(units_to_fill(day).exclude(pk__in=there).select_related("block").order_by("block__order", "code"))
    if not units:
        return 0
    RosterEntry.objects.bulk_create([RosterEntry(period=period, unit=unit, block_id=unit.block_id) for unit in units], batch_size=2000)
    audit_log(
        actor=actor,
        action="roster.fill",
        target=period,
        changes={"units": [None, [unit.name for unit in units]]},
        reason=f"Các đơn vị đang hoạt động ngày {day:%d/%m/%Y}.",
    )
    return len(units)


def roster_copy(*, actor, source: Period, period: Period) -> int:
    """The next year's roster from `source`'s (inside `period_clone`'s transaction): every entry
    in the same block, less the units closed before 1 January of the new year and those
    deactivated without a closing date (as `roster_fill` leaves them out). Nothing else is added:
    staff add the units formed since."""
    start = datetime.date(period.year, 1, 1)
    entries = list(
        RosterEntry.objects.filter(period=source)
        .exclude(unit__valid_to__lt=start)
        .exclude(unit__active=False, unit__valid_to__isnull=True)
        .exclude(unit__in=RosterEntry.objects.filter(period=period).values("unit_id"))
        .select_related("unit")
        .order_by("unit__code")
    )
    if not entries:
        return 0
    RosterEntry.objects.bulk_create([RosterEntry(period=period, unit_id=e.unit_id, block_id=e.block_id) for e in entries], batch_size=2000)
    audit_log(
        actor=actor,
        action="roster.copy",
        target=period,
        changes={"source": [None, source.year], "units": [None, [e.unit.name for e in entries]]},
    )
    return len(entries)
