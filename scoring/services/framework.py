"""Writes to periods and frameworks. Every change is audited.

A framework can change only while its period is in `draft`: once units self-assess against it,
a changed max or rule would silently change the meaning of scores already given."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_log, save_audited, snapshot
from cchc.tabular import ImportRejected, RowError, Table
from units.models import Block
from units.text import fold, nfc

from ..models import OUTSIDE_MAX_KINDS, PHASES, Assessment, Criterion, Framework, Kind, Period, Phase, format_score, normalize_rule, parse_score
from ..formulas import canonical_declaration
from ..selectors import FRAMEWORK_COLUMNS, FRAMEWORK_IMPORT_COLUMNS, framework_trees_for_period  # noqa: F401 (re-exported)
from ..selectors.readiness import period_readiness
from ..selectors.roster import roster_block_ids
from ..tree import attach_children, framework_total, is_cap, tree_problems, vn
from .assessment import assessments_close_open, assessments_open_for_period
from .errors import FrameworkLocked, PhaseError, ScoringError
from .period_settings import SETTINGS_FIELDS, settings_check, settings_mismatch, settings_set, settings_settle
from .readiness import readiness_enforce
from .roster import roster_copy, roster_fill
from .results import STALE_REASON, approval_void_active, approval_void_if_stale, check_ready_to_approve

REQUIRED_COLUMNS = {"block", "code", "title", "max_score"}
PERIOD_FIELDS = (
    ["title", "legal_basis"] + list(Period.DEADLINE_FIELDS.values()) + Period.BAND_FIELDS + Period.HEAD_FIELDS
)
CRITERION_FIELDS = [
    "title", "max_score", "kind", "rule", "guidance", "evidence_required", "na_allowed", "is_remediation", "inputs", "formula",
]
# The words a file may use for a kind (folded: no accents, lower case), besides the codes.
KIND_WORDS = {
    "self": Kind.SELF, "tu danh gia": Kind.SELF,
    "survey": Kind.SURVEY, "dieu tra": Kind.SURVEY, "dieu tra xa hoi hoc": Kind.SURVEY,
    "deduction": Kind.DEDUCTION, "diem tru": Kind.DEDUCTION, "tru": Kind.DEDUCTION,
    "bonus": Kind.BONUS, "diem thuong": Kind.BONUS, "thuong": Kind.BONUS, "diem cong": Kind.BONUS,
}


# --- Periods ----------------------------------------------------------------------------------


def _new_period(*, actor, year: int, title: str, fields: dict) -> Period:
    period = Period(year=year, title=nfc(title) or f"Chỉ số cải cách hành chính năm {year}", **fields)
    period.full_clean()
    save_audited(period, {}, actor=actor, action="period.create", fields=["year", "phase"] + PERIOD_FIELDS + SETTINGS_FIELDS)
    return period


@transaction.atomic
def period_create(*, actor, year: int, title: str = "", **fields) -> Period:
    """A new period in draft, its roster filled with the units that exist at the year's end
    (`roster_fill`), for staff to adjust before self-assessment opens."""
    period = _new_period(actor=actor, year=year, title=title, fields=fields)
    roster_fill(actor=actor, period=period)
    return period


def _decision_blocks_change(period: Period, blocks) -> dict:
    """The change of the blocks the decision covers, as block codes; refused for a block with no
    unit on the roster (the decision would approve nobody in it)."""
    if blocks is None:
        return {}
    chosen = sorted({block.pk: block for block in blocks}.values(), key=lambda b: (b.order, b.code))
    outside = [b.name for b in chosen if b.pk not in roster_block_ids(period)]
    if outside:
        raise ScoringError(f"Khối {', '.join(outside)} không có đơn vị nào trong danh sách được đánh giá năm {period.year}.")
    old = [b.code for b in period.decision_blocks.order_by("order", "code")]
    new = [b.code for b in chosen]
    if old == new:
        return {}
    period.decision_blocks.set(chosen)
    return {"decision_blocks": [old, new]}


@transaction.atomic
def period_update(*, actor, period: Period, decision_blocks=None, decimals=None, tie_rule=None, index_over_100=None, **fields) -> Period:
    """Title, legal basis, deadlines, bands and thresholds, the blocks the province's decision
    covers (`decision_blocks`: empty for every block; None leaves them), and the precision and
    tie rule (checked as `period_settings_update` checks them; None leaves them). Frozen once the
    index is approved: the approval decision published the bands that were applied."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.phase == Phase.APPROVED:
        raise PhaseError("Kỳ đánh giá đã được phê duyệt, không thể sửa thông tin. Hãy mở lại kỳ đánh giá (nêu lý do) nếu cần.")
    before = snapshot(period, PERIOD_FIELDS + SETTINGS_FIELDS)
    for name, value in fields.items():
        if name not in PERIOD_FIELDS:
            raise ValueError(f"{name} is not editable")
        if isinstance(value, Decimal):
            # As stored (two places): a form posting "90" for 90.00 changes nothing, and must not
            # void the council's approval as a changed threshold would.
            value = value.quantize(Decimal("0.01"))
        setattr(period, name, nfc(value) if isinstance(value, str) else value)
    settings_changed = settings_set(period, decimals=decimals, tie_rule=tie_rule, index_over_100=index_over_100)
    period.full_clean()
    blocks_change = _decision_blocks_change(period, decision_blocks)
    changes = save_audited(period, before, actor=actor, action="period.update", fields=PERIOD_FIELDS + SETTINGS_FIELDS, extra=blocks_change or None)
    if blocks_change and not changes:
        audit_log(actor=actor, action="period.update", target=period, changes=blocks_change)
    if settings_changed:
        settings_settle(period=period)
    # The approval fixed each unit's classification and head rating: new bands or thresholds
    # would publish ratings the council never saw.
    if set(changes) & set(Period.BAND_FIELDS + Period.HEAD_FIELDS):
        approval_void_active(actor=actor, period=period, reason="Ngưỡng xếp loại hoặc đánh giá người đứng đầu thay đổi sau khi Hội đồng thông qua")
    return period


