"""The steps of a period refuse on the blocking items of their checklist (`scoring.selectors.
readiness`), the same list the page and `period_phase` show. Staff may pass an item that allows
it with a written reason, which the audit log keeps and the period page shows."""

from audit.services import audit_log
from units.text import nfc

from ..scope import acts_as_staff
from ..selectors.readiness import Readiness
from .errors import PhaseError


def readiness_enforce(*, actor, period, readiness: Readiness | None, override_reason: str = "") -> None:
    """Refuse the step while a blocking item is open, unless every open one may be overridden
    and staff gave a reason; record such an override. Runs inside the step's transaction, so the
    record stays only if the step happens."""
    if readiness is None or not readiness.blockers:
        return
    fixed = [item for item in readiness.blockers if not item.overridable]
    if fixed:
        raise PhaseError(f"Chưa thể thực hiện: {readiness.summary(fixed)}.")
    reason = nfc(override_reason)
    if not reason:
        raise PhaseError(
            f"Chưa thể thực hiện: {readiness.summary()}. "
            "Hãy hoàn thành các mục này, hoặc (Sở Nội vụ) ghi lý do để vẫn tiếp tục."
        )
    if not acts_as_staff(actor):
        raise PhaseError(f"Chỉ Sở Nội vụ mới được bỏ qua các mục chưa hoàn thành ({readiness.summary()}).")
    audit_log(
        actor=actor,
        action="readiness.override",
        target=period,
        changes={"step": [None, readiness.title], "items": [None, [f"{item.label}: {item.count}" for item in readiness.blockers]]},
        reason=reason,
    )
