"""Reads of units, blocks, heads, parent history and lineage."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import Block, LineageLink, Reorganisation, Unit, UnitHead, UnitParent, User
from .services import UNIT_COLUMNS, UNIT_DATED_COLUMNS
from .text import search_words


def unit_list(
    *, q: str = "", block: Block | None = None, include_inactive: bool = False, on: datetime.date | None = None
) -> QuerySet[Unit]:
    """The directory: filtered by block and by accent-insensitive words, with the serving head.

    `on` is the day the directory is read for: the units that existed that day (a unit set
    inactive by hand, without dates, is left out); with `include_inactive`, also those closed
    by then, but never one formed later. Without `on`: active units, or with `include_inactive`
    every unit. A constant number of queries whatever the number of units (one for the page, one
    for heads).
    """
    units = Unit.objects.select_related("block", "parent").prefetch_related(
        Prefetch("heads", queryset=UnitHead.objects.current().order_by("-start_date", "-id"), to_attr="serving_heads")
    )
    if on is not None and include_inactive:
        units = units.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
    elif on is not None:
        units = units.existing_on(on).filter(Q(active=True) | Q(valid_to__isnull=False))
    elif not include_inactive:
        units = units.filter(active=True)
    if block is not None:
        units = units.filter(block=block)
    # Each word must start a word of the name: "thach ha" finds "Thạch Hà", not "Thạch Kim".
    for word in search_words(q):
        units = units.filter(Q(search_key__startswith=word) | Q(search_key__contains=" " + word))
    return units.order_by("block__order", "block__code", "parent__code", "code")


def block_list_with_counts() -> QuerySet[Block]:
    return Block.objects.annotate(unit_count=Count("units", filter=Q(units__active=True)))


def unit_detail(*, pk: int) -> Unit:
    return (
        Unit.objects.select_related("block", "parent")
        .prefetch_related(
            Prefetch("heads", queryset=UnitHead.objects.order_by("-start_date", "-id")),
            Prefetch("children", queryset=Unit.objects.order_by("code")),
        )
        .get(pk=pk)
    )


def unit_head_in_year(*, unit: Unit, year: int) -> UnitHead | None:
    """The head rated for `year`: the one serving at its end, else the last one who served in it."""
    return (
        unit.heads.serving_in_year(year)
        .order_by(F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "-id")
        .first()
    )


def _covering(day: datetime.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def parents_on(unit_ids, day: datetime.date) -> dict[int, int | None]:
    """{unit id: id of its parent on `day`, or None} for each of `unit_ids` that exists, in one
    query. Read from the parent history; a unit without any history record has had its current
    parent (Unit.parent) all along."""
    on_day = UnitParent.objects.filter(_covering(day), unit=OuterRef("pk")).order_by(F("valid_from").desc(nulls_last=True), "-id")
    rows = (
        Unit.objects.filter(pk__in=list(unit_ids))
        .annotate(parent_on_day=Subquery(on_day.values("parent_id")[:1]), has_history=Exists(UnitParent.objects.filter(unit=OuterRef("pk"))))
        .values_list("pk", "parent_on_day", "has_history", "parent_id")
    )
    return {pk: (on_day_id if has_history else current) for pk, on_day_id, has_history, current in rows}


def unit_parent_on(unit: Unit, day: datetime.date) -> Unit | None:
    """The unit `unit` was under on `day` (None: under none)."""
    parent_id = parents_on([unit.pk], day).get(unit.pk)
    return Unit.objects.get(pk=parent_id) if parent_id else None


def parent_units_on(unit_ids, day: datetime.date) -> dict[int, Unit]:
    """{unit id: its parent Unit on `day`} for the units that had one: two queries."""
    ids = parents_on(unit_ids, day)
    parents = Unit.objects.in_bulk({pk for pk in ids.values() if pk})
    return {pk: parents[parent_id] for pk, parent_id in ids.items() if parent_id in parents}


def unit_successors(unit: Unit) -> list[Unit]:
    """The units that the lineage links of `unit` name as its successors."""
    return list(Unit.objects.filter(predecessor_links__predecessor=unit).distinct().select_related("block").order_by("code"))


def unit_lineage(unit: Unit) -> dict:
    """What the unit page says of its history: the links that formed it ("Hình thành từ"), what
    became of it ("Đã sáp nhập vào", "Chia tách vào", "Đổi tên thành"...), grouped per event and
    kind, and its parent history. Three queries."""
    formed_from = list(LineageLink.objects.filter(successor=unit).select_related("event", "predecessor"))
    went_into: dict[tuple, list[LineageLink]] = defaultdict(list)
    for link in LineageLink.objects.filter(predecessor=unit).select_related("event", "successor").order_by("event__effective_date", "event__key", "successor__code"):
        went_into[(link.event, link.kind)].append(link)
    parents = list(unit.parent_history.select_related("parent", "event").order_by(F("valid_from").asc(nulls_first=True), "id"))
    return {
        "formed_from": formed_from,
        "went_into": [{"event": event, "kind": kind, "links": links} for (event, kind), links in went_into.items()],
        "parents": parents,
    }


def unit_active_members(unit: Unit) -> list[User]:
    """The unit's users who can still sign in (those a closed unit's page offers to move)."""
    return list(unit.members.filter(is_active=True).order_by("full_name", "username"))


def reorganisation_list() -> QuerySet[Reorganisation]:
    """The events imported, latest first, with the number of links and of parent moves."""
    return Reorganisation.objects.annotate(
        link_count=Count("links", distinct=True), move_count=Count("parent_moves", distinct=True)
    ).order_by("-effective_date", "key")


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def units_export_table(*, on: datetime.date | None = None) -> tuple[list[str], list[list[str]]]:
    """Columns and rows in the import format, so that export → import changes nothing: every
    unit, or with `on` those that existed that day. The optional columns valid_from, valid_to,
    stat_code are written only when some unit exported has one of them, so that a directory
    without dates keeps the six documented columns."""
    units = unit_list(include_inactive=True).order_by("block__order", "block__code", "code")
    if on is not None:
        units = units.existing_on(on)
    units = list(units)
    dated = any(u.valid_from or u.valid_to or u.stat_code for u in units)
    rows = []
    for unit in units:
        head = unit.serving_heads[0] if unit.serving_heads else None
        row = [
            unit.code,
            unit.name,
            unit.block.code,
            unit.parent.code if unit.parent_id else "",
            head.full_name if head else "",
            head.title if head else "",
        ]
        if dated:
            row += [_day(unit.valid_from), _day(unit.valid_to), unit.stat_code]
        rows.append(row)
    return (UNIT_COLUMNS + UNIT_DATED_COLUMNS if dated else list(UNIT_COLUMNS)), rows


def lineage_export_rows() -> list[list[str]]:
    """Every link and every parent move of an event, in the lineage import format, ordered by
    date, event, then predecessor: export → import changes nothing."""
    from .lineage import PARENT

    keyed = []
    for link in LineageLink.objects.select_related("event", "predecessor", "successor"):
        event = link.event
        to_code = link.successor.code if link.successor_id else ""
        keyed.append(((event.effective_date, event.key, 0, link.predecessor.code, to_code), [
            event.key, event.effective_date.isoformat(), event.legal_basis, link.kind, link.predecessor.code, to_code,
        ]))
    for move in UnitParent.objects.filter(event__isnull=False).select_related("event", "unit", "parent"):
        event = move.event
        keyed.append(((event.effective_date, event.key, 1, move.unit.code, move.parent.code), [
            event.key, event.effective_date.isoformat(), event.legal_basis, PARENT, move.unit.code, move.parent.code,
        ]))
    return [row for _, row in sorted(keyed, key=lambda item: item[0])]


__all__ = [
    "unit_list", "block_list_with_counts", "unit_detail", "unit_head_in_year", "units_export_table", "UNIT_COLUMNS",
    "parents_on", "unit_parent_on", "parent_units_on", "unit_successors", "unit_lineage", "unit_active_members",
    "reorganisation_list", "lineage_export_rows",
]
