"""Hostile and careless input: imports never crash and never write half a file; score inputs
that are not plain numbers are refused with a message."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cchc.tabular import ImportRejected, read_table, write_xlsx
from inspections.services import STATUS_COLUMNS, findings_import_status
from scoring.models import Criterion, Framework, Period
from scoring.selectors import FRAMEWORK_COLUMNS
from scoring.services import framework_import
from units.models import Unit
from units.services import UNIT_COLUMNS, units_import

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow])

# Cells a careless or hostile sheet may hold: formulas, huge text, control characters, numbers in
# every notation, Vietnamese in both Unicode forms.
cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "NaN", "1e9", "-0", "0,5", "1,2,3", " ", "so-nganh", "ubnd-xa", "1", "1.1", "yes", "no", "Thạch Hà", "Tha\u0323ch Ha\u0300"]),
    st.just("ă" * 12000),
)


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _tables(columns):
    rows = st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), max_size=6)
    return st.tuples(rows, st.booleans())


def _run_import(service, columns, rows, as_xlsx, **kwargs):
    if as_xlsx:
        # Excel itself cannot hold control characters; a CSV can, and is fuzzed with them.
        rows = [[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row] for row in rows]
    data = write_xlsx({"Sheet": (columns, rows)}) if as_xlsx else _csv(columns, rows)
    try:
        table = read_table(data, "f.xlsx" if as_xlsx else "f.csv", columns, required=set(columns) if kwargs.pop("all_required", True) else None)
        service(table=table, actor=None, **kwargs)
    except ImportRejected as exc:
        assert exc.errors and all(str(e) for e in exc.errors)
        return False
    return True


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_random_bytes_are_refused_cleanly(data, name):
    try:
        read_table(data, name, UNIT_COLUMNS)
    except ImportRejected as exc:
        assert exc.errors


@pytest.mark.django_db
@FUZZ
@given(table=_tables(UNIT_COLUMNS))
def test_unit_imports_are_all_or_nothing(table):
    rows, as_xlsx = table
    before = Unit.objects.count()
    if not _run_import(units_import, UNIT_COLUMNS, rows, as_xlsx):
        assert Unit.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(table=_tables(FRAMEWORK_COLUMNS))
def test_framework_imports_are_all_or_nothing(table):
    rows, as_xlsx = table
    before = (Period.objects.count(), Framework.objects.count(), Criterion.objects.count())
    if not _run_import(framework_import, FRAMEWORK_COLUMNS, rows, as_xlsx, year=2030, all_required=False):
        assert (Period.objects.count(), Framework.objects.count(), Criterion.objects.count()) == before


@pytest.mark.django_db
@FUZZ
@given(table=_tables(STATUS_COLUMNS))
def test_remediation_status_imports_never_crash(table):
    rows, as_xlsx = table
    _run_import(findings_import_status, STATUS_COLUMNS, rows, as_xlsx, all_required=False)


@pytest.fixture
def half_point_criterion(db):
    period = Period.objects.create(year=2031, title="Kỳ thử")
    framework = Framework.objects.create(period=period, block_id=1)
    return Criterion(framework=framework, code="1.1", title="Tiêu chí", max_score=Decimal("2"))


@pytest.mark.parametrize("typed", ["1,2,3", "1.2.3", "1e9", "1E2", "NaN", "nan", "Infinity", "", "   ", "abc", "0,555", "-1", "2,01", "0x1"])
def test_score_inputs_that_are_not_a_plain_allowed_number_are_refused(half_point_criterion, typed):
    with pytest.raises(ValidationError) as refused:
        half_point_criterion.check_score(typed)
    assert refused.value.messages[0]


@pytest.mark.parametrize("typed, value", [("0,5", "0.50"), ("0.5", "0.50"), (" 2 ", "2.00"), ("-0", "0.00"), ("1,25", "1.25")])
def test_score_inputs_with_a_comma_or_a_dot_are_the_same_number(half_point_criterion, typed, value):
    assert half_point_criterion.check_score(typed) == Decimal(value)
