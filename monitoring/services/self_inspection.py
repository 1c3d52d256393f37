"""Writes to units' self-inspection: the standing list of a unit's divisions and sub-units, its
plan of the year (which of them, when, in person or online), the results and what they found,
and the province's share each unit must cover (staff)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit.services import audit_log, save_audited, snapshot
from inspections.models import Field, Finding
from units.models import Unit
from units.text import nfc

from .. import scope
from ..models import SelfInspection, SelfInspectionFinding, SelfInspectionTarget, SubUnit
from .errors import MonitoringError

SUBUNIT_FIELDS = ["name", "kind", "listed_on", "removed_on"]
PLAN_FIELDS = ["subunit", "year", "planned_date", "form"]
RESULT_FIELDS = ["status", "done_on", "result"]


def _require_acts_for(actor, unit_id: int) -> None:
    if not scope.acts_for(actor, unit_id):
        raise MonitoringError("Chỉ cập nhật được công tác tự kiểm tra của đơn vị mình.")


def _check_name(unit_id: int, name: str, *, exclude: int | None = None) -> str:
    name = nfc(name)
    if not name:
        raise MonitoringError("Chưa nhập tên phòng, đơn vị trực thuộc.")
    if len(name) > 255:
        raise MonitoringError("Tên dài quá 255 ký tự.")
    if SubUnit.objects.filter(unit_id=unit_id, name=name, removed_on__isnull=True).exclude(pk=exclude).exists():
        raise MonitoringError(f"Danh sách đã có “{name}”.")
    return name


# --- The standing list -----------------------------------------------------------------------------------


@transaction.atomic
def subunit_add(*, actor, unit: Unit, name: str, kind: str, listed_on: datetime.date | None = None) -> SubUnit:
    """Put a division or sub-unit on the unit's standing list."""
    _require_acts_for(actor, unit.pk)
    # The unit is locked: two people adding the same name at once would both pass the check.
    Unit.objects.select_for_update().get(pk=unit.pk)
    if kind not in SubUnit.Kind.values:
        raise MonitoringError("Chọn loại: phòng, ban chuyên môn hoặc đơn vị trực thuộc.")
    subunit = SubUnit(unit=unit, name=_check_name(unit.pk, name), kind=kind, listed_on=listed_on or timezone.localdate())
    save_audited(subunit, {}, actor=actor, action="subunit.add", fields=SUBUNIT_FIELDS)
    return subunit


@transaction.atomic
def subunit_update(*, actor, subunit: SubUnit, name: str, kind: str) -> SubUnit:
    """Correct a listed division's name or kind (a renamed division keeps its inspections)."""
    _require_acts_for(actor, subunit.unit_id)
    Unit.objects.select_for_update().get(pk=subunit.unit_id)
    subunit = SubUnit.objects.select_for_update().get(pk=subunit.pk)
    if subunit.removed_on is not None:
        raise MonitoringError(f"“{subunit.name}” đã được bỏ khỏi danh sách, không sửa được.")
    if kind not in SubUnit.Kind.values:
        raise MonitoringError("Chọn loại: phòng, ban chuyên môn hoặc đơn vị trực thuộc.")
    before = snapshot(subunit, SUBUNIT_FIELDS)
    subunit.name, subunit.kind = _check_name(subunit.unit_id, name, exclude=subunit.pk), kind
    save_audited(subunit, before, actor=actor, action="subunit.update", fields=SUBUNIT_FIELDS)
    return subunit


@transaction.atomic
def subunit_remove(*, actor, subunit: SubUnit, removed_on: datetime.date | None = None) -> SubUnit:
    """Take a division off the standing list (merged, dissolved): from `removed_on` it no longer
    counts in the coverage; its past inspections stay."""
    _require_acts_for(actor, subunit.unit_id)
    subunit = SubUnit.objects.select_for_update().get(pk=subunit.pk)
    if subunit.removed_on is not None:
        raise MonitoringError(f"“{subunit.name}” đã được bỏ khỏi danh sách từ ngày {subunit.removed_on:%d/%m/%Y}.")
    before = snapshot(subunit, SUBUNIT_FIELDS)
    # Taken off the day it was listed (a mistake): it never counted.
    subunit.removed_on = max(removed_on or timezone.localdate(), subunit.listed_on)
    save_audited(subunit, before, actor=actor, action="subunit.remove", fields=SUBUNIT_FIELDS)
    return subunit


# --- The province's share ------------------------------------------------------------------------------------


