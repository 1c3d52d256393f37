"""A period's precision (`Period.decimals`: 2 or 3) and tie rule (`Period.tie_rule`: displayed or
exact), issue #18. The page's form (`period_update`), the framework import and the
`period_settings` command all go through the checks here, so each is refused for the same
reasons with the same words:

- the precision changes only in draft and before any score is given: a score typed as 97,685
  would not exist in a 2-decimal period, and the index of every unit would round differently;
- the tie rule changes until the results are approved; while the council's approval stands, a
  change that would move a unit's rank or index in the approved ranking is refused, never
  applied by voiding the approval behind the council's back."""

from django.db import transaction
from django.db.models import Q

from audit.services import save_audited, snapshot

from ..models import DECIMAL_CHOICES, Approval, Period, Phase, Score
from ..selectors.results import ranking_for_period
from .errors import PhaseError, ScoringError
from .totals import assessment_totals_refresh

SETTINGS_FIELDS = Period.SETTINGS_FIELDS
DECIMALS = [value for value, _ in DECIMAL_CHOICES]


def describe_settings(period: Period) -> str:
    """'3 chữ số thập phân; xếp hạng: Xếp theo tỷ lệ điểm chính xác, …' — what the command prints."""
    over = "được vượt 100% (điểm thưởng)" if period.index_over_100 else "tối đa 100%"
    return f"{period.get_decimals_display()}; xếp hạng: {period.get_tie_rule_display()} ({period.tie_rule}); Chỉ số {over}"


def settings_mismatch(period: Period, *, decimals: int | None = None, tie_rule: str | None = None) -> str | None:
    """Why asked settings differ from an existing period's (the framework import refuses then),
    or None when they agree or are not asked."""
    wrong = []
    if decimals is not None and decimals != period.decimals:
        wrong.append(f"{period.decimals} chữ số thập phân (không phải {decimals})")
    if tie_rule is not None and tie_rule != period.tie_rule:
        wrong.append(f"cách xếp hạng {period.tie_rule} (không phải {tie_rule})")
    if not wrong:
        return None
    return (
        f"Kỳ đánh giá năm {period.year} đã có và dùng " + ", ".join(wrong) + ": không nhập bộ chỉ số với thiết lập khác. "
        f"Đổi thiết lập bằng lệnh period_settings --year {period.year} (hoặc trên trang sửa kỳ đánh giá) nếu cần."
    )


def settings_check(*, decimals: int | None = None, tie_rule: str | None = None) -> None:
    """Refuse a precision or a tie rule that does not exist (None: not asked)."""
    if decimals is not None and decimals not in DECIMALS:
        raise ScoringError(f"Số chữ số thập phân phải là 2 hoặc 3, không phải {decimals}.")
    if tie_rule is not None and tie_rule not in Period.TieRule.values:
        raise ScoringError(f"Cách xếp hạng '{tie_rule}' không hợp lệ (displayed hoặc exact).")


def _has_scores(period: Period) -> bool:
    given = Q(self_score__isnull=False) | Q(appraised_score__isnull=False) | Q(final_score__isnull=False)
    return Score.objects.filter(assessment__period=period).filter(given).exists()


def settings_set(period: Period, *, decimals: int | None = None, tie_rule: str | None = None, index_over_100: bool | None = None) -> bool:
    """Check a change of the settings of the locked `period` and set it on the instance (not
    saved); whether anything changed. None leaves a setting as it is. Raises the refusal."""
    decimals = None if decimals in (None, "") else int(decimals)
    tie_rule = tie_rule or None
    settings_check(decimals=decimals, tie_rule=tie_rule)
    changed = False
    if decimals is not None and decimals != period.decimals:
        if not period.is_draft:
            raise PhaseError(
                f"Kỳ đánh giá năm {period.year} đang ở giai đoạn {period.get_phase_display()}: chỉ đổi số chữ số thập phân "
                "khi kỳ đánh giá ở giai đoạn dự thảo, vì đổi sau khi đơn vị đã chấm sẽ làm thay đổi điểm và Chỉ số."
            )
        if _has_scores(period):
            raise ScoringError(
                f"Kỳ đánh giá năm {period.year} đã có điểm được chấm: không thể đổi số chữ số thập phân (điểm và Chỉ số sẽ thay đổi)."
            )
        period.decimals = decimals
        changed = True
    if tie_rule is not None and tie_rule != period.tie_rule:
        if period.phase == Phase.APPROVED:
            raise PhaseError(
                f"Kết quả năm {period.year} đã được phê duyệt và công bố: không thể đổi cách xếp hạng khi bằng điểm. "
                "Hãy mở lại kỳ đánh giá (nêu lý do) nếu cần."
            )
        period.tie_rule = tie_rule
        changed = True
    if index_over_100 is not None and bool(index_over_100) != period.index_over_100:
        # Whether bonus points may lift an index above 100 %: it changes indexes, so like the
        # tie rule it is frozen once the results are approved (and checked against a standing
        # approval by `settings_settle`).
        if period.phase == Phase.APPROVED:
            raise PhaseError(
                f"Kết quả năm {period.year} đã được phê duyệt và công bố: không thể đổi việc Chỉ số được vượt 100%. "
                "Hãy mở lại kỳ đánh giá (nêu lý do) nếu cần."
            )
        period.index_over_100 = bool(index_over_100)
        changed = True
    return changed


def _approved_positions(rows) -> dict[str, tuple]:
    return {row["unit_code"]: (row["rank"], row["index"]) for row in rows}


def settings_settle(*, period: Period) -> None:
    """After a change of the settings is saved: recompute the stored totals (the index rounds to
    the new precision, the exact ratio is what the exact rule ranks on), then refuse — undoing
    everything, the caller's transaction included — if the council's standing approval would now
    publish other ranks or indexes than it approved."""
    assessment_totals_refresh(period=period)
    approval = Approval.objects.filter(period=period, voided_at__isnull=True).first()
    if approval is None:
        return
    now = _approved_positions([row.as_plain() for row in ranking_for_period(period, provisional=True)])
    if now != _approved_positions(approval.snapshot):
        moved = sorted(code for code, place in now.items() if _approved_positions(approval.snapshot).get(code) != place)
        raise ScoringError(
            f"Hội đồng đã thông qua kết quả ngày {approval.council_approved_on:%d/%m/%Y}; thiết lập mới làm thay đổi thứ hạng "
            f"hoặc Chỉ số đã thông qua của {len(moved)} đơn vị ({', '.join(moved[:5])}{'…' if len(moved) > 5 else ''}). "
            "Chưa đổi thiết lập: nếu cần đổi, Sở Nội vụ hủy kết quả đã thông qua (trên trang xếp hạng, nêu lý do), đổi thiết lập, "
            "rồi Hội đồng thông qua lại."
        )


@transaction.atomic
def period_settings_update(
    *, actor, period: Period, decimals: int | None = None, tie_rule: str | None = None, index_over_100: bool | None = None
) -> Period:
    """Change a period's precision, tie rule and/or whether its index may exceed 100 % (None
    leaves one as it is): the checks of `settings_set`, one audit row, the totals recomputed,
    refused if it would change the ranking the council approved."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    before = snapshot(period, SETTINGS_FIELDS)
    if not settings_set(period, decimals=decimals, tie_rule=tie_rule, index_over_100=index_over_100):
        return period
    save_audited(period, before, actor=actor, action="period.settings", fields=SETTINGS_FIELDS, update_fields=SETTINGS_FIELDS + ["updated_at"])
    settings_settle(period=period)
    return period
