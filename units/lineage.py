"""Reorganisations as data: the lineage file and its import.

A legal act (Nghị quyết 1665/NQ-UBTVQH15: Hà Tĩnh's 209 communes became 69 on 01/07/2025)
merges, splits, renames, dissolves units, transfers part of one to another, or moves a unit under
another parent. The file says so one link a row:

    event,effective_date,legal_basis,kind,from_code,to_code

`event` groups the rows of one act (same date and basis on every row); `kind` is merge, split,
rename, transfer, dissolve or parent (or the Vietnamese words); `from_code` is the predecessor
(for `parent`: the unit that moves), `to_code` the successor (for `parent`: the new parent; empty
for dissolve). A merge, split, rename or dissolution closes the predecessor the day before the
effective date; a transfer leaves it running. The units themselves, with the day a new one was
formed, come from the units import: this one checks that they exist on the effective date.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from audit.services import AuditEntry, audit_log_many, diff_fields, snapshot
from cchc.tabular import ImportRejected, RowError, Table

from .models import LineageLink, Reorganisation, Unit, UnitHead, UnitParent
from .services import ONE_DAY, close_rule, later_parent_start, parent_history_end, parent_history_move, parent_move_refusal, parse_day
from .signals import lineage_imported
from .text import fold

LINEAGE_COLUMNS = ["event", "effective_date", "legal_basis", "kind", "from_code", "to_code"]
Kind = LineageLink.Kind
# A row kind that is not a lineage link: from the effective date, the unit is under another parent
# (Lộc Hà's communes under Thạch Hà and TP Hà Tĩnh from 01/01/2025).
PARENT = "parent"
KIND_WORDS = {
    Kind.MERGE: ["merge", "sáp nhập"],
    Kind.SPLIT: ["split", "chia tách", "chia tách một phần", "chia tách (một phần)"],
    Kind.RENAME: ["rename", "đổi tên"],
    Kind.TRANSFER: ["transfer", "điều chuyển", "điều chuyển một phần"],
    Kind.DISSOLVE: ["dissolve", "giải thể"],
    PARENT: ["parent", "chuyển cấp trên"],
}
_KIND_OF = {fold(word): kind for kind, words in KIND_WORDS.items() for word in words}
KIND_HINT = "merge, split, rename, transfer, dissolve, parent (hoặc: sáp nhập, chia tách, đổi tên, điều chuyển, giải thể, chuyển cấp trên)"
KIND_LABELS = {**dict(Kind.choices), PARENT: "Chuyển cấp trên"}
# What became of a predecessor, as the sentence "<unit> <verb> <successor>" says it.
_WENT = {Kind.MERGE: "được sáp nhập vào", Kind.RENAME: "được đổi tên thành"}


def kind_of(text: str) -> str | None:
    """The kind a cell names, in English or in Vietnamese, with or without accents."""
    return _KIND_OF.get(fold(text))


@dataclass
class LineageImportResult:
    events_created: int = 0
    links_created: int = 0
    parent_moves: int = 0
    units_closed: int = 0
    unchanged: int = 0

    def __str__(self):
        return (
            f"Thêm {self.events_created} sự kiện sắp xếp, {self.links_created} quan hệ kế thừa, "
            f"{self.parent_moves} thay đổi cấp trên; {self.units_closed} đơn vị ngừng hoạt động; "
            f"{self.unchanged} dòng đã có từ trước."
        )


@dataclass(eq=False)
class _Row:
    number: int
    key: str
    basis: str
    day: datetime.date | None = None
    kind: str | None = None
    source: Unit | None = None
    target: Unit | None = None
    bad: bool = False
    stored: bool = False  # the link or the parent move is already recorded

    @property
    def is_link(self) -> bool:
        return self.kind in Kind.values

    @property
    def closes(self) -> bool:
        return self.kind in LineageLink.CLOSING


def _d(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


class _Check:
    """Every rule of the file, read against the database and the file's own other rows. Nothing
    is written here; `errors` lists every refusal, each naming its row and column."""

    def __init__(self, table: Table, units: dict[str, Unit]):
        self.table = table
        self.units = units
        self.errors: list[RowError] = []
        self.rows: list[_Row] = []
        self.by_pk = {u.pk: u for u in Unit.objects.all()}
        self.by_pk.update({u.pk: u for u in units.values()})

    def fail(self, row: _Row, column: str, message: str) -> None:
        row.bad = True
        self.errors.append(RowError(row.number, column, message))

    def ready(self, kind=None) -> list[_Row]:
        """The rows without an error so far (of one kind group: "link", "closing", PARENT)."""
        rows = [r for r in self.rows if not r.bad]
        if kind == "link":
            return [r for r in rows if r.is_link]
        if kind == "closing":
            return [r for r in rows if r.closes]
        if kind == PARENT:
            return [r for r in rows if r.kind == PARENT]
        return rows

    def run(self) -> None:
        self.parse()
        self.events()
        self.stored_links = list(
            LineageLink.objects.values_list("event__key", "event__effective_date", "kind", "predecessor_id", "successor_id").order_by("id")
        )
        self.duplicates()
        self.closings()
        self.closed_once()
        self.dates()
        self.cycles()
        self.parents()
        columns = {name: i for i, name in enumerate(LINEAGE_COLUMNS)}
        self.errors.sort(key=lambda e: (e.row, columns.get(e.column, -1)))

    # --- each row on its own -------------------------------------------------------------------

    def parse(self) -> None:
        for number, values in self.table.rows:
            row = _Row(number=number, key=values["event"], basis=values["legal_basis"])
            self.rows.append(row)
            if not row.key:
                self.fail(row, "event", "Chưa có mã sự kiện sắp xếp.")
            elif len(row.key) > 64:
                self.fail(row, "event", "Mã sự kiện dài quá 64 ký tự.")
            if not values["effective_date"]:
                self.fail(row, "effective_date", "Chưa có ngày có hiệu lực.")
            else:
                try:
                    row.day = parse_day(values["effective_date"])
                except ValueError as exc:
                    self.fail(row, "effective_date", str(exc))
                else:
                    # A reorganisation is recorded once in force: closing a unit, ending its head's
                    # term and handing its shortcomings over all happen on import, and a unit
                    # still running must keep its own.
                    if row.day > datetime.date.today():
                        self.fail(row, "effective_date", (
                            f"Ngày có hiệu lực {_d(row.day)} chưa đến: hãy nhập sự kiện sắp xếp từ ngày nó có hiệu lực."
                        ))
                        row.day = None
            if not row.basis:
                self.fail(row, "legal_basis", "Chưa có căn cứ pháp lý (số, ký hiệu văn bản quyết định việc sắp xếp).")
            elif len(row.basis) > 255:
                self.fail(row, "legal_basis", "Căn cứ pháp lý dài quá 255 ký tự.")
            if not values["kind"]:
                self.fail(row, "kind", f"Chưa có hình thức sắp xếp ({KIND_HINT}).")
            elif (kind := kind_of(values["kind"])) is None:
                self.fail(row, "kind", f"Hình thức '{values['kind']}' không hợp lệ. Dùng một trong: {KIND_HINT}.")
            else:
                row.kind = kind
            source, target = values["from_code"], values["to_code"]
            if not source:
                self.fail(row, "from_code", "Chưa có mã đơn vị trước sắp xếp.")
            elif source not in self.units:
                self.fail(row, "from_code", f"Không tìm thấy đơn vị có mã '{source}'.")
            else:
                row.source = self.units[source]
            if row.kind == Kind.DISSOLVE:
                if target:
                    self.fail(row, "to_code", f"Đơn vị giải thể không có đơn vị kế thừa: để trống cột to_code (đang ghi '{target}').")
            elif not target:
                if row.kind:
                    self.fail(row, "to_code", "Chưa có mã đơn vị cấp trên mới." if row.kind == PARENT else "Chưa có mã đơn vị sau sắp xếp.")
            elif target == source:
                self.fail(row, "to_code", "Đơn vị sau sắp xếp trùng với đơn vị trước sắp xếp.")
            elif target not in self.units:
                self.fail(row, "to_code", f"Không tìm thấy đơn vị có mã '{target}'.")
            else:
                row.target = self.units[target]

    # --- the rows of one event -----------------------------------------------------------------

    def events(self) -> None:
        """Every row of an event has its date and basis; an event already imported keeps its own."""
        self.stored_events = {e.key: e for e in Reorganisation.objects.filter(key__in={r.key for r in self.rows if r.key})}
        first_day: dict[str, _Row] = {}
        first_basis: dict[str, _Row] = {}
        for row in self.rows:
            if not row.key:
                continue
            stored = self.stored_events.get(row.key)
            if stored is not None:
                if row.day and row.day != stored.effective_date:
                    self.fail(row, "effective_date", (
                        f"Sự kiện '{row.key}' đã được nhập với ngày có hiệu lực {_d(stored.effective_date)}, "
                        f"khác ngày {_d(row.day)} của dòng này."
                    ))
                if row.basis and row.basis != stored.legal_basis:
                    self.fail(row, "legal_basis", f"Sự kiện '{row.key}' đã được nhập với căn cứ '{stored.legal_basis}', khác căn cứ của dòng này.")
                continue
            if row.day:
                first = first_day.setdefault(row.key, row)
                if first.day != row.day:
                    self.fail(row, "effective_date", (
                        f"Ngày có hiệu lực {_d(row.day)} khác ngày {_d(first.day)} ở dòng {first.number} của cùng sự kiện '{row.key}'."
                    ))
            if row.basis:
                first = first_basis.setdefault(row.key, row)
                if first.basis != row.basis:
                    self.fail(row, "legal_basis", f"Căn cứ pháp lý khác với dòng {first.number} của cùng sự kiện '{row.key}'.")

    def duplicates(self) -> None:
        """A row twice, or a link already recorded with another kind."""
        stored = {(key, pred, succ): kind for key, _, kind, pred, succ in self.stored_links}
        seen: dict[tuple, int] = {}
        for row in self.ready():
            if row.kind == PARENT:
                ident = (row.key, PARENT, row.source.pk)
            else:
                ident = (row.key, "link", row.source.pk, row.target.pk if row.target else None)
            if ident in seen:
                if row.kind == PARENT:
                    self.fail(row, "from_code", f"{row.source.name} đã được chuyển cấp trên ở dòng {seen[ident]} của cùng sự kiện.")
                else:
                    self.fail(row, "from_code", f"Dòng này trùng với dòng {seen[ident]} (cùng sự kiện, cùng đơn vị trước và sau sắp xếp).")
                continue
            seen[ident] = row.number
            if row.is_link:
                kind = stored.get((row.key, row.source.pk, row.target.pk if row.target else None))
                if kind is not None and kind != row.kind:
                    self.fail(row, "kind", f"Sự kiện '{row.key}' đã có quan hệ này với hình thức '{KIND_LABELS[kind]}'.")
                elif kind is not None:
                    row.stored = True

    def closings(self) -> None:
        """What one event does to one predecessor: one way of closing it; a merge or rename into
        one unit; a split into two or more."""
        keys = {r.key for r in self.rows}
        groups: dict[tuple, list[tuple[str, int | None, _Row | None]]] = defaultdict(list)
        for key, _, kind, pred, succ in self.stored_links:
            if key in keys:
                groups[(key, pred)].append((kind, succ, None))
        for row in self.ready("link"):
            if not row.stored:
                groups[(row.key, row.source.pk)].append((row.kind, row.target.pk if row.target else None, row))
        for (key, pred), items in groups.items():
            closing = [item for item in items if item[0] in LineageLink.CLOSING]
            if not closing:
                continue
            name = self.by_pk[pred].name
            first_kind, first_target, first_row = closing[0]
            for kind, _, row in closing:
                if kind != first_kind and row is not None:
                    self.fail(row, "kind", (
                        f"{name} không thể vừa '{KIND_LABELS[first_kind]}' vừa '{KIND_LABELS[kind]}' trong cùng sự kiện '{key}'."
                    ))
            if first_kind in _WENT:
                where = f" (dòng {first_row.number})" if first_row else " (đã nhập trước đây)"
                for kind, target, row in closing[1:]:
                    if kind == first_kind and target != first_target and row is not None:
                        self.fail(row, "to_code", (
                            f"{name} đã {_WENT[first_kind]} {self.by_pk[first_target].name}{where} trong cùng sự kiện: "
                            f"một đơn vị chỉ {_WENT[first_kind].removeprefix('được ')} một đơn vị."
                        ))
            if first_kind == Kind.SPLIT:
                splits = [item for item in closing if item[0] == Kind.SPLIT]
                if len(splits) < 2:
                    for _, _, row in splits:
                        if row is not None:
                            self.fail(row, "from_code", (
                                f"{name} chia tách phải có ít nhất hai đơn vị nhận trong cùng sự kiện '{key}' (mới có {len(splits)})."
                            ))

    def closed_once(self) -> None:
        """A unit closes once: by one event, on the day before it, if it has no other last day."""
        closed_by: dict[int, tuple[str, datetime.date, int | None]] = {}
        for key, day, kind, pred, _ in self.stored_links:
            if kind in LineageLink.CLOSING:
                closed_by.setdefault(pred, (key, day, None))
        self.last_day = {pk: unit.valid_to for pk, unit in self.by_pk.items()}
        for row in self.ready("closing"):
            unit = row.source
            key, day, number = closed_by.setdefault(unit.pk, (row.key, row.day, row.number))
            if key != row.key:
                where = f", dòng {number}" if number else ""
                self.fail(row, "from_code", (
                    f"{unit.name} đã được sắp xếp theo sự kiện '{key}' (hiệu lực {_d(day)}{where}): một đơn vị chỉ ngừng hoạt động một lần."
                ))
            elif unit.valid_to is not None and unit.valid_to != row.day - ONE_DAY:
                self.fail(row, "from_code", (
                    f"{unit.name} đã có ngày ngừng hoạt động {_d(unit.valid_to)}, không phải ngày trước ngày có hiệu lực "
                    f"({_d(row.day - ONE_DAY)})."
                ))
            else:
                self.last_day[unit.pk] = row.day - ONE_DAY

    def _absent_on(self, unit: Unit, day: datetime.date) -> str | None:
        """Why `unit` did not exist on `day`, with the file's closings counted (None: it did)."""
        if unit.valid_from is not None and unit.valid_from > day:
            return f"{unit.name} hoạt động từ ngày {_d(unit.valid_from)}, sau ngày {_d(day)}"
        last = self.last_day.get(unit.pk)
        if last is not None and last < day:
            return f"{unit.name} đã ngừng hoạt động sau ngày {_d(last)}, trước ngày {_d(day)}"
        return None

    def dates(self) -> None:
        """The predecessor existed the day before the event; the successor (or the new parent)
        exists on the effective date."""
        for row in self.ready():
            day = row.day
            if row.kind == PARENT:
                if why := self._absent_on(row.source, day):
                    self.fail(row, "from_code", f"{why}: không chuyển cấp trên được từ ngày {_d(day)}.")
                if why := self._absent_on(row.target, day):
                    self.fail(row, "to_code", f"Đơn vị cấp trên mới không tồn tại vào ngày có hiệu lực: {why}.")
                continue
            if row.source.valid_from is not None and row.source.valid_from >= day:
                self.fail(row, "from_code", (
                    f"{row.source.name} hoạt động từ ngày {_d(row.source.valid_from)}, không trước ngày có hiệu lực {_d(day)}."
                ))
            elif why := self._absent_on(row.source, day - ONE_DAY):
                self.fail(row, "from_code", f"Đơn vị trước sắp xếp không còn tồn tại: {why}.")
            if row.target is not None and (why := self._absent_on(row.target, day)):
                self.fail(row, "to_code", (
                    f"Đơn vị sau sắp xếp không tồn tại vào ngày có hiệu lực: {why}. Hãy sửa ngày hoạt động trong danh sách đơn vị."
                ))

    def cycles(self) -> None:
        """Predecessor → successor never comes back to where it started."""
        after: dict[int, set[int]] = defaultdict(set)
        for _, _, _, pred, succ in self.stored_links:
            if succ is not None:
                after[pred].add(succ)

        def reaches(start: int, goal: int) -> bool:
            stack, seen = [start], {start}
            while stack:
                node = stack.pop()
                if node == goal:
                    return True
                for nxt in after[node] - seen:
                    seen.add(nxt)
                    stack.append(nxt)
            return False

        for row in self.ready("link"):
            if row.target is None or row.stored:
                continue
            if reaches(row.target.pk, row.source.pk):
                self.fail(row, "to_code", (
                    f"Quan hệ {row.source.code} → {row.target.code} tạo thành vòng lặp kế thừa: {row.target.name} đã là "
                    f"đơn vị trước (trực tiếp hoặc gián tiếp) của {row.source.name}."
                ))
            else:
                after[row.source.pk].add(row.target.pk)

    def parents(self) -> None:
        """A move under another parent: no later change already recorded, no loop on that day."""
        history: dict[int, list[UnitParent]] = defaultdict(list)
        stored = set()
        for record in UnitParent.objects.select_related("event").order_by("unit_id", "valid_from", "id"):
            history[record.unit_id].append(record)
            if record.event is not None:
                stored.add((record.unit_id, record.parent_id, record.valid_from, record.event.key))
        moves: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)

        def parent_on(pk: int, day: datetime.date) -> int | None:
            earlier = [m for m in moves[pk] if m[0] <= day]
            if earlier:
                return max(earlier)[1]
            if pk not in history:
                return self.by_pk[pk].parent_id if pk in self.by_pk else None
            return next((r.parent_id for r in history[pk] if (r.valid_from is None or r.valid_from <= day) and (r.valid_to is None or r.valid_to >= day)), None)

        for row in sorted(self.ready(PARENT), key=lambda r: (r.day, r.number)):
            unit, parent, day = row.source, row.target, row.day
            if (unit.pk, parent.pk, day, row.key) in stored:
                row.stored = True
                moves[unit.pk].append((day, parent.pk))
                continue
            refusal = parent_move_refusal(unit, later_parent_start(history[unit.pk], day), day)
            if refusal:
                self.fail(row, "from_code", refusal)
                continue
            # Another act already moved the unit that very day: a second file must not rewrite
            # the first one's record (and a re-import of the first flip it back).
            taken = next((r for r in history[unit.pk] if r.valid_from == day and r.event is not None and r.event.key != row.key), None)
            if taken is not None:
                self.fail(row, "from_code", (
                    f"{unit.name} đã có thay đổi cấp trên từ ngày {_d(day)} theo sự kiện '{taken.event.key}' "
                    f"({taken.event.legal_basis}): không ghi đè được."
                ))
                continue
            node, seen = parent.pk, set()
            while node is not None and node != unit.pk and node not in seen:
                seen.add(node)
                node = parent_on(node, day)
            if node == unit.pk:
                self.fail(row, "to_code", (
                    f"Chuyển {unit.name} về {parent.name} từ ngày {_d(day)} tạo thành vòng lặp cấp trên: "
                    f"vào ngày đó {parent.name} thuộc {unit.name} (trực tiếp hoặc gián tiếp)."
                ))
            else:
                moves[unit.pk].append((day, parent.pk))