def _check_ready_to_open(period: Period) -> None:
    """Self-assessment may open only on frameworks that add up: units score against them."""
    trees = framework_trees_for_period(period)
    if not trees:
        raise PhaseError("Kỳ đánh giá chưa có bộ chỉ số nào; hãy nhập hoặc tạo bộ chỉ số cho từng khối trước khi chuyển sang tự đánh giá.")
    broken = [f"{tree.framework.block.name} ({len(tree.problems)} lỗi)" for tree in trees if tree.problems]
    if broken:
        raise PhaseError("Chưa thể chuyển sang tự đánh giá: bộ chỉ số còn lỗi — " + "; ".join(broken) + ".")


def _set_phase(*, actor, period: Period, to_phase: Phase, reason: str) -> Period:
    old = period.phase
    # Score writes lock their assessment before reading the phase: holding every assessment here
    # makes a save either finish before the phase changes or see the new phase.
    list(Assessment.objects.select_for_update().filter(period=period).values_list("pk", flat=True))
    period.phase = to_phase
    period.save(update_fields=["phase", "updated_at"])
    audit_log(actor=actor, action="period.phase", target=period, changes={"phase": [old, str(to_phase)]}, reason=reason)
    return period


def _lock_period(period: Period, expected_phase: str | None) -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    # A second click on a page loaded before the first one took effect must not skip a phase.
    if expected_phase and period.phase != expected_phase:
        raise PhaseError(f"Kỳ đánh giá đã chuyển sang giai đoạn {period.get_phase_display()}; hãy tải lại trang.")
    return period


def period_advance(*, actor, period: Period, reason: str = "", expected_phase: str | None = None, override_reason: str = "") -> Period:
    """Move the period to its next phase.

    Moving on does not wait for late units: what they entered stands as it is, exactly as when
    the deadline passes (the plan's deadlines are binding, units are told them in advance).

    The move to `approved` needs the council's approval with the decision entered, still matching
    the scores. An approval the scores no longer match is voided first, in its own transaction,
    so that the refusal that follows does not undo the voiding."""
    if Period.objects.filter(pk=period.pk, phase=Phase.FINALIZATION).exists():
        with transaction.atomic():
            locked = Period.objects.select_for_update().get(pk=period.pk)
            voided = approval_void_if_stale(period=locked, actor=actor)
        if voided:
            raise PhaseError(f"{STALE_REASON}: kết quả thông qua đã bị hủy, Hội đồng cần thông qua lại trước khi phê duyệt.")
    return _period_advance(actor=actor, period=period, reason=reason, expected_phase=expected_phase, override_reason=override_reason)


