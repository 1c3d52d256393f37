"""Writes to the registry of CCHC models and initiatives (mô hình, sáng kiến):

registered → implementing (the unit) → recognised (Sở Nội vụ, with the decision) → replicated
(Sở Nội vụ records the units that adopted it)."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_log, diff_fields, snapshot
from inspections.models import Field
from units.models import Unit
from units.text import nfc

from .. import scope
from ..models import Initiative, InitiativeEvidence
from .common import unit_problem
from .errors import MonitoringError
from .files import check_files, store_files

INITIATIVE_FIELDS = ["unit", "year", "title", "field", "description"]
S = Initiative.Status


def _check_values(*, unit: Unit, year: int, title: str, field: str, description: str) -> None:
    if not title:
        raise MonitoringError("Chưa nhập tên mô hình, sáng kiến.")
    if len(title) > 255:
        raise MonitoringError("Tên mô hình, sáng kiến dài quá 255 ký tự.")
    if field not in Field.values:
        raise MonitoringError("Chưa chọn lĩnh vực.")
    if not description:
        raise MonitoringError("Chưa nhập mô tả: nội dung, cách làm, hiệu quả.")
    if not 2000 <= year <= 2100:
        raise MonitoringError("Năm đăng ký phải từ 2000 đến 2100.")
    if problem := unit_problem(unit, year):
        raise MonitoringError(problem)


def _files_change(stored) -> dict:
    return {"files": [None, [row.original_name for row in stored]]} if stored else {}


@transaction.atomic
def initiative_register(*, actor, unit: Unit, year: int, title: str, field: str, description: str, files=()) -> Initiative:
    """A unit registers a model or initiative, with documents about it."""
    if not scope.acts_for(actor, unit.pk):
        raise MonitoringError("Chỉ đăng ký được mô hình, sáng kiến của đơn vị mình.")
    title, description = nfc(title), nfc(description)
    _check_values(unit=unit, year=year, title=title, field=field, description=description)
    files = list(files)
    kinds = check_files(files)
    initiative = Initiative(
        unit=unit, year=year, title=title, field=field, description=description,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    initiative.save()
    stored = store_files(InitiativeEvidence, files, kinds, actor=actor, initiative=initiative)
    changes = {**diff_fields({}, snapshot(initiative, INITIATIVE_FIELDS)), **_files_change(stored)}
    audit_log(actor=actor, action="initiative.register", target=initiative, changes=changes)
    return initiative


@transaction.atomic
def initiative_update(*, actor, initiative: Initiative, title: str, field: str, description: str, files=()) -> Initiative:
    """Change what the registry says of an initiative, or add documents. The unit may until it is
    recognised; after that the recognition decision stands for what was recognised, and only Sở
    Nội vụ corrects it."""
    initiative = Initiative.objects.select_for_update().select_related("unit").get(pk=initiative.pk)
    if not scope.may_edit_initiative(actor, initiative):
        raise MonitoringError("Chỉ sửa được mô hình, sáng kiến của đơn vị mình.")
    if initiative.is_recognised and not scope.manages(actor):
        raise MonitoringError("Mô hình, sáng kiến đã được công nhận, đơn vị không sửa được; hãy liên hệ Sở Nội vụ.")
    before = snapshot(initiative, INITIATIVE_FIELDS)
    initiative.title, initiative.field, initiative.description = nfc(title), field, nfc(description)
    _check_values(unit=initiative.unit, year=initiative.year, title=initiative.title, field=field, description=initiative.description)
    files = list(files)
    kinds = check_files(files)
    changes = diff_fields(before, snapshot(initiative, INITIATIVE_FIELDS))
    if not changes and not files:
        return initiative
    initiative.save()
    stored = store_files(InitiativeEvidence, files, kinds, actor=actor, initiative=initiative)
    audit_log(actor=actor, action="initiative.update", target=initiative, changes={**changes, **_files_change(stored)})
    return initiative


@transaction.atomic
def initiative_start(*, actor, initiative: Initiative, since: datetime.date | None = None) -> Initiative:
    """The unit puts the registered initiative into practice (đang triển khai)."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not scope.may_edit_initiative(actor, initiative):
        raise MonitoringError("Chỉ cập nhật được mô hình, sáng kiến của đơn vị mình.")
    if initiative.status != S.REGISTERED:
        raise MonitoringError(f"Mô hình, sáng kiến đang ở tình trạng “{initiative.get_status_display()}”, không chuyển sang triển khai được.")
    since = since or timezone.localdate()
    initiative.status, initiative.implementing_since = S.IMPLEMENTING, since
    initiative.save(update_fields=["status", "implementing_since", "updated_at"])
    audit_log(
        actor=actor, action="initiative.start", target=initiative,
        changes={"status": [S.REGISTERED, S.IMPLEMENTING], "implementing_since": [None, since]},
    )
    return initiative


@transaction.atomic
def initiative_recognise(*, actor, initiative: Initiative, decision_number: str, decision_date: datetime.date) -> Initiative:
    """Sở Nội vụ records the decision recognising an initiative under way."""
    if not scope.may_recognise(actor):
        raise MonitoringError("Chỉ Sở Nội vụ ghi nhận được việc công nhận mô hình, sáng kiến.")
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.status != S.IMPLEMENTING:
        raise MonitoringError("Chỉ công nhận được mô hình, sáng kiến đang triển khai.")
    decision_number = nfc(decision_number)
    if not decision_number or decision_date is None:
        raise MonitoringError("Nhập số và ngày của quyết định công nhận.")
    if decision_date > timezone.localdate():
        raise MonitoringError("Ngày quyết định công nhận không được sau hôm nay.")
    if initiative.implementing_since and decision_date < initiative.implementing_since:
        raise MonitoringError(f"Ngày quyết định công nhận trước ngày bắt đầu triển khai ({initiative.implementing_since:%d/%m/%Y}).")
    initiative.status, initiative.decision_number, initiative.decision_date = S.RECOGNISED, decision_number, decision_date
    initiative.save(update_fields=["status", "decision_number", "decision_date", "updated_at"])
    audit_log(
        actor=actor, action="initiative.recognise", target=initiative,
        changes={"status": [S.IMPLEMENTING, S.RECOGNISED], "decision_number": [None, decision_number], "decision_date": [None, decision_date]},
    )
    return initiative


@transaction.atomic
def initiative_replicate(*, actor, initiative: Initiative, adopters) -> Initiative:
    """Sở Nội vụ records which other units adopted a recognised initiative (nhân rộng); the list
    can be completed later."""
    if not scope.may_recognise(actor):
        raise MonitoringError("Chỉ Sở Nội vụ ghi nhận được việc nhân rộng mô hình, sáng kiến.")
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not initiative.is_recognised:
        raise MonitoringError("Chỉ nhân rộng được mô hình, sáng kiến đã được công nhận.")
    adopters = sorted({u for u in adopters if u.pk != initiative.unit_id}, key=lambda u: u.code)
    if not adopters:
        raise MonitoringError("Chọn ít nhất một đơn vị (khác đơn vị đăng ký) áp dụng mô hình, sáng kiến.")
    before = {"status": initiative.status, "adopters": sorted(u.code for u in initiative.adopters.all())}
    initiative.status = S.REPLICATED
    initiative.save(update_fields=["status", "updated_at"])
    initiative.adopters.set(adopters)
    changes = diff_fields(before, {"status": initiative.status, "adopters": [u.code for u in adopters]})
    if changes:
        audit_log(actor=actor, action="initiative.replicate", target=initiative, changes=changes)
    return initiative