@transaction.atomic
def self_inspection_target_set(*, actor, year: int, min_share: Decimal) -> SelfInspectionTarget:
    """Set the share of its standing list each unit must self-inspect in `year`."""
    if not scope.manages(actor):
        raise MonitoringError("Chỉ Sở Nội vụ đặt được tỷ lệ tự kiểm tra tối thiểu.")
    if min_share is None or not Decimal("0") < min_share <= Decimal("100"):
        raise MonitoringError("Tỷ lệ tối thiểu phải lớn hơn 0 và không quá 100 %.")
    if min_share != min_share.quantize(Decimal("0.01")):
        raise MonitoringError("Tỷ lệ tối thiểu có nhiều nhất hai chữ số thập phân.")
    target = SelfInspectionTarget.objects.select_for_update().filter(year=year).first()
    before = snapshot(target, ["min_share"]) if target else {}
    target = target or SelfInspectionTarget(year=year)
    target.min_share = min_share
    save_audited(target, before, actor=actor, action="self_inspection_target.set", fields=["year", "min_share"])
    return target


# --- The plan of the year and its results ---------------------------------------------------------------------


def _check_plan(unit_id: int, subunit: SubUnit, year: int, planned_date: datetime.date, form: str) -> None:
    if subunit.unit_id != unit_id:
        raise MonitoringError("Phòng, đơn vị được kiểm tra phải thuộc danh sách của đơn vị.")
    if planned_date is None or planned_date.year != year:
        raise MonitoringError(f"Thời gian kiểm tra phải trong năm {year}.")
    if not subunit.standing_on(planned_date):
        raise MonitoringError(f"Vào ngày {planned_date:%d/%m/%Y}, “{subunit.name}” không có trong danh sách phòng, đơn vị trực thuộc.")
    if form not in SelfInspection.Form.values:
        raise MonitoringError("Chọn hình thức kiểm tra: trực tiếp hoặc trực tuyến.")


@transaction.atomic
def self_inspection_plan(
    *, actor, unit: Unit, year: int, subunit: SubUnit, planned_date: datetime.date, form: str, inspection: SelfInspection | None = None
) -> SelfInspection:
    """Put a sub-unit in the unit's self-inspection plan of the year, or change when and how."""
    unit_id = inspection.unit_id if inspection else unit.pk
    _require_acts_for(actor, unit_id)
    if inspection is not None:
        inspection = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.is_done:
            raise MonitoringError("Cuộc tự kiểm tra đã có kết quả, không sửa được kế hoạch.")
        year = inspection.year
        before = snapshot(inspection, PLAN_FIELDS)
    else:
        inspection = SelfInspection(unit_id=unit_id, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        before = {}
    _check_plan(unit_id, subunit, year, planned_date, form)
    inspection.subunit, inspection.year, inspection.planned_date, inspection.form = subunit, year, planned_date, form
    save_audited(inspection, before, actor=actor, action="self_inspection.update" if before else "self_inspection.plan", fields=PLAN_FIELDS)
    return inspection


@transaction.atomic
def self_inspection_record(*, actor, inspection: SelfInspection, done_on: datetime.date, result: str) -> SelfInspection:
    """Record that the self-inspection took place and its overall result (or correct them)."""
    _require_acts_for(actor, inspection.unit_id)
    inspection = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
    result = nfc(result)
    if not result:
        raise MonitoringError("Chưa nhập kết quả kiểm tra.")
    if done_on is None or done_on.year != inspection.year:
        raise MonitoringError(f"Ngày kiểm tra phải trong năm {inspection.year}.")
    if done_on > timezone.localdate():
        raise MonitoringError("Ngày kiểm tra không được sau hôm nay.")
    before = snapshot(inspection, RESULT_FIELDS)
    inspection.status, inspection.done_on, inspection.result = SelfInspection.Status.DONE, done_on, result
    save_audited(inspection, before, actor=actor, action="self_inspection.record", fields=RESULT_FIELDS)
    return inspection


@transaction.atomic
def self_inspection_finding_add(
    *, actor, inspection: SelfInspection, field: str, kind: str, text: str, recommendation: str = ""
) -> SelfInspectionFinding:
    """Write down a strength or a shortcoming the self-inspection found."""
    _require_acts_for(actor, inspection.unit_id)
    inspection = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
    if not inspection.is_done:
        raise MonitoringError("Ghi kết quả cuộc tự kiểm tra (ngày kiểm tra, kết quả) trước khi ghi ưu điểm, tồn tại.")
    text, recommendation = nfc(text), nfc(recommendation)
    if field not in Field.values:
        raise MonitoringError("Chưa chọn lĩnh vực.")
    if kind not in Finding.Kind.values:
        raise MonitoringError("Chọn ưu điểm hoặc tồn tại, hạn chế.")
    if not text:
        raise MonitoringError("Chưa nhập nội dung.")
    if kind == Finding.Kind.SHORTCOMING and not recommendation:
        raise MonitoringError("Tồn tại, hạn chế cần có kiến nghị, yêu cầu khắc phục.")
    finding = SelfInspectionFinding.objects.create(
        inspection=inspection, field=field, kind=kind, text=text, recommendation=recommendation if kind == Finding.Kind.SHORTCOMING else ""
    )
    audit_log(actor=actor, action="self_inspection.finding_add", target=inspection, changes={"finding": [None, str(finding)]})
    return finding
