"""Writes to units, blocks, heads and a unit's parent history. Every change is audited."""

import datetime
from dataclasses import dataclass

from django import forms as django_forms
from django.db import transaction
from django.db.models import F

from audit.services import AuditEntry, audit_log, audit_log_many, diff_fields, save_audited, snapshot
from cchc.errors import DomainError
from cchc.forms import DateField
from cchc.tabular import ImportRejected, RowError, Table

from .models import Block, LineageLink, Unit, UnitHead, UnitParent, User
from .text import nfc

UNIT_COLUMNS = ["code", "name", "block", "parent_code", "head_name", "head_title"]
# Optional columns of the units file: when a unit existed, and its statistics code. A file
# without them (the documented six columns) leaves those fields as they are.
UNIT_DATED_COLUMNS = ["valid_from", "valid_to", "stat_code"]
UNIT_IMPORT_COLUMNS = UNIT_COLUMNS + UNIT_DATED_COLUMNS
BLOCK_FIELDS = ["code", "name", "level", "order", "active"]
UNIT_FIELDS = [
    "code", "name", "short_name", "block", "parent", "active", "stat_code", "valid_from", "valid_to",
    "address", "phone", "email", "website",
]
ONE_DAY = datetime.timedelta(days=1)


class UnitError(DomainError):
    """A refused change, with a message to show as is."""


def _snapshot(unit: Unit) -> dict:
    return snapshot(unit, UNIT_FIELDS)


def parse_day(text: str) -> datetime.date:
    """A date of an import file: dd/mm/yyyy or yyyy-mm-dd (an Excel date cell reads as
    "yyyy-mm-dd 00:00:00"), the same rule as every date typed in a form. ValueError with a
    Vietnamese message otherwise."""
    text = (text or "").strip()
    if text.endswith(" 00:00:00"):
        text = text[: -len(" 00:00:00")]
    try:
        return DateField().clean(text)
    except django_forms.ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


def close_rule(unit: Unit) -> None:
    """A unit whose last day has passed is no longer active (a closing dated in the future leaves
    it active until then). Never re-activates a unit: that is a decision of staff."""
    if unit.valid_to is not None and unit.valid_to < datetime.date.today():
        unit.active = False


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    seen = {unit.pk}
    node = parent
    while node is not None:
        if node.pk in seen:
            raise UnitError("Đơn vị cấp trên không hợp lệ: tạo thành vòng lặp (đơn vị là cấp trên của chính nó).")
        seen.add(node.pk)
        node = node.parent


# --- Parent history ---------------------------------------------------------------------------


def _covers(row: UnitParent, day: datetime.date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or row.valid_to >= day)


def later_parent_start(rows: list[UnitParent], day: datetime.date) -> datetime.date | None:
    """The first start after `day` of a unit's parent records: a change dated `day` would have
    to rewrite a change already recorded after it."""
    starts = [r.valid_from for r in rows if r.valid_from is not None and r.valid_from > day]
    return min(starts) if starts else None


def parent_move_refusal(unit: Unit, later_start: datetime.date | None, day: datetime.date) -> str | None:
    """Why `unit`'s parent cannot change from `day` on (None: it can). The form, the units import
    and the lineage import all ask this."""
    if unit.valid_to is not None and unit.valid_to < day:
        return f"{unit.name} đã ngừng hoạt động sau ngày {unit.valid_to:%d/%m/%Y}: không đổi được đơn vị cấp trên từ ngày {day:%d/%m/%Y}."
    if later_start is not None:
        return (
            f"{unit.name} đã có quan hệ cấp trên ghi nhận từ ngày {later_start:%d/%m/%Y}, sau ngày {day:%d/%m/%Y}: "
            "không ghi được thay đổi cấp trên trước đó."
        )
    return None


