"""Reading the CSV and XLSX files staff upload or pass to import commands.

Every import of the product takes a table with a fixed header, validates all of it, and writes
nothing if any row is wrong. This module turns a file into rows of text and reports problems of
the file itself (encoding, header) with Vietnamese messages; each app checks the values.
"""

import csv
import re
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from units.text import nfc

MAX_ROWS = 100_000
MAX_CELL = 10_000


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        where = f"Dòng {self.row}" if self.row else "Tệp"
        if self.column:
            where += f", cột {self.column}"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was refused; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # openpyxl gives 0.5 as a float; repr keeps "0.5" rather than "0.5000000001" artefacts.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportRejected([RowError(0, "", "Không đọc được tệp Excel (.xlsx). Hãy lưu lại tệp dưới dạng .xlsx hoặc CSV UTF-8.")]) from None
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, "", "Tệp CSV phải được lưu với bảng mã UTF-8.")]) from None
    if "\x00" in text:
        raise ImportRejected([RowError(0, "", "Tệp không phải là tệp CSV văn bản.")])
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportRejected([RowError(0, "", f"Tệp CSV không hợp lệ: {exc}")]) from None


def read_table(source: BinaryIO | bytes, filename: str, columns: list[str], required: set[str] | None = None) -> Table:
    """Read a CSV (UTF-8) or XLSX file whose first row is `columns` (any order).

    `required` names the columns that must be present; by default all of them."""
    data = source if isinstance(source, bytes) else source.read()
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    raw = _read_xlsx(data) if is_xlsx else _read_csv(data)
    if not raw or not any((c or "").strip() for c in raw[0]):
        raise ImportRejected([RowError(0, "", "Tệp không có dữ liệu hoặc dòng đầu tiên không phải dòng tiêu đề.")])
    if len(raw) > MAX_ROWS + 1:
        raise ImportRejected([RowError(0, "", f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS})." )])

    header = [nfc(h).lower() for h in raw[0]]
    while header and header[-1] == "":
        header.pop()
    required = set(columns) if required is None else required
    errors = []
    missing = [c for c in columns if c in required and c not in header]
    unknown = [h for h in header if h not in columns]
    if missing:
        errors.append(RowError(1, "", f"Thiếu cột: {', '.join(missing)}. Dòng tiêu đề phải là: {','.join(columns)}"))
    if unknown:
        errors.append(RowError(1, "", f"Cột không được hỗ trợ: {', '.join(unknown)}. Dòng tiêu đề phải là: {','.join(columns)}"))
    if len(set(header)) != len(header):
        errors.append(RowError(1, "", "Dòng tiêu đề có cột bị lặp."))
    if errors:
        raise ImportRejected(errors)

    table = Table(header=header)
    for number, values in enumerate(raw[1:], start=2):
        if not any((c or "").strip() for c in values):
            continue  # blank lines between blocks are common in hand-made sheets
        if len(values) > len(header) and any((v or "").strip() for v in values[len(header):]):
            errors.append(RowError(number, "", f"Dòng có {len(values)} ô, nhiều hơn {len(header)} cột của tiêu đề."))
            continue
        row = {}
        for i, name in enumerate(header):
            cell = nfc(values[i]) if i < len(values) else ""
            if len(cell) > MAX_CELL:
                errors.append(RowError(number, name, f"Ô quá dài ({len(cell)} ký tự, tối đa {MAX_CELL})."))
            row[name] = cell
        for name in columns:
            row.setdefault(name, "")
        table.rows.append((number, row))
    if errors:
        raise ImportRejected(errors)
    return table


def parse_decimal(text: str) -> Decimal:
    """'0,5' and '0.5' both mean one half. Raises ValueError with a Vietnamese message."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValueError("Chưa nhập số.")
    # Only ASCII digits, one sign and one separator: Python's Decimal would also read "0_5" as 5,
    # and dropping inner spaces would read "0 5" as 5 — a tenfold score from a typo.
    if not re.fullmatch(r"[+-]?[0-9]*[.,]?[0-9]*", cleaned) or not re.search(r"[0-9]", cleaned):
        if cleaned.count(",") + cleaned.count(".") > 1:
            raise ValueError(f"'{text}' không phải là một số hợp lệ (chỉ dùng một dấu thập phân).")
        raise ValueError(f"'{text}' không phải là một số.")
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise ValueError(f"'{text}' không phải là một số hợp lệ (chỉ dùng một dấu thập phân).")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' không phải là một số.") from None
    if not value.is_finite() or "e" in cleaned.lower():
        raise ValueError(f"'{text}' không phải là một số hợp lệ.")
    if value == 0:
        value = Decimal("0")  # "-0" is zero
    return value


def write_csv(columns: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(sheets: dict[str, tuple[list[str], list[list]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
