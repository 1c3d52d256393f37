"""Frameworks for the scoring tests, built from CSV text through the real import."""

from pathlib import Path

import pytest

from cchc.tabular import read_table
from scoring.models import Framework, Period
from scoring.services import FRAMEWORK_COLUMNS, REQUIRED_COLUMNS, framework_import

SAMPLE = Path(__file__).resolve().parents[2] / "scoring" / "data" / "framework-so-nganh.csv"
HEADER = ",".join(FRAMEWORK_COLUMNS) + "\n"


def table_of(text: str, filename: str = "bo-chi-so.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_table(data, filename, FRAMEWORK_COLUMNS, required=REQUIRED_COLUMNS)


def import_text(text: str, year: int = 2024, actor=None):
    return framework_import(table=table_of(text), year=year, actor=actor)


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def generated_csv(fields: int, criteria: int, leaves: int, block: str = "so-nganh") -> str:
    """A consistent framework of fields × criteria × leaves nodes, each leaf worth 1 point."""
    lines = [HEADER.rstrip("\n")]
    for f in range(1, fields + 1):
        lines.append(f"{block},{f},Lĩnh vực {f},{criteria * leaves},,,,,")
        for c in range(1, criteria + 1):
            lines.append(f"{block},{f}.{c},Tiêu chí {f}.{c},{leaves},,,,,")
            for leaf in range(1, leaves + 1):
                lines.append(f'{block},{f}.{c}.{leaf},Tiêu chí thành phần {f}.{c}.{leaf},1,,"1=Đạt; 0,5=Đạt một phần; 0=Không đạt",Báo cáo,yes,no')
    return "\n".join(lines) + "\n"


@pytest.fixture
def sample_period(db) -> Period:
    """2024 in draft with the departments' sample framework (100 points)."""
    return import_text(sample_text()).period


@pytest.fixture
def sample_framework(sample_period) -> Framework:
    return Framework.objects.select_related("period", "block").get(period=sample_period, block__code="so-nganh")
