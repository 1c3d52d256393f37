"""Exports never hand a spreadsheet a formula. Text starting with = + - @, a tab or a carriage
return is stored as text in XLSX, its value unchanged, and behind an apostrophe in CSV, which
every CSV import removes again: export → import → export gives the same bytes. Numbers, and
numbers written as text, are written as before."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.tabular import csv_escape, csv_unescape, read_table, write_csv, write_xlsx
from scoring.selectors import FRAMEWORK_COLUMNS
from tests.factories import UnitFactory
from tests.scoring.conftest import HEADER, import_text
from units.models import Unit
from units.services import UNIT_COLUMNS, units_import

FORMULAS = ['=HYPERLINK("http://x","Bấm vào đây")', "=1+1", "+1+1", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-", "+"]
TEXTS = ["- Lĩnh vực một", "=1+1", "+ Cộng điểm", "@Sở Nội vụ", "'trích dẫn", "''hai dấu", "Sở Nội vụ", "a-b", "x'y", "88.35", "-1.00"]


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_is_written_behind_an_apostrophe_in_csv(text):
    assert _csv_cells(write_csv(["note"], [[text]]))[1] == ["'" + text]


def test_numbers_and_numbers_written_as_text_stay_as_they_are_in_csv():
    row = [Decimal("-1.00"), 5, -3, "88.35", "-1.00", "-7", "0", "Sở Nội vụ", "a-b", ""]
    assert write_csv(list("abcdefghij"), [row]) == "a,b,c,d,e,f,g,h,i,j\n-1.00,5,-3,88.35,-1.00,-7,0,Sở Nội vụ,a-b,\n".encode()


def test_a_carriage_return_in_a_csv_cell_stays_inside_its_quoted_cell():
    data = write_csv(["note", "score"], [["\r=1+1", 5], ["a\rb", 6], ["x", 7]])
    assert data == b'note,score\n"\'\r=1+1","5"\n"a\rb","6"\nx,7\n'
    assert _csv_cells(data)[1:] == [["'\r=1+1", "5"], ["a\rb", "6"], ["x", "7"]]


def test_a_text_starting_with_an_apostrophe_gets_a_second_one_in_csv():
    assert _csv_cells(write_csv(["note"], [["'trích dẫn"]]))[1] == ["''trích dẫn"]


@pytest.mark.parametrize("text", FORMULAS + TEXTS)
def test_unescaping_what_was_escaped_gives_the_text_back(text):
    assert csv_unescape(csv_escape(text)) == text


def test_every_csv_import_removes_exactly_one_leading_apostrophe():
    data = "'note,code\n'=1+1,''x\nx',a'b\n".encode()
    assert [values for _, values in read_table(data, "x.csv", ["note", "code"]).rows] == [
        {"note": "=1+1", "code": "'x"},
        {"note": "x'", "code": "a'b"},
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_csv_export_import_export_is_byte_identical(text):
    first = write_csv(["note"], [[text]])
    values = [row["note"] for _, row in read_table(first, "x.csv", ["note"]).rows]
    assert values == [text] and write_csv(["note"], [values]) == first


# XML reads a carriage return as a line feed (openpyxl writes it raw), so "\r=1+1" comes back
# from any XLSX as "\n=1+1": still text, but not the same value.
@pytest.mark.parametrize("text", [f for f in FORMULAS if not f.startswith("\r")])
def test_formula_text_is_stored_as_text_in_xlsx_with_its_value_unchanged(text):
    data = write_xlsx({"Sheet": (["note", "score"], [[text, 5]])})
    cell, number = load_workbook(io.BytesIO(data)).active[2]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert (number.value, number.data_type) == (5, "n")
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_ordinary_xlsx_text_gets_no_quote_prefix():
    cell = load_workbook(io.BytesIO(write_xlsx({"Sheet": (["note"], [["Sở Nội vụ"]])}))).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("Sở Nội vụ", "s", False)


def test_an_xlsx_import_gives_formula_text_back_and_keeps_a_stored_apostrophe():
    # Excel keeps the apostrophe someone types before =… out of the value (a quote prefix); an
    # apostrophe stored in the text is part of it, so XLSX imports leave it.
    data = write_xlsx({"Sheet": (["note", "code"], [["=1+1", "'trích dẫn"]])})
    assert read_table(data, "x.xlsx", ["note", "code"]).rows[0][1] == {"note": "=1+1", "code": "'trích dẫn"}


# --- The exports ---------------------------------------------------------------------------------

NAME = '=HYPERLINK("http://x","Bấm vào đây")'


@pytest.mark.django_db
def test_a_unit_named_like_a_formula_is_exported_as_text_and_an_export_import_changes_nothing(client_of, sonv_staff):
    UnitFactory(code="CONG-THUC", name=NAME)
    client = client_of(sonv_staff)
    data = client.get(reverse("units:export")).content
    assert ["CONG-THUC", "'" + NAME] in [row[:2] for row in _csv_cells(data)]
    result = units_import(table=read_table(data, "don-vi.csv", UNIT_COLUMNS), actor=None)
    assert result.created == result.updated == 0 and Unit.objects.get(code="CONG-THUC").name == NAME

    sheet = load_workbook(io.BytesIO(client.get(reverse("units:export"), {"format": "xlsx"}).content)).active
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "CONG-THUC")
    assert (cell.value, cell.data_type) == (NAME, "s")


FRAMEWORK = HEADER + (
    "so-nganh,1,- Lĩnh vực một,3,,,,,\n"
    "so-nganh,1.1,=SUM(1;2),1,,,@ghi chú,no,no\n"
    "so-nganh,1.2,''trích dẫn,2,,,+ hướng dẫn,no,yes\n"  # '' in a file: the import keeps one
)


@pytest.mark.django_db
def test_framework_titles_like_formulas_round_trip_byte_identical_and_are_text_in_xlsx(tmp_path):
    import_text(FRAMEWORK, year=2024)
    first, second, xlsx = tmp_path / "1.csv", tmp_path / "2.csv", tmp_path / "b.xlsx"
    call_command("export_framework", "--year", "2024", "-o", str(first))
    lines = first.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(FRAMEWORK_COLUMNS)
    assert lines[1].startswith("so-nganh,1,'- Lĩnh vực một,3,") and "''trích dẫn" in lines[3] and "'@ghi chú" in lines[2]
    call_command("import_framework", str(first), "--year", "2025")
    call_command("export_framework", "--year", "2025", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()

    call_command("export_framework", "--year", "2024", "-o", str(xlsx))
    titles = [row[2] for row in load_workbook(xlsx).active.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in titles] == [("- Lĩnh vực một", "s"), ("=SUM(1;2)", "s"), ("'trích dẫn", "s")]
