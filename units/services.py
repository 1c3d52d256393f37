"""Writes to units, blocks and heads. Every change is audited."""

from cchc.errors import DomainError
import datetime
from dataclasses import dataclass

from django.db import transaction

from audit.services import AuditEntry, audit_log, audit_log_many, diff_fields, save_audited, snapshot
from cchc.tabular import ImportRejected, RowError, Table

from .models import Block, Unit, UnitHead
from .text import nfc

UNIT_COLUMNS = ["code", "name", "block", "parent_code", "head_name", "head_title"]
BLOCK_FIELDS = ["code", "name", "order", "active"]
UNIT_FIELDS = ["code", "name", "short_name", "block", "parent", "active", "address", "phone", "email", "website"]


class UnitError(DomainError):
    """A refused change, with a message to show as is."""


def _snapshot(unit: Unit) -> dict:
    return snapshot(unit, UNIT_FIELDS)


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    seen = {unit.pk}
    node = parent
    while node is not None:
        if node.pk in seen:
            raise UnitError("Đơn vị cấp trên không hợp lệ: tạo thành vòng lặp (đơn vị là cấp trên của chính nó).")
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def unit_create(*, actor, **fields) -> Unit:
    unit = Unit(**fields)
    unit.full_clean()
    save_audited(unit, {}, actor=actor, action="unit.create", fields=UNIT_FIELDS)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _snapshot(unit)
    for name, value in fields.items():
        setattr(unit, name, value)
    if "parent" in fields and unit.parent_id:
        _check_parent(unit, unit.parent)
    unit.full_clean()
    save_audited(unit, before, actor=actor, action="unit.update", fields=UNIT_FIELDS)
    return unit


@transaction.atomic
def block_save(*, actor, block: Block | None = None, **fields) -> Block:
    block = block or Block()
    before = snapshot(block, BLOCK_FIELDS) if block.pk else {}
    for name, value in fields.items():
        setattr(block, name, value)
    block.full_clean()
    save_audited(block, before, actor=actor, action="block.save", fields=BLOCK_FIELDS)
    return block


