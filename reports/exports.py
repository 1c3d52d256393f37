"""Exports of a period's results: the ranking (CSV or XLSX) and the council's score matrix (XLSX).

The ranking's columns are fixed — `RANKING_COLUMNS` — because other systems read the file:
one row per assessed unit, blocks in block order, rows in rank order. In CSV the numbers are
written with a dot and two decimals (88.35); in XLSX they are real numbers shown with two
decimals, so that a spreadsheet can sort and sum them.

The score matrix is the council's working paper: one sheet per block, units in rank order, one
column per sub-criterion in code order with its maximum in the second header row. A cell holds
the effective final score; "KAD" (không áp dụng) marks a not-applicable item — the word the
score import reads back as NA — and an empty cell a score never given (it counts as 0).
Deduction columns hold the penalty as a positive number; the totals at the end subtract them."""

import io
from decimal import Decimal

from cchc.tabular import write_csv
from scoring.models import Criterion, Period, Score
from scoring.selectors import RankingRow, ranking_for_period

RANKING_COLUMNS = ["block", "rank", "unit_code", "unit_name", "score", "max_score", "index", "classification", "head_rating"]
NOT_APPLICABLE = "KAD"
NUMBER_FORMAT = "0.00"


def _two(value: Decimal) -> str:
    return f"{value:.2f}"


def ranking_rows(rows: list[RankingRow]) -> list[list]:
    """The ranking as cells, numbers as Decimals (the CSV writes them with two decimals)."""
    return [
        [r.block.code, r.rank, r.unit.code, r.unit.name, r.score, r.max_score, r.index, r.classification, r.head_rating]
        for r in rows
    ]


def ranking_csv(period: Period, rows: list[RankingRow] | None = None) -> bytes:
    rows = ranking_for_period(period) if rows is None else rows
    cells = [[_two(v) if isinstance(v, Decimal) else v for v in line] for line in ranking_rows(rows)]
    return write_csv(RANKING_COLUMNS, cells)


def _workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _bold(row):
    from openpyxl.styles import Font

    for cell in row:
        cell.font = Font(bold=True)


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put_number(cell, value: Decimal) -> None:
    # A float is exact enough for two-decimal scores and is what every spreadsheet expects.
    cell.value = float(value)
    cell.number_format = NUMBER_FORMAT


def ranking_xlsx(period: Period, rows: list[RankingRow] | None = None) -> bytes:
    rows = ranking_for_period(period) if rows is None else rows
    workbook = _workbook()
    sheet = workbook.create_sheet(title=f"Xếp hạng {period.year}")
    sheet.append(RANKING_COLUMNS)
    _bold(sheet[1])
    for line in ranking_rows(rows):
        sheet.append([None if isinstance(v, Decimal) else v for v in line])
        for column, value in enumerate(line, start=1):
            if isinstance(value, Decimal):
                _put_number(sheet.cell(row=sheet.max_row, column=column), value)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["D"].width = 45
    sheet.column_dimensions["H"].width = 12
    sheet.column_dimensions["I"].width = 30
    return _save(workbook)


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def score_matrix_xlsx(period: Period, rows: list[RankingRow] | None = None) -> bytes:
    """Units × sub-criteria, one sheet per block: three queries for the whole period."""
    rows = ranking_for_period(period) if rows is None else rows
    criteria = list(Criterion.objects.filter(framework__period=period).values("pk", "parent_id", "code", "kind", "max_score", "framework__block_id"))
    parents = {c["parent_id"] for c in criteria if c["parent_id"]}
    leaves_by_block: dict[int, list[dict]] = {}
    for criterion in criteria:
        if criterion["pk"] not in parents:
            leaves_by_block.setdefault(criterion["framework__block_id"], []).append(criterion)
    for leaves in leaves_by_block.values():
        leaves.sort(key=lambda c: _code_key(c["code"]))
    cells: dict[tuple[int, int], object] = {}
    values = Score.objects.filter(assessment__period=period).values_list(
        "assessment_id", "criterion_id", "final_score", "appraised_score", "self_score", "not_applicable"
    )
    for assessment_id, criterion_id, final, appraised, own, na in values.order_by():
        value = next((v for v in (final, appraised, own) if v is not None), None)
        cells[(assessment_id, criterion_id)] = NOT_APPLICABLE if na else value

    workbook = _workbook()
    by_block: dict[int, list[RankingRow]] = {}
    for row in rows:
        by_block.setdefault(row.block.pk, []).append(row)
    for block_rows in by_block.values():
        block = block_rows[0].block
        leaves = leaves_by_block.get(block.pk, [])
        sheet = workbook.create_sheet(title=(block.code or block.name)[:31])
        codes = [c["code"] + (" (trừ)" if c["kind"] == "deduction" else "") for c in leaves]
        sheet.append(["rank", "unit_code", "unit_name", *codes, "score", "max_score", "index", "classification"])
        sheet.append(["", "", "Điểm tối đa", *[None] * len(leaves), None, None, None, ""])
        _bold(sheet[1])
        _bold(sheet[2])
        for column, criterion in enumerate(leaves, start=4):
            _put_number(sheet.cell(row=2, column=column), criterion["max_score"])
        for row in block_rows:
            sheet.append([row.rank, row.unit.code, row.unit.name])
            line = sheet.max_row
            for column, criterion in enumerate(leaves, start=4):
                value = cells.get((row.assessment_id, criterion["pk"]))
                cell = sheet.cell(row=line, column=column)
                if isinstance(value, Decimal):
                    _put_number(cell, value)
                else:
                    cell.value = value
            end = 4 + len(leaves)
            _put_number(sheet.cell(row=line, column=end), row.score)
            _put_number(sheet.cell(row=line, column=end + 1), row.max_score)
            _put_number(sheet.cell(row=line, column=end + 2), row.index)
            sheet.cell(row=line, column=end + 3, value=row.classification)
        sheet.freeze_panes = "D3"
        sheet.column_dimensions["C"].width = 40
    if not workbook.sheetnames:
        workbook.create_sheet(title=f"Chỉ số {period.year}")
    return _save(workbook)


def export_filename(period: Period, kind: str, extension: str) -> str:
    return {"ranking": f"xep-hang-chi-so-cchc-{period.year}", "matrix": f"bang-diem-chi-so-cchc-{period.year}"}[kind] + f".{extension}"
