"""Communes merged by a reorganisation, and years of the communes' block, for the tests of a
unit's history through the lineage (tests/scoring/test_lineage_history.py, the browser test)."""

import datetime

from scoring.models import Phase
from tests.factories import UnitFactory
from units.models import Block, LineageLink, Reorganisation, Unit

from .conftest import approve, move, open_period
from .results_helpers import RESULTS_FRAMEWORK, give

# The communes' framework, beside the departments' one: a year opens for every block of its roster.
COMMUNES = RESULTS_FRAMEWORK + RESULTS_FRAMEWORK.split("\n", 1)[1].replace("so-nganh,", "ubnd-xa,")
REFORM = datetime.date(2025, 7, 1)


def commune(code: str, name: str, **fields) -> Unit:
    return UnitFactory(code=code, name=name, block=Block.objects.get(code="ubnd-xa"), **fields)


def commune_year(year: int, staff, plans: dict, *, publish: bool):
    """A year of the communes' block with the given units' plan scores (of 1000), published or
    left in finalisation (its results provisional)."""
    period = move(open_period(COMMUNES, year=year, actor=staff), Phase.FINALIZATION, staff)
    for unit, plan in plans.items():
        give(period, unit, plan)
    return approve(period, staff) if publish else period


def reorganise(key: str, day: datetime.date, links: list[tuple[Unit, Unit, str]]) -> Reorganisation:
    """An event and its links, written directly (the lineage import is the units app's): a
    closing link closes its predecessor the day before, as the import does."""
    event = Reorganisation.objects.create(key=key, effective_date=day, legal_basis=f"Nghị quyết {key}")
    for predecessor, successor, kind in links:
        LineageLink.objects.create(event=event, predecessor=predecessor, successor=successor, kind=kind)
        if kind in LineageLink.CLOSING:
            Unit.objects.filter(pk=predecessor.pk).update(valid_to=day - datetime.timedelta(days=1), active=False)
    return event