@transaction.atomic
def unit_head_appoint(*, actor, unit: Unit, full_name: str, title: str = "", start_date: datetime.date | None) -> UnitHead:
    """A new head takes office: the serving head's term ends the day before."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    full_name, title = nfc(full_name), nfc(title)
    if not full_name:
        raise UnitError("Chưa nhập họ và tên người đứng đầu.")
    serving = list(unit.heads.filter(end_date__isnull=True))
    for head in serving:
        if start_date and head.start_date and head.start_date >= start_date:
            raise UnitError(
                f"Ngày bắt đầu phải sau ngày bắt đầu của người đứng đầu hiện tại ({head.start_date:%d/%m/%Y})."
            )
    for head in serving:
        head.end_date = (start_date - datetime.timedelta(days=1)) if start_date else datetime.date.today()
        head.save(update_fields=["end_date"])
    head = UnitHead.objects.create(unit=unit, full_name=full_name, title=title, start_date=start_date)
    audit_log(
        actor=actor,
        action="unit.head_appoint",
        target=unit,
        changes={"head": [", ".join(str(h) for h in serving) or None, str(head)]},
    )
    return head


# --- Import / export --------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"Thêm mới {self.created}, cập nhật {self.updated}, không đổi {self.unchanged} đơn vị."


def _validate_unit_rows(table: Table) -> list[RowError]:
    errors: list[RowError] = []
    blocks = set(Block.objects.values_list("code", flat=True))
    existing = set(Unit.objects.values_list("code", flat=True))
    first_row_of: dict[str, int] = {}
    for number, row in table.rows:
        code = row["code"]
        if not code:
            errors.append(RowError(number, "code", "Chưa có mã đơn vị."))
        elif len(code) > 32 or any(ch.isspace() for ch in code):
            errors.append(RowError(number, "code", f"Mã đơn vị '{code}' không hợp lệ (tối đa 32 ký tự, không có dấu cách)."))
        elif code in first_row_of:
            errors.append(RowError(number, "code", f"Mã đơn vị '{code}' bị trùng với dòng {first_row_of[code]}."))
        else:
            first_row_of[code] = number
        if not row["name"]:
            errors.append(RowError(number, "name", "Chưa có tên đơn vị."))
        elif len(row["name"]) > 255:
            errors.append(RowError(number, "name", "Tên đơn vị dài quá 255 ký tự."))
        if not row["block"]:
            errors.append(RowError(number, "block", "Chưa có mã khối."))
        elif row["block"] not in blocks:
            errors.append(RowError(number, "block", f"Khối '{row['block']}' không tồn tại (các khối: {', '.join(sorted(blocks))})."))
        if row["head_title"] and not row["head_name"]:
            errors.append(RowError(number, "head_name", "Có chức vụ nhưng chưa có họ tên người đứng đầu."))
    parent_of = {row["code"]: row["parent_code"] for _, row in table.rows}
    for number, row in table.rows:
        parent = row["parent_code"]
        if not parent:
            continue
        if parent == row["code"]:
            errors.append(RowError(number, "parent_code", "Đơn vị không thể là cấp trên của chính nó."))
        elif parent not in first_row_of and parent not in existing:
            errors.append(RowError(number, "parent_code", f"Không tìm thấy đơn vị cấp trên có mã '{parent}'."))
        else:
            # Follow the chain inside the file to catch A → B → A.
            seen, node = {row["code"]}, parent
            while node and node in parent_of:
                if node in seen:
                    errors.append(RowError(number, "parent_code", "Quan hệ cấp trên tạo thành vòng lặp."))
                    break
                seen.add(node)
                node = parent_of[node]
    return errors


@transaction.atomic
def units_import(*, table: Table, actor) -> ImportResult:
    """Create or update units from an import table: all rows or none.

    Re-importing the same file changes nothing; a new head name closes the serving head's term.
    """
    errors = _validate_unit_rows(table)
    if errors:
        raise ImportRejected(errors)

    blocks = {b.code: b for b in Block.objects.all()}
    units = {u.code: u for u in Unit.objects.select_for_update().all()}
    result = ImportResult()
    changed: dict[str, dict] = {}

    # Two passes: every unit must exist before any row can name it as its parent.
    for _, row in table.rows:
        unit = units.get(row["code"])
        if unit is None:
            unit = Unit(code=row["code"], name=row["name"], block=blocks[row["block"]])
            unit.save()
            units[unit.code] = unit
            changed[unit.code] = {"created": True}
            continue
        before = _snapshot(unit)
        unit.name, unit.block = row["name"], blocks[row["block"]]
        diff = diff_fields(before, _snapshot(unit))
        if diff:
            unit.save()
            changed[unit.code] = diff
    for _, row in table.rows:
        unit = units[row["code"]]
        parent = units.get(row["parent_code"]) if row["parent_code"] else None
        if unit.parent_id != (parent.pk if parent else None):
            changed.setdefault(unit.code, {})["parent"] = [str(unit.parent) if unit.parent_id else None, str(parent) if parent else None]
            unit.parent = parent
            unit.save(update_fields=["parent", "updated_at"])

    serving = {}
    for head in UnitHead.objects.current().filter(unit__code__in=[r["code"] for _, r in table.rows]).order_by("start_date", "id"):
        serving[head.unit_id] = head
    today = datetime.date.today()
    for _, row in table.rows:
        if not row["head_name"]:
            continue
        unit = units[row["code"]]
        head = serving.get(unit.pk)
        if head and head.full_name == row["head_name"]:
            if head.title != row["head_title"]:
                changed.setdefault(unit.code, {})["head_title"] = [head.title, row["head_title"]]
                head.title = row["head_title"]
                head.save(update_fields=["title"])
            continue
        if head:
            head.end_date = max(today - datetime.timedelta(days=1), head.start_date or datetime.date.min)
            head.save(update_fields=["end_date"])
        UnitHead.objects.create(unit=unit, full_name=row["head_name"], title=row["head_title"], start_date=None if not head else today)
        changed.setdefault(unit.code, {})["head"] = [str(head) if head else None, row["head_name"]]

    created, updated = [], []
    for _, row in table.rows:
        code = row["code"]
        if code not in changed:
            result.unchanged += 1
            continue
        diff = changed[code]
        if diff.pop("created", False):
            created.append(AuditEntry(target=units[code], changes=diff_fields({}, _snapshot(units[code]))))
        else:
            updated.append(AuditEntry(target=units[code], changes=diff))
    result.created, result.updated = len(created), len(updated)
    audit_log_many(actor=actor, action="unit.import_create", entries=created)
    audit_log_many(actor=actor, action="unit.import_update", entries=updated)
    return result