@transaction.atomic
def _period_advance(*, actor, period: Period, reason: str, expected_phase: str | None, override_reason: str) -> Period:
    period = _lock_period(period, expected_phase)
    to_phase = period.next_phase
    if to_phase is None:
        raise PhaseError("Kỳ đánh giá đã được phê duyệt; không còn giai đoạn tiếp theo.")
    from_phase = period.phase
    if from_phase == Phase.DRAFT:
        _check_ready_to_open(period)
    elif from_phase == Phase.FINALIZATION:
        check_ready_to_approve(actor=actor, period=period)
    readiness_enforce(actor=actor, period=period, readiness=period_readiness(period), override_reason=override_reason)
    period = _set_phase(actor=actor, period=period, to_phase=to_phase, reason=nfc(reason))
    if from_phase == Phase.DRAFT:
        assessments_open_for_period(actor=actor, period=period)
    elif from_phase == Phase.SELF_ASSESSMENT:
        assessments_close_open(actor=actor, period=period)
    return period


@transaction.atomic
def period_reopen(*, actor, period: Period, to_phase: str, reason: str, expected_phase: str | None = None) -> Period:
    """Move the period back to an earlier phase (for example to correct the framework, or to let
    the council review again). The reason is kept in the audit log for the units to see."""
    period = _lock_period(period, expected_phase)
    reason = nfc(reason)
    if not reason:
        raise PhaseError("Cần nêu lý do khi đưa kỳ đánh giá trở lại giai đoạn trước.")
    try:
        target = Phase(to_phase)
    except ValueError:
        raise PhaseError(f"Giai đoạn '{to_phase}' không tồn tại.") from None
    if target not in period.previous_phases:
        raise PhaseError(f"Chỉ có thể đưa kỳ đánh giá về một giai đoạn trước giai đoạn {period.get_phase_display()}.")
    return _set_phase(actor=actor, period=period, to_phase=target, reason=reason)


def period_move(*, actor, period: Period, to_phase: str, reason: str = "", override_reason: str = "") -> Period:
    """Forward one phase at a time through `period_advance` (so every check and audit row of the
    page happens), or back through `period_reopen`."""
    try:
        target = Phase(to_phase)
    except ValueError:
        raise PhaseError(f"Giai đoạn '{to_phase}' không tồn tại (các giai đoạn: {', '.join(Phase.values)}).") from None
    period = Period.objects.get(pk=period.pk)
    if target == period.phase:
        raise PhaseError(f"Kỳ đánh giá đã ở giai đoạn {target.label}.")
    if PHASES.index(target) < period.phase_index:
        return period_reopen(actor=actor, period=period, to_phase=target, reason=reason)
    # Each step commits on its own, as the page's button does: a refusal half-way leaves the
    # period at the last phase it reached, and keeps what a refused step commits on purpose
    # (the voiding of an approval the scores no longer match, see `period_advance`).
    while period.phase != target:
        period = period_advance(actor=actor, period=period, reason=reason, override_reason=override_reason)
    return period


def _shift_year(date: datetime.date | None, years: int) -> datetime.date | None:
    if date is None:
        return None
    year = min(max(date.year + years, datetime.MINYEAR), datetime.MAXYEAR)
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return date.replace(year=year, day=28)


