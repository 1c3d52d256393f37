import pytest
from django.core.management import CommandError, call_command

from cchc.tabular import ImportRejected, read_table, write_csv, write_xlsx
from inspections import selectors, services
from inspections.models import Finding

from .conftest import add_shortcoming

pytestmark = pytest.mark.django_db
COLUMNS = services.STATUS_COLUMNS


def _table(rows, name="trang-thai.csv"):
    data = write_xlsx({"Sheet": (COLUMNS, rows)}) if name.endswith(".xlsx") else write_csv(COLUMNS, rows)
    return read_table(data, name, COLUMNS, required=services.STATUS_REQUIRED_COLUMNS)


def _row(finding, status, comment=""):
    return [finding.pk, finding.owner_unit.code, finding.owner_unit.name, finding.field, finding.text, finding.recommendation, "31/12/2023", status, comment]


def test_the_exported_sheet_comes_back_with_decisions_and_is_applied(reported_a, shortcoming_b, sonv_staff, visit_a, inspector, unit_a_editor):
    third = add_shortcoming(visit_a, actor=inspector)
    services.finding_report_remediation(actor=unit_a_editor, finding=third, text="Đã làm.", files=[])
    rows = {row[0]: row for row in selectors.tracker_export_rows()}
    assert rows[reported_a.pk][7] == "reported" and rows[shortcoming_b.pk][1] == "UNIT-B"
    rows[reported_a.pk][7] = "closed"
    rows[third.pk][7], rows[third.pk][8] = "returned", "Thiếu văn bản kèm theo."
    result = services.findings_import_status(table=_table(list(rows.values()), "theo-doi.xlsx"), actor=sonv_staff)
    assert (result.changed, result.unchanged) == (2, 1)
    assert Finding.objects.get(pk=reported_a.pk).status == "closed"
    third.refresh_from_db()
    assert third.status == "returned" and third.review_comment == "Thiếu văn bản kèm theo."


def test_one_bad_row_rejects_the_whole_file_and_names_the_row(reported_a, shortcoming_b, sonv_staff):
    table = _table([_row(reported_a, "closed"), _row(shortcoming_b, "returned", "Thiếu")])
    with pytest.raises(ImportRejected) as rejected:
        services.findings_import_status(table=table, actor=sonv_staff)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "status")]
    assert Finding.objects.get(pk=reported_a.pk).status == "reported"


def test_every_kind_of_bad_row_is_listed(reported_a, shortcoming_b, sonv_staff):
    table = _table(
        [
            ["abc", "", "", "", "", "", "", "closed", ""],
            [99999, "", "", "", "", "", "", "closed", ""],
            _row(reported_a, "returned"),  # a return needs a comment
            _row(shortcoming_b, "dong"),  # unknown status
            _row(shortcoming_b, "reported"),  # duplicate id and a unit's own status
            [reported_a.pk, "UNIT-B", "", "", "", "", "", "closed", ""],  # duplicate, wrong unit
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        services.findings_import_status(table=table, actor=sonv_staff)
    errors = {(e.row, e.column) for e in rejected.value.errors}
    assert {(2, "finding_id"), (3, "finding_id"), (4, "status"), (5, "status"), (6, "finding_id"), (7, "finding_id")} <= errors


def test_closing_an_item_the_unit_never_reported_needs_the_basis(shortcoming_b, sonv_staff):
    with pytest.raises(ImportRejected):
        services.findings_import_status(table=_table([_row(shortcoming_b, "closed")]), actor=sonv_staff)
    services.findings_import_status(table=_table([_row(shortcoming_b, "closed", "Báo cáo số 12/BC-UBND ngày 05/01/2024")]), actor=sonv_staff)
    assert Finding.objects.get(pk=shortcoming_b.pk).status == "closed"


def test_the_import_command_exits_non_zero_on_a_bad_file_and_writes_nothing(tmp_path, reported_a, capsys):
    path = tmp_path / "trang-thai.csv"
    path.write_bytes(write_csv(COLUMNS, [_row(reported_a, "open")]))
    with pytest.raises(CommandError):
        call_command("import_findings_status", str(path))
    assert "Dòng 2, cột status" in capsys.readouterr().err
    path.write_bytes(write_csv(COLUMNS, [_row(reported_a, "closed")]))
    call_command("import_findings_status", str(path))
    assert Finding.objects.get(pk=reported_a.pk).status == "closed"
