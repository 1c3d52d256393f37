"""Reads of units, blocks and heads."""

from django.db.models import Count, F, Prefetch, Q, QuerySet

from .models import Block, Unit, UnitHead
from .services import UNIT_COLUMNS
from .text import search_words


def unit_list(*, q: str = "", block: Block | None = None, include_inactive: bool = False) -> QuerySet[Unit]:
    """The directory: filtered by block and by accent-insensitive words, with the serving head.

    A constant number of queries whatever the number of units (one for the page, one for heads).
    """
    units = Unit.objects.select_related("block", "parent").prefetch_related(
        Prefetch("heads", queryset=UnitHead.objects.current().order_by("-start_date", "-id"), to_attr="serving_heads")
    )
    if not include_inactive:
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


def units_export_rows() -> list[list[str]]:
    """Rows in the import format, so that export → import changes nothing."""
    rows = []
    for unit in unit_list(include_inactive=True).order_by("block__order", "block__code", "code"):
        head = unit.serving_heads[0] if unit.serving_heads else None
        rows.append(
            [
                unit.code,
                unit.name,
                unit.block.code,
                unit.parent.code if unit.parent_id else "",
                head.full_name if head else "",
                head.title if head else "",
            ]
        )
    return rows


__all__ = ["unit_list", "block_list_with_counts", "unit_detail", "unit_head_in_year", "units_export_rows", "UNIT_COLUMNS"]