@transaction.atomic
def period_clone(*, actor, source: Period, year: int, title: str = "") -> Period:
    """Start a year from an earlier one: a new draft period with a copy of every active block's
    tree, the same bands, the deadlines moved by the difference in years, and the source's roster
    (less the units closed before the new year; units formed since are added by staff)."""
    source = Period.objects.get(pk=source.pk)
    if source.year == year:
        raise ScoringError("Năm của kỳ đánh giá mới phải khác năm được sao chép.")
    period = Period.objects.select_for_update().filter(year=year).first()
    if period is not None:
        if period.phase != Phase.DRAFT:
            raise FrameworkLocked()
        if period.frameworks.exists():
            raise ScoringError(f"Kỳ đánh giá năm {year} đã có bộ chỉ số; không thể sao chép đè lên.")
    else:
        years = year - source.year
        # The province's rules carry over: bands, thresholds, precision and tie rule.
        fields = {name: getattr(source, name) for name in Period.BAND_FIELDS + Period.HEAD_FIELDS + SETTINGS_FIELDS}
        shifted = {name: _shift_year(getattr(source, name), years) for name in Period.DEADLINE_FIELDS.values()}
        # A deadline the new year could not hold (a typo kept from an old year) is left to set.
        fields.update({name: day if day is None or year - 1 <= day.year <= year + 2 else None for name, day in shifted.items()})
        period = _new_period(actor=actor, year=year, title=title, fields=fields)
    # An existing draft year keeps the roster staff may have shaped; a new one starts from the
    # source's, less the units closed since.
    if not period.roster.exists():
        roster_copy(actor=actor, source=source, period=period)
    trees = framework_trees_for_period(source)
    for tree in trees:
        # Blocks abolished since (the district level after 07/2025) do not come back.
        if not tree.framework.block.active:
            continue
        framework = Framework.objects.create(period=period, block=tree.framework.block)
        copies = {}
        for node in tree.rows:
            copies[node.pk] = Criterion(
                framework=framework,
                code=node.code,
                title=node.title,
                max_score=node.max_score,
                kind=node.kind,
                rule=node.rule,
                guidance=node.guidance,
                evidence_required=node.evidence_required,
                na_allowed=node.na_allowed,
                is_remediation=node.is_remediation,
                inputs=node.inputs,
                formula=node.formula,
                order=node.order,
            )
        _bulk_create_tree(
            [(copies[node.pk], copies.get(node.parent_id)) for node in tree.rows]
        )
        audit_log(
            actor=actor,
            action="framework.clone",
            target=framework,
            changes={"source": [None, source.year], "criteria": [0, len(copies)]},
        )
    audit_log(actor=actor, action="period.clone", target=period, changes={"source": [None, source.year]})
    return period


def _bulk_create_tree(pairs: list[tuple[Criterion, Criterion | None]]) -> None:
    """Insert (node, parent) pairs level by level: a parent has its id before its children go in."""
    by_level: dict[int, list[Criterion]] = {}
    for node, parent in pairs:
        node.parent = parent
        by_level.setdefault(node.level, []).append(node)
    for level in sorted(by_level):
        Criterion.objects.bulk_create(by_level[level])


# --- Frameworks and their criteria ------------------------------------------------------------


def _lock_draft(period_id: int) -> Period:
    # The period row is the lock shared with period_advance: an edit and a phase change cannot
    # interleave, so no edit lands after self-assessment has opened.
    period = Period.objects.select_for_update().get(pk=period_id)
    if period.phase != Phase.DRAFT:
        raise FrameworkLocked()
    return period


@transaction.atomic
def framework_create(*, actor, period: Period, block: Block) -> Framework:
    """An empty framework for a block, to be filled in the browser."""
    _lock_draft(period.pk)
    if Framework.objects.filter(period=period, block=block).exists():
        raise ScoringError(f"Kỳ đánh giá năm {period.year} đã có bộ chỉ số của {block.name}.")
    framework = Framework.objects.create(period=period, block=block)
    audit_log(actor=actor, action="framework.create", target=framework)
    return framework


@transaction.atomic
def framework_delete(*, actor, framework: Framework) -> None:
    """Drop a block from a draft period (a block that no longer exists that year)."""
    period = _lock_draft(framework.period_id)
    count = framework.criteria.count()
    audit_log(actor=actor, action="framework.delete", target=period, changes={"framework": [framework.block.name, None], "criteria": [count, 0]})
    framework.delete()


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    cleaned = {}
    for name, value in fields.items():
        if name in ("title", "guidance"):
            value = nfc(value)
        if name == "rule":
            try:
                value = normalize_rule(value)
            except ValueError as exc:
                raise ValidationError({"rule": str(exc)}) from None
        if name == "max_score" and not isinstance(value, Decimal):
            try:
                value = parse_score(value)
            except ValueError as exc:
                raise ValidationError({"max_score": str(exc)}) from None
        if name in ("inputs", "formula"):
            value = nfc(value)
        cleaned[name] = value
    return cleaned