def _parent_rows(unit: Unit, current_parent_id: int | None) -> list[UnitParent]:
    """The unit's parent records, locked. A unit without any (made before the history existed,
    or by hand) has had its current parent since it began: that record is written first, so that
    the history says where it was before the change."""
    rows = list(UnitParent.objects.select_for_update().filter(unit=unit).order_by(F("valid_from").asc(nulls_first=True), "id"))
    if not rows and current_parent_id is not None:
        rows = [UnitParent.objects.create(unit=unit, parent_id=current_parent_id, valid_from=unit.valid_from)]
    return rows


def parent_history_move(
    *, unit: Unit, current_parent_id: int | None, parent: Unit | None, day: datetime.date, event=None, redate_unknown_start: bool = False
) -> bool:
    """From `day` on, `unit` is under `parent` (None: under no unit). The record covering `day`
    ends the day before (or is replaced, when it began that day) and a new one begins on `day`.
    `current_parent_id` is the parent the unit had before the caller changed it. With
    `redate_unknown_start` (a reorganisation moving a unit under the parent it already has, with
    no known start) that record begins on `day` instead. Answers whether anything changed; the
    caller audits (the change is one of the unit's own fields) and sets `Unit.parent`."""
    rows = _parent_rows(unit, current_parent_id)
    refusal = parent_move_refusal(unit, later_parent_start(rows, day), day)
    if refusal:
        raise UnitError(refusal)
    new_id = parent.pk if parent is not None else None
    covering = next((r for r in rows if _covers(r, day)), None)
    if covering is not None and covering.parent_id == new_id:
        if redate_unknown_start and covering.valid_from is None and covering.event_id is None:
            covering.valid_from, covering.event = day, event
            covering.save(update_fields=["valid_from", "event"])
            return True
        return False
    end = covering.valid_to if covering is not None else (unit.valid_to if unit.valid_to and unit.valid_to >= day else None)
    if covering is not None:
        if covering.valid_from == day:  # began the same day: the new parent replaces it
            if new_id is None:
                covering.delete()
            else:
                covering.parent_id, covering.event = new_id, event
                covering.save(update_fields=["parent", "event"])
            return True
        covering.valid_to = day - ONE_DAY
        covering.save(update_fields=["valid_to"])
    if new_id is not None:
        UnitParent.objects.create(unit=unit, parent_id=new_id, valid_from=day, valid_to=end, event=event)
    return True


def parent_history_end(*, unit: Unit, last_day: datetime.date) -> None:
    """A unit that closes after `last_day` is under no unit from then on."""
    for row in _parent_rows(unit, unit.parent_id):
        if (row.valid_from is None or row.valid_from <= last_day) and (row.valid_to is None or row.valid_to > last_day):
            row.valid_to = last_day
            row.save(update_fields=["valid_to"])


