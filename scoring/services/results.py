"""Writes of a period's results: the council's approval, the People's Committee decision, the
council's override of a head-of-unit rating, and voiding an approval that no longer matches the
scores. Every write is audited."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_log
from units.text import nfc

from ..models import Approval, Assessment, HeadRating, HeadRatingOverride, Period, Phase
from ..scope import acts_as_staff, assessment_access, is_council, is_staff
from ..selectors.readiness import approval_readiness
from ..selectors.results import approval_for_period, ranking_for_period, scores_hash
from .errors import PhaseError, ScoringError
from .readiness import readiness_enforce

STALE_REASON = "Điểm đã thay đổi sau khi Hội đồng thông qua"


def _approval_changes(approval: Approval) -> dict:
    return {
        "council_approved_on": [None, f"{approval.council_approved_on:%d/%m/%Y}"],
        "minutes_ref": [None, approval.minutes_ref],
        "rows": [None, len(approval.snapshot)],
        "scores_hash": [None, approval.scores_hash],
    }


def _void(*, actor, approval: Approval, reason: str) -> Approval:
    approval.voided_at = timezone.now()
    approval.void_reason = reason
    approval.save(update_fields=["voided_at", "void_reason"])
    audit_log(actor=actor, action="approval.void", target=approval.period, changes={"approval": [str(approval), None]}, reason=reason)
    return approval


@transaction.atomic
def approval_record(*, actor, period: Period, council_approved_on: datetime.date, minutes_ref: str, override_reason: str = "") -> Approval:
    """The council approves the results as they stand (finalisation phase): the ranking is kept as
    it was approved, with a fingerprint of every final score to notice later changes."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not (acts_as_staff(actor) or is_council(actor)):
        raise ScoringError("Chỉ thành viên Hội đồng thẩm định hoặc Sở Nội vụ mới ghi nhận việc Hội đồng thông qua kết quả.")
    if period.phase != Phase.FINALIZATION:
        raise PhaseError(
            f"Kỳ đánh giá đang ở giai đoạn {period.get_phase_display()}; Hội đồng chỉ thông qua kết quả trong giai đoạn hoàn thiện kết quả."
        )
    minutes_ref = nfc(minutes_ref)
    if not minutes_ref:
        raise ScoringError("Cần ghi biên bản họp Hội đồng (số, ngày biên bản).")
    if council_approved_on is None:
        raise ScoringError("Cần ghi ngày Hội đồng thông qua.")
    # Nothing unfinished is approved: rows nobody appraised, a survey never entered, explanations
    # nobody answered, scores given by a member who stood aside.
    readiness_enforce(actor=actor, period=period, readiness=approval_readiness(period), override_reason=override_reason)
    digest = scores_hash(period)
    active = Approval.objects.select_for_update().filter(period=period, voided_at__isnull=True).first()
    if active is not None:
        if active.scores_hash == digest:
            raise ScoringError(
                f"Hội đồng đã thông qua kết quả ngày {active.council_approved_on:%d/%m/%Y} và điểm không thay đổi từ đó."
            )
        _void(actor=actor, approval=active, reason=STALE_REASON)
    rows = ranking_for_period(period, provisional=True)
    approval = Approval.objects.create(
        period=period,
        council_approved_on=council_approved_on,
        minutes_ref=minutes_ref,
        snapshot=[row.as_plain() for row in rows],
        scores_hash=digest,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(actor=actor, action="approval.record", target=period, changes=_approval_changes(approval))
    return approval


@transaction.atomic
def approval_set_decision(
    *, actor, approval: Approval, decision_number: str, decision_date: datetime.date, signer_name: str, signer_title: str
) -> Approval:
    """Staff enter the People's Committee decision that approves the council's results."""
    # The period first, as every phase change locks it: the decision cannot change under the move
    # to "approved", and once approved it is part of what was published.
    period = Period.objects.select_for_update().get(pk=approval.period_id)
    approval = Approval.objects.select_for_update().select_related("period").get(pk=approval.pk)
    if not acts_as_staff(actor):
        raise ScoringError("Chỉ Sở Nội vụ mới nhập quyết định phê duyệt.")
    if period.phase == Phase.APPROVED:
        raise PhaseError(
            "Kết quả đã được phê duyệt và công bố theo quyết định này; không thể sửa số, ngày quyết định hay người ký. "
            "Hãy đưa kỳ đánh giá về giai đoạn hoàn thiện kết quả (nêu lý do) nếu cần sửa."
        )
    if not approval.is_active:
        raise ScoringError("Kết quả Hội đồng thông qua này đã bị hủy; Hội đồng cần thông qua lại.")
    values = {
        "decision_number": nfc(decision_number),
        "decision_date": decision_date,
        "signer_name": nfc(signer_name),
        "signer_title": nfc(signer_title),
    }
    missing = [label for name, label in (
        ("decision_number", "số quyết định"), ("decision_date", "ngày quyết định"), ("signer_name", "người ký"), ("signer_title", "chức vụ người ký")
    ) if not values[name]]
    if missing:
        raise ScoringError("Chưa nhập " + ", ".join(missing) + ".")
    if decision_date < approval.council_approved_on:
        raise ScoringError("Ngày quyết định không được trước ngày Hội đồng thông qua.")
    before = {name: getattr(approval, name) for name in values}
    for name, value in values.items():
        setattr(approval, name, value)
    approval.save(update_fields=list(values))
    changes = {
        name: [_text(before[name]), _text(value)] for name, value in values.items() if before[name] != value
    }
    if changes:
        audit_log(actor=actor, action="approval.decision", target=approval.period, changes=changes)
    return approval


def _text(value):
    return f"{value:%d/%m/%Y}" if isinstance(value, datetime.date) else (value or None)


@transaction.atomic
def approval_void(*, actor, approval: Approval, reason: str) -> Approval:
    """Staff withdraw the council's approval (e.g. recorded by mistake); the row stays as record."""
    approval = Approval.objects.select_for_update().select_related("period").get(pk=approval.pk)
    if not is_staff(actor):
        raise ScoringError("Chỉ Sở Nội vụ mới hủy kết quả Hội đồng đã thông qua.")
    if approval.period.phase == Phase.APPROVED:
        raise PhaseError("Kết quả đã được phê duyệt; hãy đưa kỳ đánh giá về giai đoạn hoàn thiện kết quả (nêu lý do) trước khi hủy.")
    if not approval.is_active:
        raise ScoringError("Kết quả này đã bị hủy.")
    reason = nfc(reason)
    if not reason:
        raise ScoringError("Cần nêu lý do hủy.")
    return _void(actor=actor, approval=approval, reason=reason)


def approval_void_if_stale(*, period: Period, actor=None) -> bool:
    """Void the period's approval when the scores no longer match it. Called inside the score
    writes' transactions; costs one query when there is no active approval (almost always)."""
    approval = Approval.objects.filter(period_id=period.pk, voided_at__isnull=True).first()
    if approval is None or approval.scores_hash == scores_hash(period):
        return False
    _void(actor=actor, approval=approval, reason=STALE_REASON)
    return True


def check_ready_to_approve(*, actor, period: Period) -> Approval:
    """The move to `approved` needs the council's approval, still matching the scores, and the
    decision's number, date and signer. Runs under the period's lock."""
    approval = Approval.objects.select_for_update().filter(period=period, voided_at__isnull=True).first()
    if approval is None:
        raise PhaseError("Chưa thể phê duyệt: Hội đồng thẩm định chưa thông qua kết quả (hoặc kết quả đã thông qua bị hủy do điểm thay đổi).")
    if approval.scores_hash != scores_hash(period):
        raise PhaseError(
            f"{STALE_REASON} ngày {approval.council_approved_on:%d/%m/%Y}: kết quả thông qua đã bị hủy, Hội đồng cần thông qua lại."
        )
    if not approval.has_decision:
        raise PhaseError("Chưa thể phê duyệt: chưa nhập số, ngày quyết định phê duyệt và người ký.")
    return approval


def _check_may_rate_head(actor, assessment: Assessment) -> None:
    # A member does not rate the head of their own unit, nor of a unit they stood aside from.
    if not assessment_access(actor, assessment, fresh=True).may_rate_head:
        raise ScoringError("Chỉ Sở Nội vụ hoặc thành viên Hội đồng thẩm định được đánh giá đơn vị này mới điều chỉnh đánh giá người đứng đầu.")


def _check_override_phase(period: Period) -> None:
    if period.phase not in (Phase.EXPLANATION, Phase.FINALIZATION):
        raise PhaseError("Chỉ điều chỉnh mức độ hoàn thành nhiệm vụ của người đứng đầu trước khi kết quả được phê duyệt, trong giai đoạn hoàn thiện kết quả.")


def approval_void_active(*, actor, period: Period, reason: str) -> bool:
    """Void the period's active approval because something it fixed changed (a head rating,
    the bands or thresholds): the council must approve again. Runs under the period's lock."""
    approval = Approval.objects.select_for_update().filter(period=period, voided_at__isnull=True).first()
    if approval is None:
        return False
    _void(actor=actor, approval=approval, reason=reason)
    return True


def _void_for_override(*, actor, period: Period) -> None:
    # The approval kept the head ratings as the council approved them: a later change needs a new approval.
    approval = Approval.objects.select_for_update().filter(period=period, voided_at__isnull=True).first()
    if approval is not None:
        _void(actor=actor, approval=approval, reason="Đánh giá người đứng đầu được điều chỉnh sau khi Hội đồng thông qua")


@transaction.atomic
def head_rating_override_set(*, actor, assessment: Assessment, rating: str, reason: str) -> HeadRatingOverride:
    """The council rates a head other than the thresholds give, with a written reason."""
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("unit", "period", "framework").get(pk=assessment.pk)
    _check_may_rate_head(actor, assessment)
    _check_override_phase(assessment.period)
    if rating not in HeadRating.values:
        raise ScoringError("Mức độ hoàn thành nhiệm vụ không hợp lệ.")
    reason = nfc(reason)
    if not reason:
        raise ScoringError("Cần nêu lý do điều chỉnh đánh giá người đứng đầu.")
    _void_for_override(actor=actor, period=assessment.period)
    existing = HeadRatingOverride.objects.filter(assessment=assessment).first()
    before = existing.get_rating_display() if existing else None
    override, _ = HeadRatingOverride.objects.update_or_create(
        assessment=assessment,
        defaults={"rating": rating, "reason": reason, "created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    audit_log(
        actor=actor, action="head_rating.override", target=assessment,
        changes={"head_rating": [before, HeadRating(rating).label]}, reason=reason,
    )
    return override


@transaction.atomic
def head_rating_override_remove(*, actor, assessment: Assessment, reason: str = "") -> None:
    """Back to the rating the thresholds give."""
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("unit", "period", "framework").get(pk=assessment.pk)
    _check_may_rate_head(actor, assessment)
    _check_override_phase(assessment.period)
    override = HeadRatingOverride.objects.filter(assessment=assessment).first()
    if override is None:
        raise ScoringError("Đánh giá người đứng đầu này chưa được điều chỉnh.")
    _void_for_override(actor=actor, period=assessment.period)
    audit_log(
        actor=actor, action="head_rating.override_remove", target=assessment,
        changes={"head_rating": [override.get_rating_display(), None]}, reason=nfc(reason),
    )
    override.delete()


__all__ = [
    "STALE_REASON", "approval_for_period", "approval_record", "approval_set_decision", "approval_void", "approval_void_if_stale",
    "check_ready_to_approve", "head_rating_override_remove", "head_rating_override_set",
]
