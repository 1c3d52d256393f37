"""The roster page of a period (danh sách đơn vị được đánh giá), for Sở Nội vụ: the units of each
block with counts; add a unit; move, remove, or add every unit active at the year's end while
the period is in draft. Each action is one service (`scoring.services.roster`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.selectors import audit_events_for
from cchc.params import int_param
from cchc.views import attempt
from units.models import Block, Unit

from .. import selectors, services
from ..models import Phase, RosterEntry
from ..services.errors import ScoringError
from .framework import _get_period_for_user

ROSTER_ACTIONS = ["roster.add", "roster.move", "roster.remove", "roster.fill", "roster.copy"]


def _blocks_to_choose(period):
    """Blocks a unit may be assessed in: those in use, and those already on the roster."""
    on_roster = selectors.roster_block_ids(period)
    return [b for b in Block.objects.order_by("order", "code") if b.active or b.pk in on_roster]


@login_required
@require_GET
def roster(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    page = selectors.roster_page(period)
    context = {
        "period": period,
        "page": page,
        "editable": period.is_draft,
        "can_add": period.phase != Phase.APPROVED,
        "candidates": list(selectors.roster_candidates(period)) if period.phase != Phase.APPROVED else [],
        "blocks": _blocks_to_choose(period),
        "fill_day": selectors.roster_day(period),
        "events": audit_events_for(period).filter(action__in=ROSTER_ACTIONS).select_related("actor")[:20],
    }
    return render(request, "scoring/roster.html", context)


def _posted(request, name: str, model, queryset=None):
    """The row whose id is posted as `name`, or a refusal saying what to choose."""
    pk = int_param(request.POST, name)
    found = (queryset if queryset is not None else model.objects).filter(pk=pk).first() if pk else None
    if found is None:
        raise ScoringError({"unit": "Hãy chọn đơn vị.", "block": "Hãy chọn khối.", "entry": "Đơn vị không có trong danh sách được đánh giá; hãy tải lại trang."}[name])
    return found


def _back(year: int):
    return redirect("scoring:roster", year=year)


@login_required
@require_POST
def roster_add(request, year: int):
    period = _get_period_for_user(request, year, write=True)

    def call():
        unit = _posted(request, "unit", Unit)
        # No block chosen: the unit's current block, the one the form offers first.
        block = _posted(request, "block", Block) if request.POST.get("block") else unit.block
        return services.roster_add(actor=request.user, period=period, unit=unit, block=block)

    def done(entry) -> str:
        made = " và tạo phiếu đánh giá" if getattr(entry, "assessment_created", False) else ""
        return f"Đã thêm {entry.unit.name} vào {entry.block.name}{made}."

    attempt(request, call, done)
    return _back(year)


@login_required
@require_POST
def roster_move(request, year: int):
    period = _get_period_for_user(request, year, write=True)

    def call():
        entry = _posted(request, "entry", RosterEntry, RosterEntry.objects.filter(period=period).select_related("unit"))
        return services.roster_move(actor=request.user, entry=entry, block=_posted(request, "block", Block))

    attempt(request, call, lambda entry: f"Đã chuyển {entry.unit.name} sang {entry.block.name}.")
    return _back(year)


@login_required
@require_POST
def roster_remove(request, year: int):
    period = _get_period_for_user(request, year, write=True)

    def call():
        entry = _posted(request, "entry", RosterEntry, RosterEntry.objects.filter(period=period).select_related("unit"))
        services.roster_remove(actor=request.user, entry=entry)
        return entry

    attempt(request, call, lambda entry: f"Đã bỏ {entry.unit.name} khỏi danh sách đơn vị được đánh giá năm {period.year}.")
    return _back(year)


@login_required
@require_POST
def roster_fill(request, year: int):
    period = _get_period_for_user(request, year, write=True)

    attempt(
        request,
        lambda: services.roster_fill(actor=request.user, period=period),
        lambda added: f"Đã thêm {added} đơn vị vào danh sách được đánh giá." if added else "Mọi đơn vị đang hoạt động đã có trong danh sách.",
    )
    return _back(year)