@transaction.atomic
def unit_create(*, actor, **fields) -> Unit:
    unit = Unit(**fields)
    close_rule(unit)
    unit.full_clean()
    save_audited(unit, {}, actor=actor, action="unit.create", fields=UNIT_FIELDS)
    if unit.parent_id:
        UnitParent.objects.create(unit=unit, parent_id=unit.parent_id, valid_from=unit.valid_from, valid_to=unit.valid_to)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    """Staff's edit of a unit (or a unit contact's edit of its contact details). A new parent
    takes effect today: the parent history keeps the old one until yesterday."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _snapshot(unit)
    old_parent_id = unit.parent_id
    for name, value in fields.items():
        setattr(unit, name, value)
    if "parent" in fields and unit.parent_id:
        _check_parent(unit, unit.parent)
    changed_dates = {name: getattr(unit, name) for name in ("valid_from", "valid_to") if name in fields and getattr(unit, name) != before[name]}
    if changed_dates:
        closed_by, formed_by = _lineage_events([unit.code])
        refusals = lineage_date_refusals(changed_dates, closed_by.get(unit.code), formed_by.get(unit.code, []))
        if refusals:
            raise UnitError(refusals[0][1])
        close_rule(unit)
    unit.full_clean()
    if unit.parent_id != old_parent_id:
        parent_history_move(unit=unit, current_parent_id=old_parent_id, parent=unit.parent, day=datetime.date.today())
    save_audited(unit, before, actor=actor, action="unit.update", fields=UNIT_FIELDS)
    return unit


@transaction.atomic
def unit_members_transfer(*, actor, unit: Unit, moves: dict[int, Unit | None]) -> str:
    """The users of a closed unit go to one of its successors (a unit its lineage links name),
    or lose their login (None). Users not named stay as they are. All or nothing; answers a
    Vietnamese summary."""
    from .selectors import unit_successors

    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_closed:
        raise UnitError(f"{unit.name} đang hoạt động: chỉ chuyển người dùng của đơn vị đã ngừng hoạt động.")
    if not moves:
        raise UnitError("Chưa chọn người dùng nào để chuyển sang đơn vị kế thừa hoặc khóa tài khoản.")
    successors = {s.pk: s for s in unit_successors(unit)}
    users = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=list(moves), unit=unit, is_active=True)}
    strangers = [pk for pk in moves if pk not in users]
    if strangers:
        raise UnitError(f"Có {len(strangers)} người dùng không còn thuộc {unit.name}: hãy tải lại trang.")
    for target in moves.values():
        if target is not None and target.pk not in successors:
            raise UnitError(f"{target.name} không phải là đơn vị kế thừa của {unit.name}.")
        if target is not None and successors[target.pk].is_closed:
            raise UnitError(
                f"{target.name} cũng đã ngừng hoạt động (đến {successors[target.pk].valid_to:%d/%m/%Y}): "
                "hãy chuyển người dùng sang đơn vị đang hoạt động kế thừa nó."
            )
    entries, moved, locked = [], [], []
    for pk, target in moves.items():
        user = users[pk]
        if target is None:
            user.is_active = False
            user.save(update_fields=["is_active"])
            entries.append(AuditEntry(target=user, changes={"is_active": [True, False]}, reason=f"{unit.name} ngừng hoạt động"))
            locked.append(str(user))
        else:
            user.unit = successors[target.pk]
            user.save(update_fields=["unit"])
            entries.append(AuditEntry(target=user, changes={"unit": [unit.name, user.unit.name]}, reason=f"{unit.name} ngừng hoạt động"))
            moved.append(f"{user} → {user.unit.name}")
    audit_log_many(actor=actor, action="user.unit_transfer", entries=entries)
    audit_log(actor=actor, action="unit.members_transfer", target=unit, changes={"members": [None, "; ".join(moved + [f"{n}: khóa tài khoản" for n in locked])]})
    parts = [f"chuyển {len(moved)} người dùng sang đơn vị kế thừa"] if moved else []
    parts += [f"khóa {len(locked)} tài khoản"] if locked else []
    return f"Đã {' và '.join(parts)}."


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


def _dated_values(table: Table, errors: list[RowError]) -> dict[int, dict]:
    """The optional columns' values of each row that has them: {row number: {field: value}}."""
    present = [c for c in UNIT_DATED_COLUMNS if c in table.header]
    values: dict[int, dict] = {}
    for number, row in table.rows:
        found = {}
        for column in present:
            text = row.get(column, "")
            if column == "stat_code":
                if len(text) > 16:
                    errors.append(RowError(number, column, "Mã đơn vị hành chính dài quá 16 ký tự."))
                found[column] = text
                continue
            try:
                found[column] = parse_day(text) if text else None
            except ValueError as exc:
                errors.append(RowError(number, column, str(exc)))
        if found.get("valid_from") and found.get("valid_to") and found["valid_to"] < found["valid_from"]:
            errors.append(RowError(number, "valid_to", "Ngày ngừng hoạt động trước ngày bắt đầu hoạt động."))
        values[number] = found
    return values


