"""Checks shared by the monitoring services."""

from units.models import Unit

from ..models import unit_existed_in


def unit_problem(unit: Unit, year: int) -> str | None:
    """Why `unit` cannot take part in the work of `year` (a task of the plan, an initiative
    registered that year), None when it can: it must have existed on some day of that year."""
    if not unit_existed_in(unit, year):
        return f"Đơn vị {unit.code} ({unit.name}) không hoạt động trong năm {year}."
    return None
