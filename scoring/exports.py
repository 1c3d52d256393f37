"""Exports of a period's results: the ranking (CSV or XLSX) and the council's score matrix (XLSX).

The ranking's columns are fixed — `RANKING_COLUMNS` — because other systems read the file:
one row per assessed unit, blocks in block order, rows in rank order. In CSV the numbers are
written with a dot and the period's decimals (88.35, or 97.685 in a 3-decimal period); in XLSX
they are real numbers shown with those decimals, so that a spreadsheet can sort and sum them.

The score matrix is the council's working paper: one sheet per block, units in rank order, one
column per sub-criterion in code order with its maximum in the second header row. A cell holds
the effective final score; "KAD" (không áp dụng) marks a not-applicable item — the word the
score import reads back as NA — and an empty cell a score never given (it counts as 0).
Deduction columns hold the penalty as a positive number; the totals at the end subtract them.

Bonus points and penalties (after their caps) are part of `score` in both ranking files; the
XLSX ranking also shows them in columns of their own, `bonus` and `deducted`, after the nine
when the period has such rows (the CSV keeps its nine columns for the systems that read it)."""

import io
from decimal import Decimal

from cchc.tabular import guard_formula, write_csv
from scoring.models import Criterion, Period, Score, fixed_score
from scoring.selectors import RankingRow, outside_columns, ranking_for_period

RANKING_COLUMNS = ["block", "rank", "unit_code", "unit_name", "score", "max_score", "index", "classification", "head_rating"]
NOT_APPLICABLE = "KAD"


def number_format(period: Period) -> str:
    """'0.00' or '0.000': a spreadsheet shows the period's decimals."""
    return f"0.{'0' * period.decimals}"


def ranking_rows(rows: list[RankingRow]) -> list[list]:
    """The ranking as cells, numbers as Decimals (the CSV writes them with the period's decimals)."""
    return [
        [r.block.code, r.rank, r.unit.code, r.unit.name, r.score, r.max_score, r.index, r.classification, r.head_rating]
        for r in rows
    ]


def ranking_csv(period: Period, rows: list[RankingRow] | None = None) -> bytes:
    rows = ranking_for_period(period) if rows is None else rows
    cells = [[fixed_score(v, period.decimals) if isinstance(v, Decimal) else v for v in line] for line in ranking_rows(rows)]
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


def _put_number(cell, value: Decimal, period: Period) -> None:
    # A float is exact enough for scores of two or three decimals and is what every spreadsheet
    # expects.
    cell.value = float(value)
    cell.number_format = number_format(period)


def _outside_cells(period: Period) -> list[tuple[str, object]]:
    """The XLSX ranking's extra columns: (header, value of a row) for bonus points and penalties,
    those the period has."""
    outside = outside_columns(period)
    return [column for column, wanted in ((("bonus", lambda r: r.bonus), outside.bonus), (("deducted", lambda r: r.deducted), outside.deduction)) if wanted]


def ranking_xlsx(period: Period, rows: list[RankingRow] | None = None) -> bytes:
    rows = ranking_for_period(period) if rows is None else rows
    workbook = _workbook()
    sheet = workbook.create_sheet(title=f"Xếp hạng {period.year}")
    extra = _outside_cells(period)
    sheet.append(RANKING_COLUMNS + [name for name, _ in extra])
    _bold(sheet[1])
    for row, line in zip(rows, ranking_rows(rows)):
        line = line + [value(row) for _, value in extra]
        sheet.append([None if isinstance(v, Decimal) else v for v in line])
        for column, value in enumerate(line, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(value, Decimal):
                _put_number(cell, value, period)
            else:
                guard_formula(cell)  # a unit's name is typed by people
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

    # Write-only: rows stream to the file instead of living as cell objects (480,000 of them for
    # 4,000 units × 120 sub-criteria), which is what made this export take over a minute.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    by_block: dict[int, list[RankingRow]] = {}
    for row in rows:
        by_block.setdefault(row.block.pk, []).append(row)
    for block_rows in by_block.values():
        block = block_rows[0].block
        leaves = leaves_by_block.get(block.pk, [])
        sheet = workbook.create_sheet(title=(block.code or block.name)[:31])
        sheet.freeze_panes = "D3"
        sheet.column_dimensions["C"].width = 40
        codes = [c["code"] + {"deduction": " (trừ)", "bonus": " (thưởng)"}.get(c["kind"], "") for c in leaves]
        cell = _cells_of(sheet, number_format(period))
        sheet.append([cell(v, bold=True) for v in ["rank", "unit_code", "unit_name", *codes, "score", "max_score", "index", "classification"]])
        sheet.append([cell(v, bold=True) for v in ["", "", "Điểm tối đa", *[c["max_score"] for c in leaves], None, None, None, ""]])
        for row in block_rows:
            scores = [cell(cells.get((row.assessment_id, criterion["pk"]))) for criterion in leaves]
            sheet.append([row.rank, cell(row.unit.code), cell(row.unit.name), *scores, cell(row.score), cell(row.max_score), cell(row.index), cell(row.classification)])
    if not workbook.sheetnames:
        workbook.create_sheet(title=f"Chỉ số {period.year}")
    return _save(workbook)


def _cells_of(sheet, shown: str):
    """cell(value): a write-only cell of `sheet`, numbers as floats shown as `shown` (the
    period's decimals), text that looks like a formula kept as text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    heading = Font(bold=True)

    def cell(value, *, bold: bool = False):
        made = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
        if isinstance(value, Decimal):
            made.number_format = shown
        else:
            guard_formula(made)
        if bold:
            made.font = heading
        return made

    return cell


def export_filename(period: Period, kind: str, extension: str) -> str:
    return {"ranking": f"xep-hang-chi-so-cchc-{period.year}", "matrix": f"bang-diem-chi-so-cchc-{period.year}"}[kind] + f".{extension}"