def _lineage_events(codes) -> tuple[dict, dict]:
    """For the units `codes` names: the event that closed each ({code: event}) and the events that
    formed or enlarged each ({code: [events by date]})."""
    closed_by, formed_by = {}, {}
    for link in LineageLink.objects.filter(kind__in=LineageLink.CLOSING, predecessor__code__in=codes).select_related("event", "predecessor"):
        closed_by[link.predecessor.code] = link.event
    for link in LineageLink.objects.filter(successor__code__in=codes).select_related("event", "successor").order_by("event__effective_date"):
        formed_by.setdefault(link.successor.code, []).append(link.event)
    return closed_by, formed_by


def lineage_date_refusals(values: dict, closed_by, formed_by: list) -> list[tuple[str, str]]:
    """[(field, why)] for new `values` of valid_from / valid_to that the unit's reorganisations
    contradict: a unit an event closed keeps the last day it gave; a unit an event formed or
    enlarged exists on its effective date. The lineage import checks the same from its side."""
    refusals = []
    if closed_by is not None and "valid_to" in values and values["valid_to"] != closed_by.effective_date - ONE_DAY:
        refusals.append(("valid_to", (
            f"Đơn vị đã ngừng hoạt động theo sự kiện '{closed_by.key}' (hiệu lực {closed_by.effective_date:%d/%m/%Y}): "
            f"ngày ngừng hoạt động phải là {closed_by.effective_date - ONE_DAY:%d/%m/%Y}."
        )))
    if formed_by and values.get("valid_from") and values["valid_from"] > formed_by[0].effective_date:
        refusals.append(("valid_from", (
            f"Đơn vị được hình thành theo sự kiện '{formed_by[0].key}' (hiệu lực {formed_by[0].effective_date:%d/%m/%Y}): "
            "ngày bắt đầu hoạt động không được sau ngày đó."
        )))
    if formed_by and values.get("valid_to") and values["valid_to"] < formed_by[-1].effective_date:
        refusals.append(("valid_to", (
            f"Đơn vị nhận đơn vị khác theo sự kiện '{formed_by[-1].key}' (hiệu lực {formed_by[-1].effective_date:%d/%m/%Y}): "
            "ngày ngừng hoạt động không được trước ngày đó."
        )))
    return refusals


def _check_dates_against_lineage(table: Table, dated: dict[int, dict], errors: list[RowError]) -> None:
    closed_by, formed_by = _lineage_events([row["code"] for _, row in table.rows])
    for number, row in table.rows:
        for column, why in lineage_date_refusals(dated.get(number, {}), closed_by.get(row["code"]), formed_by.get(row["code"], [])):
            errors.append(RowError(number, column, why))


def _validate_unit_rows(table: Table) -> tuple[list[RowError], dict[int, dict]]:
    errors: list[RowError] = []
    blocks = set(Block.objects.values_list("code", flat=True))
    existing = {u.code: u for u in Unit.objects.select_related("parent")}
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
    dated = _dated_values(table, errors)
    for number, row in table.rows:
        # A date the file leaves out keeps the stored one: the pair must still be in order.
        stored, given = existing.get(row["code"]), dated.get(number, {})
        if stored is None or not ({"valid_from", "valid_to"} & set(given)):
            continue
        start = given["valid_from"] if "valid_from" in given else stored.valid_from
        end = given["valid_to"] if "valid_to" in given else stored.valid_to
        if start and end and end < start:
            column = "valid_to" if "valid_to" in given else "valid_from"
            errors.append(RowError(number, column, (
                f"Đơn vị {row['code']} sẽ ngừng hoạt động ({end:%d/%m/%Y}) trước ngày bắt đầu hoạt động ({start:%d/%m/%Y})."
            )))
    _check_dates_against_lineage(table, dated, errors)
    # Parents as they stand, with the file's rows over them: a loop through a stored unit
    # (A under B in the database, B under A in the file) is a loop too.
    parent_of = {code: unit.parent.code for code, unit in existing.items() if unit.parent_id}
    parent_of.update({row["code"]: row["parent_code"] for _, row in table.rows})
    today = datetime.date.today()
    moving = {
        row["code"]: number for number, row in table.rows
        if row["code"] in existing and (existing[row["code"]].parent.code if existing[row["code"]].parent_id else "") != row["parent_code"]
    }
    later = {}
    for history in UnitParent.objects.filter(unit__code__in=list(moving), valid_from__gt=today).select_related("unit"):
        later[history.unit.code] = min(later.get(history.unit.code, history.valid_from), history.valid_from)
    for number, row in table.rows:
        parent = row["parent_code"]
        if row["code"] in moving:
            unit = existing[row["code"]]
            if "valid_to" in dated.get(number, {}):
                unit = Unit(name=unit.name, valid_to=dated[number]["valid_to"])
            refusal = parent_move_refusal(unit, later.get(row["code"]), today)
            if refusal:
                errors.append(RowError(number, "parent_code", refusal))
        if not parent:
            continue
        if parent == row["code"]:
            errors.append(RowError(number, "parent_code", "Đơn vị không thể là cấp trên của chính nó."))
        elif parent not in first_row_of and parent not in existing:
            errors.append(RowError(number, "parent_code", f"Không tìm thấy đơn vị cấp trên có mã '{parent}'."))
        else:
            # Follow the chain (the file's rows over the stored parents) to catch A → B → A.
            seen, node = {row["code"]}, parent
            while node and node in parent_of:
                if node in seen:
                    errors.append(RowError(number, "parent_code", "Quan hệ cấp trên tạo thành vòng lặp."))
                    break
                seen.add(node)
                node = parent_of[node]
    errors.sort(key=lambda e: e.row)
    return errors, dated