def _canonical(criterion: Criterion) -> None:
    """A computed row's inputs and rule in their canonical text (what the export writes); a
    declaration that does not parse is left for `clean` to refuse, naming the row."""
    criterion.inputs, criterion.formula = canonical_declaration(criterion.inputs, criterion.formula)


@transaction.atomic
def criterion_create(*, actor, framework: Framework, parent: Criterion | None = None, **fields) -> Criterion:
    """Add a node as the last child of `parent` (a field when there is none), numbered after its
    last sibling."""
    _lock_draft(framework.period_id)
    if parent is not None and parent.framework_id != framework.pk:
        raise ScoringError("Tiêu chí cha không thuộc bộ chỉ số này.")
    siblings = list(Criterion.objects.filter(framework=framework, parent=parent).values_list("code", "order"))
    number = max((int(code.rpartition(".")[2]) for code, _ in siblings), default=0) + 1
    code = f"{parent.code}.{number}" if parent else str(number)
    order = max((order for _, order in siblings), default=0) + 1
    criterion = Criterion(framework=framework, parent=parent, code=code, order=order, **_clean_fields(fields))
    _canonical(criterion)
    criterion.clean()
    save_audited(criterion, {}, actor=actor, action="criterion.create", fields=["code"] + CRITERION_FIELDS, target=framework)
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion: Criterion, **fields) -> Criterion:
    """Change a node's own fields; sums are not refused here but flagged on the tree, since a
    framework is brought back into balance one edit at a time."""
    _lock_draft(criterion.framework.period_id)
    criterion = Criterion.objects.select_for_update().select_related("framework").get(pk=criterion.pk)
    before = snapshot(criterion, CRITERION_FIELDS)
    for name, value in _clean_fields(fields).items():
        setattr(criterion, name, value)
    _canonical(criterion)
    criterion.clean()
    # The event is the framework's: the unchanged code says which criterion changed.
    save_audited(
        criterion, before, actor=actor, action="criterion.update", fields=CRITERION_FIELDS,
        target=criterion.framework, extra={"code": [criterion.code, criterion.code]},
    )
    return criterion


def _renumber_children(framework: Framework, parent_id: int | None) -> None:
    """Number the children of `parent_id` 1, 2, 3 … in their order, and their subtrees after
    them, so that the codes keep matching the order people read."""
    nodes = list(Criterion.objects.filter(framework=framework).order_by("order", "pk"))
    roots = attach_children(nodes, parent_of=lambda c: c.parent_id, key_of=lambda c: c.pk)
    by_pk = {node.pk: node for node in nodes}
    siblings = roots if parent_id is None else by_pk[parent_id].tree_children
    prefix = "" if parent_id is None else by_pk[parent_id].code + "."
    changed: list[tuple[Criterion, str]] = []

    def assign(node: Criterion, code: str) -> None:
        if node.code != code:
            changed.append((node, code))
        for i, child in enumerate(node.tree_children, start=1):
            assign(child, f"{code}.{i}")

    for i, node in enumerate(siblings, start=1):
        node.order = i
        assign(node, f"{prefix}{i}")
    Criterion.objects.bulk_update(siblings, ["order"])
    if changed:
        # Two steps because (framework, code) is unique and checked row by row: swapping 1.1 and
        # 1.2 in one statement would collide.
        for node, _ in changed:
            node.code = f"~{node.pk}"
        Criterion.objects.bulk_update([node for node, _ in changed], ["code"])
        for node, code in changed:
            node.code = code
        Criterion.objects.bulk_update([node for node, _ in changed], ["code"])


@transaction.atomic
def criterion_delete(*, actor, criterion: Criterion) -> None:
    """Delete a node with its subtree; the siblings after it move up a number."""
    framework = criterion.framework
    _lock_draft(framework.period_id)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    descendants = Criterion.objects.filter(framework=framework, code__startswith=criterion.code + ".").count()
    audit_log(
        actor=actor,
        action="criterion.delete",
        target=framework,
        changes={"code": [criterion.code, None], "title": [criterion.title, None], "descendants": [descendants, 0]},
    )
    parent_id = criterion.parent_id
    criterion.delete()
    _renumber_children(framework, parent_id)


