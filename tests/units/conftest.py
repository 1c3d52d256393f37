"""A small province for the lineage tests: two districts with their communes, the communes that
a reform of 01/07/2025 forms, and helpers to import a lineage file written inline."""

import datetime

import pytest

from cchc.tabular import read_table
from tests.factories import UnitFactory
from units.lineage import LINEAGE_COLUMNS, lineage_import
from units.models import Block, Unit, UnitParent

HEADER = "event,effective_date,legal_basis,kind,from_code,to_code\n"
REFORM = "NQ1665,01/07/2025,Nghị quyết 1665/NQ-UBTVQH15"
REFORM_DAY = datetime.date(2025, 7, 1)


def lineage_file(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def import_lineage(*rows: str, actor=None):
    text = lineage_file(*rows)
    return lineage_import(table=read_table(text.encode(), "sap-xep.csv", LINEAGE_COLUMNS), actor=actor)


def unit(code: str, name: str, block: str = "ubnd-xa", parent: Unit | None = None, **fields) -> Unit:
    """A unit with its parent recorded the way the app records it (an open-ended history row)."""
    made = UnitFactory(code=code, name=name, block=Block.objects.get(code=block), parent=parent, **fields)
    if parent is not None:
        UnitParent.objects.create(unit=made, parent=parent)
    return made


@pytest.fixture
def province(db):
    """H-TH (Thạch Hà) with X-THACHVAN and X-THACHLAC; H-LH (Lộc Hà) with X-THACHKIM; TP-HT;
    the communes of 01/07/2025: X-DONGTIEN, X-KYLOI1/2/3 (from Kỳ Lợi), and X-KYLOI itself."""
    th = unit("H-TH", "UBND huyện Thạch Hà", "ubnd-huyen")
    lh = unit("H-LH", "UBND huyện Lộc Hà", "ubnd-huyen")
    tp = unit("TP-HT", "UBND thành phố Hà Tĩnh", "ubnd-huyen")
    units = {
        "H-TH": th, "H-LH": lh, "TP-HT": tp,
        "X-THACHVAN": unit("X-THACHVAN", "UBND xã Thạch Văn", parent=th),
        "X-THACHLAC": unit("X-THACHLAC", "UBND xã Thạch Lạc", parent=th),
        "X-THACHKIM": unit("X-THACHKIM", "UBND xã Thạch Kim", parent=lh),
        "X-KYLOI": unit("X-KYLOI", "UBND xã Kỳ Lợi", parent=th),
    }
    for code, name in [("X-DONGTIEN", "UBND xã Đồng Tiến"), ("X-KYLOI1", "UBND phường Hoành Sơn"), ("X-KYLOI2", "UBND xã Kỳ Lạc"), ("X-KYLOI3", "UBND xã Kỳ Hoa")]:
        units[code] = unit(code, name, valid_from=REFORM_DAY)
    return units


def state():
    """Everything a lineage import may write, to compare before and after."""
    from audit.models import AuditEvent
    from units.models import LineageLink, Reorganisation

    return (
        sorted(Unit.objects.values_list("code", "valid_from", "valid_to", "active", "parent__code")),
        sorted(Reorganisation.objects.values_list("key", "effective_date", "legal_basis")),
        sorted(LineageLink.objects.values_list("event__key", "kind", "predecessor__code", "successor__code"), key=str),
        sorted(UnitParent.objects.values_list("unit__code", "parent__code", "valid_from", "valid_to"), key=str),
        AuditEvent.objects.count(),
    )