@transaction.atomic
def units_import(*, table: Table, actor) -> ImportResult:
    """Create or update units from an import table: all rows or none.

    Re-importing the same file changes nothing; a new head name closes the serving head's term;
    a new parent takes effect today (the parent history keeps the old one until yesterday). The
    optional columns valid_from, valid_to and stat_code are written only when the file has them.
    """
    errors, dated = _validate_unit_rows(table)
    if errors:
        raise ImportRejected(errors)

    blocks = {b.code: b for b in Block.objects.all()}
    units = {u.code: u for u in Unit.objects.select_for_update(of=("self",)).select_related("parent")}
    result = ImportResult()
    changed: dict[str, dict] = {}
    today = datetime.date.today()

    # Two passes: every unit must exist before any row can name it as its parent.
    for number, row in table.rows:
        unit = units.get(row["code"])
        values = dated.get(number, {})
        if unit is None:
            unit = Unit(code=row["code"], name=row["name"], block=blocks[row["block"]], **values)
            close_rule(unit)
            unit.save()
            units[unit.code] = unit
            changed[unit.code] = {"created": True}
            continue
        before = _snapshot(unit)
        unit.name, unit.block = row["name"], blocks[row["block"]]
        for name, value in values.items():
            setattr(unit, name, value)
        close_rule(unit)
        diff = diff_fields(before, _snapshot(unit))
        if diff:
            unit.save()
            changed[unit.code] = diff
    for _, row in table.rows:
        unit = units[row["code"]]
        parent = units.get(row["parent_code"]) if row["parent_code"] else None
        if changed.get(unit.code, {}).get("created"):
            if parent is not None:
                unit.parent = parent
                unit.save(update_fields=["parent", "updated_at"])
                UnitParent.objects.create(unit=unit, parent=parent, valid_from=unit.valid_from, valid_to=unit.valid_to)
            continue
        if unit.parent_id != (parent.pk if parent else None):
            changed.setdefault(unit.code, {})["parent"] = [str(unit.parent) if unit.parent_id else None, str(parent) if parent else None]
            parent_history_move(unit=unit, current_parent_id=unit.parent_id, parent=parent, day=today)
            unit.parent = parent
            unit.save(update_fields=["parent", "updated_at"])

    serving = {}
    for head in UnitHead.objects.current().filter(unit__code__in=[r["code"] for _, r in table.rows]).order_by("start_date", "id"):
        serving[head.unit_id] = head
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