@transaction.atomic
def criterion_move(*, actor, criterion: Criterion, direction: str) -> Criterion:
    """Swap a node with its neighbour among its siblings ('up' or 'down'); codes follow."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    framework = criterion.framework
    _lock_draft(framework.period_id)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    siblings = list(Criterion.objects.filter(framework=framework, parent_id=criterion.parent_id).order_by("order", "pk"))
    index = next(i for i, node in enumerate(siblings) if node.pk == criterion.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return criterion
    old_code = criterion.code
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for i, node in enumerate(siblings, start=1):
        node.order = i
    Criterion.objects.bulk_update(siblings, ["order"])
    _renumber_children(framework, criterion.parent_id)
    criterion.refresh_from_db()
    audit_log(actor=actor, action="criterion.move", target=framework, changes={"code": [old_code, criterion.code]})
    return criterion


# --- Import -----------------------------------------------------------------------------------

TRUE_WORDS = {"yes", "y", "có", "co", "x", "1", "true", "đúng"}
FALSE_WORDS = {"", "no", "n", "không", "khong", "0", "false", "sai"}
REMEDIATION_PREFIX = "ket qua khac phuc"


@dataclass
class ImportResult:
    period: Period
    period_created: bool = False
    frameworks: list[tuple[str, int, Decimal]] = field(default_factory=list)  # (block name, criteria, total)

    def __str__(self):
        parts = [f"{name}: {count} tiêu chí, tổng {vn(total)} điểm" for name, count, total in self.frameworks]
        created = " (đã tạo kỳ đánh giá mới)" if self.period_created else ""
        return f"Đã nhập bộ chỉ số năm {self.period.year}{created} — " + "; ".join(parts) + "."


def _parse_bool(text: str) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _parse_rows(table: Table, blocks: dict[str, Block]) -> tuple[dict[str, list[Criterion]], list[RowError]]:
    """Turn each row into an unsaved Criterion (with `_row`), grouped by block, and list the
    problems of each row on its own."""
    errors: list[RowError] = []
    by_block: dict[str, list[Criterion]] = {}
    first_row: dict[tuple[str, str], int] = {}
    for index, (number, row) in enumerate(table.rows, start=1):
        bad: set[str] = set()
        block_code = row["block"].strip()
        if not block_code:
            errors.append(RowError(number, "block", "Chưa có mã khối."))
            bad.add("block")
        elif block_code not in blocks:
            errors.append(RowError(number, "block", f"Khối '{block_code}' không tồn tại (các khối: {', '.join(sorted(blocks))})."))
            bad.add("block")
        node = Criterion(code=row["code"].strip(), title=nfc(row["title"]), guidance=nfc(row["guidance"]), order=index)
        node._row = number
        try:
            node.max_score = parse_score(row["max_score"])
        except ValueError as exc:
            node.max_score = None
            errors.append(RowError(number, "max_score", str(exc)))
            bad.add("max_score")
        kind = row["kind"].strip()
        node.kind = KIND_WORDS.get(fold(kind), kind.lower()) if kind else Kind.SELF
        # Optional columns: a file of the nine documented ones has no computed rows.
        node.inputs, node.formula = canonical_declaration(nfc(row.get("inputs") or ""), nfc(row.get("formula") or ""))
        try:
            node.rule = normalize_rule(row["rule"])
        except ValueError as exc:
            node.rule = ""
            errors.append(RowError(number, "rule", str(exc)))
            bad.add("rule")
        for name in ("evidence_required", "na_allowed"):
            value = _parse_bool(row[name])
            if value is None:
                errors.append(RowError(number, name, f"'{row[name]}' không hợp lệ: dùng yes hoặc no."))
                value = False
            setattr(node, name, value)
        node.is_remediation = fold(node.title).startswith(REMEDIATION_PREFIX)
        for column, message in node.field_problems():
            if column not in bad and not (column == "max_score" and node.max_score is None):
                errors.append(RowError(number, column, message))
                bad.add(column)
        if "block" in bad:
            continue
        key = (block_code, node.code)
        if node.code and key in first_row:
            errors.append(RowError(number, "code", f"Mã '{node.code}' bị trùng với dòng {first_row[key]} (cùng khối {block_code})."))
            continue
        first_row[key] = number
        node._valid_code = "code" not in bad
        by_block.setdefault(block_code, []).append(node)
    return by_block, errors


def _check_tree(nodes: list[Criterion]) -> tuple[list[Criterion], list[RowError]]:
    errors = []
    linked = [node for node in nodes if node._valid_code]
    codes = {node.code: node for node in linked}
    for node in linked:
        if node.parent_code and node.parent_code not in codes:
            errors.append(
                RowError(node._row, "code", f"Không tìm thấy tiêu chí cha '{node.parent_code}' của {node.code} trong tệp (mã cha suy ra từ mã tiêu chí).")
            )
    roots = attach_children(linked, parent_of=lambda c: c.parent_code, key_of=lambda c: c.code)
    for problem in tree_problems(roots):
        if problem.node is None:
            continue
        errors.append(RowError(problem.node._row, problem.column, problem.message))
        parent = problem.node
        for child in problem.related:
            differs = "nhỏ hơn mức trần" if is_cap(parent) else "khác điểm tối đa"
            errors.append(
                RowError(
                    child._row,
                    "max_score",
                    f"{child.code} ({vn(child.max_score)} điểm) là tiêu chí con của {parent.code} (dòng {parent._row}); "
                    f"tổng điểm các tiêu chí con {vn(parent.children_total)} {differs} {vn(parent.max_score)} của {parent.code}.",
                )
            )
    return roots, errors


@transaction.atomic
def framework_import(
    *, table: Table, year: int, actor, source: str = "", decimals: int | None = None, tie_rule: str | None = None
) -> ImportResult:
    """Replace, for every block in the file, that block's framework of `year` by the file's rows.

    The whole file is checked first; on any error nothing is written and every error is listed
    with its row and column. The period is created (in draft) if the year has none yet, with the
    given precision and tie rule (the defaults when None); an existing period whose settings
    differ from those given is refused (`period_settings_update` changes them)."""
    if not 2000 <= year <= 2100:
        raise ImportRejected([RowError(0, "", f"Năm {year} không hợp lệ.")])
    period = Period.objects.select_for_update().filter(year=year).first()
    if period is not None and period.phase != Phase.DRAFT:
        raise FrameworkLocked(
            f"Kỳ đánh giá năm {year} đang ở giai đoạn {period.get_phase_display()}, đã qua giai đoạn dự thảo: không thể nhập bộ chỉ số."
        )
    settings_check(decimals=decimals, tie_rule=tie_rule)
    mismatch = None if period is None else settings_mismatch(period, decimals=decimals, tie_rule=tie_rule)
    if mismatch:
        raise ScoringError(mismatch)
    settings = {name: value for name, value in (("decimals", decimals), ("tie_rule", tie_rule)) if value is not None}
    if not table.rows:
        raise ImportRejected([RowError(0, "", "Tệp không có dòng tiêu chí nào.")])
    blocks = {block.code: block for block in Block.objects.all()}
    by_block, errors = _parse_rows(table, blocks)
    trees = {}
    for block_code, nodes in by_block.items():
        trees[block_code], tree_errors = _check_tree(nodes)
        errors.extend(tree_errors)
    if errors:
        order = {name: i for i, name in enumerate(FRAMEWORK_IMPORT_COLUMNS)}
        raise ImportRejected(sorted(set(errors), key=lambda e: (e.row, order.get(e.column, -1), e.message)))

    created = period is None
    if created:
        period = period_create(actor=actor, year=year, **settings)
    result = ImportResult(period=period, period_created=created)
    for block_code, nodes in sorted(by_block.items(), key=lambda item: (blocks[item[0]].order, item[0])):
        framework, _ = Framework.objects.get_or_create(period=period, block=blocks[block_code])
        old = list(framework.criteria.filter(parent__isnull=True).values_list("max_score", "kind"))
        old_count = framework.criteria.count()
        framework.criteria.all().delete()
        codes = {node.code: node for node in nodes}
        for node in nodes:
            node.framework = framework
        _bulk_create_tree([(node, codes.get(node.parent_code)) for node in nodes])
        total = framework_total(trees[block_code])
        audit_log(
            actor=actor,
            action="framework.import",
            target=framework,
            changes={
                "criteria": [old_count, len(nodes)],
                "total": [format_score(sum((m for m, k in old if k not in OUTSIDE_MAX_KINDS), Decimal("0"))), format_score(total)],
            },
            reason=source,
        )
        result.frameworks.append((blocks[block_code].name, len(nodes), total))
    return result

