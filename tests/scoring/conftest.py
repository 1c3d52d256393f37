"""Frameworks for the scoring tests, built from CSV text through the real import."""

from decimal import Decimal
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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Published figures are cached; a test's must not meet those of an earlier test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sample_period(db) -> Period:
    """2024 in draft with the departments' sample framework (100 points)."""
    return import_text(sample_text()).period


@pytest.fixture
def sample_framework(sample_period) -> Framework:
    return Framework.objects.select_related("period", "block").get(period=sample_period, block__code="so-nganh")


# --- The scoring cycle ----------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def open_period(text: str | None = None, *, year: int = 2024, actor=None):
    """A period with the given framework (the departments' sample by default), moved to
    self-assessment: every active unit of the block gets its assessment."""
    from scoring.services import period_advance

    period = import_text(text or sample_text(), year=year).period
    return period_advance(actor=actor, period=period)


def assessment_of(period, unit):
    from scoring.models import Assessment

    return Assessment.objects.select_related("period", "unit", "framework").get(period=period, unit=unit)


def row(assessment, code: str):
    from scoring.models import Score

    return Score.objects.select_related("criterion", "assessment__period", "assessment__unit").get(assessment=assessment, criterion__code=code)


def move(period, phase, actor=None):
    from scoring.services import period_move

    # Tests of later stages do not appraise every row: they pass the checklist with a reason, as
    # staff may (the checklist itself is tested in test_readiness.py).
    return period_move(actor=actor, period=period, to_phase=phase, reason="thử nghiệm", override_reason="Dữ liệu thử nghiệm")


def fill_self(assessment, *, value="max"):
    """Every self-assessed row at its max (or a given value), written directly: tests of later
    stages need a finished self-assessment, not a thousand service calls."""
    from scoring.models import Kind, Score

    rows = list(Score.objects.filter(assessment=assessment, criterion__kind=Kind.SELF).select_related("criterion"))
    for score in rows:
        score.self_score = score.criterion.max_score if value == "max" else Decimal(value)
    Score.objects.bulk_update(rows, ["self_score"])
    from scoring.services import assessment_totals_refresh

    assessment_totals_refresh(period=assessment.period, assessment_ids=[assessment.pk])
    return rows


def submit(assessment, note="Thiếu tài liệu do chuyển giao hệ thống."):
    from scoring.models import Assessment

    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED, submit_note=note)


@pytest.fixture
def cycle(sonv_staff, council_member, unit_a_editor, unit_b_editor):
    """2024 with the departments' framework in self-assessment; units A and B (and the staff's
    and the council member's own units) have their assessments. The council member appraises
    field 2 for every block."""
    from types import SimpleNamespace

    from scoring.models import AppraisalAssignment

    period = open_period(actor=sonv_staff)
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="2")
    return SimpleNamespace(
        period=period,
        a=assessment_of(period, unit_a_editor.unit),
        b=assessment_of(period, unit_b_editor.unit),
        staff=sonv_staff,
        member=council_member,
        editor_a=unit_a_editor,
        editor_b=unit_b_editor,
    )


def approve(period, staff, *, council_on=None):
    """Walk a period to `approved` as the rules require: to finalisation, the council's approval,
    the decision, then the move (staff must be a staff member)."""
    import datetime

    from scoring.models import Phase
    from scoring.services import approval_record, approval_set_decision, period_move

    if period.phase != Phase.FINALIZATION:
        period = move(period, Phase.FINALIZATION, staff)
    council_on = council_on or datetime.date(period.year + 1, 2, 20)
    approval = approval_record(
        actor=staff, period=period, council_approved_on=council_on, minutes_ref="Biên bản họp Hội đồng", override_reason="Dữ liệu thử nghiệm"
    )
    approval_set_decision(
        actor=staff, approval=approval, decision_number="519/QĐ-UBND", decision_date=council_on + datetime.timedelta(days=3),
        signer_name="Trần Báu Hà", signer_title="Phó Chủ tịch",
    )
    return period_move(actor=staff, period=period, to_phase=Phase.APPROVED, reason="Quyết định số 519/QĐ-UBND")
