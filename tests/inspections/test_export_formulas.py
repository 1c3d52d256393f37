"""The tracker export keeps a finding typed like a formula as text, and its import reads it back."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from cchc.tabular import read_table
from inspections import services

from .conftest import add_shortcoming


def test_a_finding_typed_like_a_formula_is_exported_as_text_and_read_back_unchanged(client_of, leader, visit_a, inspector):
    text = '=HYPERLINK("http://x","Xem chi tiết")'
    finding = add_shortcoming(visit_a, actor=inspector, text=text)
    data = client_of(leader).get(reverse("inspections:tracker_export")).content
    row = next(r for r in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2) if r[0].value == finding.pk)
    assert (row[4].value, row[4].data_type) == (text, "s")
    table = read_table(data, "khac-phuc.xlsx", services.STATUS_COLUMNS, required=services.STATUS_REQUIRED_COLUMNS)
    assert [values["shortcoming"] for _, values in table.rows] == [text]