@transaction.atomic
def lineage_import(*, table: Table, actor) -> LineageImportResult:
    """Record the reorganisations of a lineage file: all rows or none.

    Every row is checked first (against the database and against the file's other rows) and
    every refusal is listed with its row and column. Then each new event, link and parent move
    is written, the predecessors that a merge, split, rename or dissolution closes end the day
    before the effective date, and `units.signals.lineage_imported` is sent with the new links.
    Importing the same file again changes nothing; an event already imported gains the file's
    new rows."""
    codes = {row[c] for _, row in table.rows for c in ("from_code", "to_code") if row[c]}
    # The named units are locked, in one order: two imports about the same units wait for each
    # other instead of checking against a state the other is changing.
    units = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=codes).order_by("pk")}
    check = _Check(table, units)
    check.run()
    if check.errors:
        raise ImportRejected(check.errors)
    return _apply(check, actor)


def _link_line(link: LineageLink) -> str:
    return f"{link.predecessor.name} → {link.successor.name if link.successor else '—'} ({link.get_kind_display()})"


def _apply(check: _Check, actor) -> LineageImportResult:
    from .selectors import parents_on

    result = LineageImportResult()
    today = datetime.date.today()
    rows = sorted(check.rows, key=lambda r: (r.day, r.number))
    events = dict(check.stored_events)
    created_events = set()
    for row in rows:
        if row.key not in events:
            events[row.key] = Reorganisation.objects.create(key=row.key, effective_date=row.day, legal_basis=row.basis)
            created_events.add(row.key)
    result.events_created = len(created_events)
    result.unchanged = sum(1 for r in rows if r.stored)

    new_links = [
        LineageLink(event=events[r.key], kind=r.kind, predecessor=r.source, successor=r.target) for r in rows if r.is_link and not r.stored
    ]
    LineageLink.objects.bulk_create(new_links)
    result.links_created = len(new_links)
    lines: dict[str, list[str]] = defaultdict(list)
    for link in new_links:
        lines[link.event.key].append(_link_line(link))

    closed, closed_units = [], set()
    for row in rows:
        if not row.closes or row.source.pk in closed_units:
            continue
        closed_units.add(row.source.pk)
        unit, last = row.source, row.day - ONE_DAY
        before = snapshot(unit, ["valid_to", "active"])
        unit.valid_to = last
        close_rule(unit)
        changes = diff_fields(before, snapshot(unit, ["valid_to", "active"]))
        if changes:
            unit.save(update_fields=["valid_to", "active", "updated_at"])
            parent_history_end(unit=unit, last_day=last)
            # A unit that no longer exists has no serving head: the term ends with the unit, so
            # that a closed Sở is not shown headed by its last director today.
            ended = list(UnitHead.objects.current_or_open(last).filter(unit=unit))
            if ended:
                UnitHead.objects.filter(pk__in=[h.pk for h in ended]).update(end_date=last)
                changes["head"] = [", ".join(str(h) for h in ended), None]
            closed.append(AuditEntry(target=unit, changes=changes, reason=str(events[row.key])))
    result.units_closed = len(closed)

    moved = []
    for row in rows:
        if row.kind != PARENT or row.stored:
            continue
        unit, event = row.source, events[row.key]
        before = unit.parent
        if not parent_history_move(
            unit=unit, current_parent_id=unit.parent_id, parent=row.target, day=row.day, event=event, redate_unknown_start=True
        ):
            result.unchanged += 1
            continue
        # Unit.parent is today's parent: a move dated in the future changes only the history, and a
        # closed unit's is the one it had on its last day (Thạch Văn ended under TP Hà Tĩnh).
        as_of = min(today, unit.valid_to) if unit.valid_to else today
        today_parent = parents_on([unit.pk], as_of).get(unit.pk)
        if today_parent is not None and today_parent != unit.parent_id:
            unit.parent_id = today_parent
            unit.save(update_fields=["parent", "updated_at"])
        moved.append(AuditEntry(
            target=unit, changes={"parent": [str(before) if before else None, row.target.name]},
            reason=f"{event} — thuộc {row.target.name} từ ngày {_d(row.day)}",
        ))
        lines[row.key].append(f"{unit.name}: thuộc {row.target.name} từ ngày {_d(row.day)}")
    result.parent_moves = len(moved)

    entries = []
    for key, event in events.items():
        if key not in lines and key not in created_events:
            continue
        changes = diff_fields({}, snapshot(event, ["key", "effective_date", "legal_basis"])) if key in created_events else {}
        changes["lineage"] = [None, "; ".join(lines[key])]
        entries.append(AuditEntry(target=event, changes=changes))
    audit_log_many(actor=actor, action="lineage.import", entries=entries)
    audit_log_many(actor=actor, action="unit.lineage_close", entries=closed)
    audit_log_many(actor=actor, action="unit.lineage_parent", entries=moved)
    if new_links:
        lineage_imported.send(sender=None, links=new_links, actor=actor)
    return result
