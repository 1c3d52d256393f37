"""Writes to the emulation package: the rule by which Sở Nội vụ proposes units for commendation
in a year's emulation review (which classifications, how many leading places of each block)."""

from django.db import transaction

from audit.services import save_audited, snapshot
from scoring.models import Period
from scoring.selectors.results import BANDS

from .. import scope
from ..models import EmulationRule
from .errors import MonitoringError

RULE_FIELDS = ["classifications", "top_n_per_block"]
MAX_TOP_N = 1000


@transaction.atomic
def emulation_rule_set(*, actor, period: Period, classifications, top_n_per_block: int | None) -> EmulationRule:
    """Set the year's rule (staff). Allowed before the results are published too, so that the
    rule is ready when they are; a package is only made of published results."""
    if not scope.manages(actor):
        raise MonitoringError("Chỉ Sở Nội vụ đặt được tiêu chí đề nghị khen thưởng.")
    chosen = set(classifications or ())
    unknown = chosen - set(BANDS)
    if unknown:
        raise MonitoringError(f"Xếp loại không hợp lệ: {', '.join(sorted(unknown))}.")
    if not chosen:
        raise MonitoringError("Chọn ít nhất một xếp loại được đề nghị khen thưởng.")
    if top_n_per_block is not None and not 1 <= top_n_per_block <= MAX_TOP_N:
        raise MonitoringError(f"Số thứ hạng dẫn đầu mỗi khối phải từ 1 đến {MAX_TOP_N}, hoặc để trống (không giới hạn).")
    # The period is locked: two first saves at once would both create the year's rule.
    period = Period.objects.select_for_update().get(pk=period.pk)
    rule = EmulationRule.objects.select_for_update().filter(period=period).first()
    before = snapshot(rule, RULE_FIELDS) if rule else {}
    rule = rule or EmulationRule(period=period)
    rule.classifications = [band for band in BANDS if band in chosen]
    rule.top_n_per_block = top_n_per_block
    save_audited(rule, before, actor=actor, action="emulation_rule.set", fields=RULE_FIELDS)
    return rule
