"""Reading the CSV and XLSX files staff upload or pass to import commands, and writing exports.

Every import of the product takes a table with a fixed header, validates all of it, and writes
nothing if any row is wrong. This module turns a file into rows of text and reports problems of
the file itself (encoding, header, size) with Vietnamese messages; each app checks the values.

Reading is bounded: an upload is untrusted, and a small XLSX (a zip) can expand to gigabytes or
hold millions of cells. The zip is checked before any part is decompressed, and the parts are
streamed through expat with counts of elements, rows, columns and characters, so that a hostile
file is refused within seconds and in little memory, while the largest real import (100,000 rows
of about ten columns) is read whole.

Writing guards against formula injection: text that a spreadsheet would run as a formula (it
starts with = + - @, a tab or a carriage return) is stored as text in XLSX and prefixed with an
apostrophe in CSV; every CSV import removes one leading apostrophe, so export → import → export
gives the same bytes.
"""

import csv
import io
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO
from xml.parsers import expat

from cchc.errors import DomainError
from units.text import nfc

MAX_ROWS = 100_000
MAX_CELL = 10_000
# Columns read beyond the expected header: enough to name the unknown ones a person added, while
# a sheet thousands of columns wide costs no more than a narrow one.
EXTRA_COLUMNS = 5

# Limits of an XLSX file. A real import of 100,000 rows × 10 columns of Vietnamese text, as our
# own tracker export writes it (inline strings), is 13 MB holding an 88 MB worksheet part of 3.1
# million elements and 35 million characters, compressed 7:1, and is read in about 4 s; Excel's
# shared-strings form of it is 10 MB, with at most 4.1 million elements if no text repeats. The
# limits leave that file room, and keep what a hostile file can cost to about what it costs:
# it is refused within seconds, in a few hundred megabytes at most.
MAX_CENTRAL_DIRECTORY = 1 << 20  # bytes of the zip's directory: about 10,000 members; a workbook has tens
MAX_MEMBERS = 1_000
MAX_PART_BYTES = 256 << 20  # one part, expanded
MAX_TOTAL_BYTES = 512 << 20  # all parts, expanded
# Worksheet XML compresses 5–20:1; deflate reaches 1000:1 only on repeated bytes, which is what a
# zip bomb is made of. Small parts (styles, an empty sheet) may be more repetitive than data and
# cost nothing whatever their ratio.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 << 20
# Every element costs the parser 0.5–1 µs of Python, whatever its bytes: this bounds the time of
# the XML read, all parts together, to about 5 s.
MAX_ELEMENTS = 6_000_000
# Characters of the cells read, a shared string counting at each cell that uses it (this bounds
# the rows handed to the import and the time spent normalising them), and, apart, characters of
# the shared strings kept in memory. A real import has 35 million at most of each.
MAX_TEXT = 100_000_000

# A cell starting with one of these is a formula to Excel and LibreOffice (tab and CR are read
# as a formula prefix after the spreadsheet strips them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ...except a number written as text ("-1.00", "88.35"), which an export writes from a number and
# a spreadsheet reads back as that number: it is left as it is, so number columns keep their bytes.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


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


class ImportRejected(DomainError):
    """The file was refused; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)


def _refuse(message: str) -> ImportRejected:
    return ImportRejected([RowError(0, "", message)])


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 100.000, as Vietnamese writes it


def _too_many_rows() -> ImportRejected:
    return _refuse(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS}).")


# --- Writing ---------------------------------------------------------------------------------


def is_formula_text(value) -> bool:
    """True for text that a spreadsheet would run as a formula when it opens the file."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value)


def csv_escape(value):
    """The value as a CSV export writes it: formula-like text behind an apostrophe, which a
    spreadsheet hides and shows as text. Text that itself starts with an apostrophe gets one more,
    so that the import, which removes exactly one, gives back what was exported."""
    if isinstance(value, str) and (value.startswith("'") or is_formula_text(value)):
        return "'" + value
    return value


def csv_unescape(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def guard_formula(cell) -> None:
    """Keep an openpyxl cell holding formula-like text a text cell, its value unchanged.

    openpyxl makes any text starting with "=" a formula; the quote prefix is what Excel itself
    sets when someone types '=…, and keeps the cell text when it is edited later."""
    if is_formula_text(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_csv(columns: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    # The csv module quotes a field holding the line terminator, "\n", but not a bare "\r", which
    # every reader takes for a line break: the rest of the cell would start a row of its own,
    # formula-like text included. Such rows are written with every field quoted.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in [columns, *rows]:
        cells = [csv_escape(v) for v in row]
        (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)
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
            guard_formula(cell)
        for row in rows:
            sheet.append(row)
            if any(is_formula_text(v) for v in row):
                for cell in sheet[sheet.max_row]:
                    guard_formula(cell)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading: values -------------------------------------------------------------------------


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


# --- Reading: XLSX ---------------------------------------------------------------------------
#
# The parts are read with expat directly rather than with openpyxl's loader, which cannot be
# bounded: it parses the whole sheet once more to size it when the file gives no dimension, keeps
# every cell of a row in memory before the row ends, parses every cell whatever max_col says, and
# spends 3–6 µs of Python per shared string — a 9 kB file of a million empty strings took it
# 3.5 s. Values follow openpyxl's read of cached values (data_only) and use its date rules.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types}"
_WORKBOOK_TYPES = (  # openpyxl's order of preference
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STYLES = "xl/styles.xml"  # where openpyxl looks for them, whatever the relationships say

_ROW, _C, _V, _IS, _T, _RPH, _SI = (_MAIN + n for n in ("row", "c", "v", "is", "t", "rPh", "si"))

_UNREADABLE = "Không đọc được tệp Excel (.xlsx). Hãy lưu lại tệp dưới dạng .xlsx hoặc CSV UTF-8."
# What zipfile, zlib and the parsers raise on a damaged archive or part.
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, expat.ExpatError, EOFError, OSError,
            NotImplementedError, RuntimeError, KeyError, ValueError, TypeError, IndexError, OverflowError, struct.error)


class _Budget:
    """What the whole read may still consume: elements parsed, characters of cells and of shared
    strings."""

    def __init__(self):
        self.elements = MAX_ELEMENTS
        self.text = MAX_TEXT
        self.strings = MAX_TEXT

    def spend_text(self, n: int) -> None:
        self.text -= n
        if self.text < 0:
            raise _too_much_text()

    def spend_strings(self, n: int) -> None:
        self.strings -= n
        if self.strings < 0:
            raise _too_much_text()


def _too_much_text() -> ImportRejected:
    return _refuse(f"Tệp có quá nhiều chữ để nhập (hơn {_count(MAX_TEXT)} ký tự). Hãy chia thành nhiều tệp nhỏ hơn.")


def _too_many_elements() -> ImportRejected:
    return _refuse(
        f"Tệp Excel quá lớn để nhập: hơn {_count(MAX_ELEMENTS)} ô và định dạng. Hãy xoá các trang, cột và "
        "định dạng thừa, hoặc lưu dưới dạng CSV UTF-8."
    )


def _refuse_declarations(*args):
    # OOXML parts never declare a DTD; entities are the classic way to make a small part huge.
    raise ValueError("DTD")


def _parse(archive: zipfile.ZipFile, name: str, budget: _Budget, start, end=None, text=None, *, counted=False) -> None:
    """Stream one part through expat; each handler receives namespaced names (`ns}local`).

    `counted`: `start` spends the element budget itself (the large parts, where one more Python
    call per element would cost a third of the time)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations

    def counted_start(tag, attrs):
        budget.elements -= 1
        if budget.elements < 0:
            raise _too_many_elements()
        start(tag, attrs)

    parser.StartElementHandler = start if counted else counted_start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _central_directory_size(data: bytes) -> int:
    """The size the zip declares for its directory, read before zipfile builds an object per
    member (200,000 empty members, 17 MB, took it 3.6 s)."""
    # Found as zipfile finds it: at the very end, else the last one before a comment.
    end = len(data) - 22
    if end < 0 or data[end : end + 4] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22:
        raise zipfile.BadZipFile
    entries, size = struct.unpack_from("<HI", data, end + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:  # ZIP64: the real figures are in its own record
        locator = end - 20
        if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            raise zipfile.BadZipFile
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if data[offset : offset + 4] != b"PK\x06\x06":
            raise zipfile.BadZipFile
        (size,) = struct.unpack_from("<Q", data, offset + 40)
    return size


def _open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip, once its directory shows nothing that expands beyond what a real import needs.

    The sizes checked are the declared ones: zipfile never inflates a deflated member past its
    declared size (and fails on the CRC if the data says otherwise), so they bound what is read.
    Only stored and deflated members are read, as Excel and LibreOffice write them: zipfile
    inflates a bzip2 or LZMA chunk whole before cutting it to size."""
    if _central_directory_size(data) > MAX_CENTRAL_DIRECTORY:
        raise _refuse(f"Tệp Excel bị từ chối: có quá nhiều phần bên trong (tối đa {_count(MAX_MEMBERS)}).")
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(f"Tệp Excel bị từ chối: có quá nhiều phần bên trong ({_count(len(members))}, tối đa {_count(MAX_MEMBERS)}).")
    total = 0
    for info in members:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise NotImplementedError(info.compress_type)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO):
            raise _refuse(
                f"Tệp Excel bị từ chối: khi giải nén, phần “{info.filename[:60]}” lớn bất thường "
                f"({_count(info.file_size >> 20)} MB, gấp {ratio:.0f} lần khi nén). Một bảng {_count(MAX_ROWS)} dòng thật "
                f"không lớn như vậy (tối đa {MAX_PART_BYTES >> 20} MB mỗi phần, nén tối đa {MAX_RATIO} lần). "
                "Hãy lưu lại tệp bằng Excel hoặc dùng CSV UTF-8."
            )
        if total > MAX_TOTAL_BYTES:
            raise _refuse(
                f"Tệp Excel bị từ chối: khi giải nén, nội dung lớn bất thường (hơn {MAX_TOTAL_BYTES >> 20} MB). "
                f"Một bảng {_count(MAX_ROWS)} dòng thật không lớn như vậy. Hãy lưu lại tệp bằng Excel hoặc dùng CSV UTF-8."
            )
    return archive


def _content_types(archive, budget) -> tuple[str, str | None]:
    """Paths of the workbook part and of the shared strings, from [Content_Types].xml."""
    overrides, defaults = {}, set()

    def start(tag, attrs):
        if tag == _TYPES + "Override":
            overrides.setdefault(attrs.get("ContentType"), attrs.get("PartName", ""))
        elif tag == _TYPES + "Default":
            defaults.add(attrs.get("ContentType"))

    _parse(archive, "[Content_Types].xml", budget, start)
    workbook = next((overrides[t] for t in _WORKBOOK_TYPES if overrides.get(t)), None)
    if workbook is None:
        if not defaults & set(_WORKBOOK_TYPES):
            raise KeyError("workbook")
        workbook = "/xl/workbook.xml"
    strings = overrides.get(_SHARED_STRINGS_TYPE)
    return workbook.lstrip("/"), strings.lstrip("/") if strings else None


def _first_sheet(archive, budget, workbook: str) -> tuple[str, bool]:
    """The path of the first worksheet (charts are skipped, as openpyxl does) and whether the
    workbook counts dates from 1904."""
    sheets, rels, epoch_1904 = [], {}, [False]

    def start(tag, attrs):
        if tag == _MAIN + "sheet":
            sheets.append(attrs.get(_DOC_REL + "id"))
        elif tag == _MAIN + "workbookPr":
            flag = attrs.get("date1904", "")
            epoch_1904[0] = flag not in ("false", "f", "0", "")

    _parse(archive, workbook, budget, start)
    folder, name = posixpath.split(workbook)

    def start_rel(tag, attrs):
        if tag == _PKG_REL + "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            rels[attrs.get("Id")] = (attrs.get("Type", ""), path)

    _parse(archive, posixpath.join(folder, "_rels", f"{name}.rels"), budget, start_rel)
    present = set(archive.namelist())
    for rel_id in sheets:
        kind, path = rels.get(rel_id, ("", ""))
        if path in present and "chartsheet" not in kind:
            return path, epoch_1904[0]
    raise KeyError("worksheet")


def _date_styles(archive, budget) -> tuple[set[int], set[int]]:
    """Indexes of the cell styles whose number format is a date, and those that are a duration."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    custom, formats, inside = {}, [], {_MAIN + "numFmts": 0, _MAIN + "cellXfs": 0}

    # Only the workbook's own formats and cell styles count: differential styles (dxfs) and cell
    # style masters (cellStyleXfs) have numFmt and xf elements of their own.
    def start(tag, attrs):
        if tag in inside:
            inside[tag] += 1
        elif tag == _MAIN + "numFmt" and inside[_MAIN + "numFmts"]:
            code = attrs.get("formatCode")
            # Excel allows 255 characters; openpyxl's date test backtracks quadratically on a
            # long code full of "[" (100,000 of them would take it minutes).
            if code and len(code) > 255:
                raise ValueError("number format")
            custom[int(attrs.get("numFmtId"))] = code
        elif tag == _MAIN + "xf" and inside[_MAIN + "cellXfs"]:
            formats.append(int(attrs.get("numFmtId", 0)))

    def end(tag):
        if tag in inside:
            inside[tag] -= 1

    if _STYLES not in archive.namelist():
        return set(), set()
    _parse(archive, _STYLES, budget, start, end)
    dates, durations = set(), set()
    for index, number_format in enumerate(formats):
        code = custom[number_format] if number_format in custom else BUILTIN_FORMATS.get(number_format)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


# The two large parts are read from start events only: an end handler would double the Python
# calls per element. A cell's text is what follows its <v> or <t> up to the next element (the
# schema puts nothing else with text inside a cell or a string item, and whitespace that layout
# may add after it is stripped by the import like any other), and a cell, a row or a string item
# ends where the next one starts or the part ends.


class _SharedStrings:
    """The workbook's strings: text of each item and its runs, phonetic hints left out."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.item = self.collect = self.phonetic = False

    def start(self, tag, attrs):
        budget = self.budget
        budget.elements -= 1
        if budget.elements < 0:
            raise _too_many_elements()
        if tag == _T:
            self.collect = self.item and not self.phonetic
            return
        self.collect = False
        if tag == _SI:
            self.finish()
            self.item, self.phonetic = True, False
        elif tag == _RPH:
            self.phonetic = True

    def text(self, data):
        if self.collect:
            self.parts.append(data)
            self.budget.spend_strings(len(data))

    def finish(self):
        if self.item:
            # "_x005F_" is how Excel escapes an underscore; openpyxl undoes it the same way.
            # NFC once here, so that a string used by many cells is not normalised at each.
            self.strings.append(unicodedata.normalize("NFC", "".join(self.parts).replace("x005F_", "")))
            self.parts.clear()


def _shared_strings(archive, budget, path: str | None) -> list[str]:
    if path is None or path not in archive.namelist():
        return []
    reader = _SharedStrings(budget)
    _parse(archive, path, budget, reader.start, text=reader.text, counted=True)
    reader.finish()
    return reader.strings


class _StopReading(Exception):
    """Enough rows are known to be wrong: the rest of the sheet is not read."""


# Rows with values right of the columns read: each is an error; past this many the import is
# refused without reading further (100,000 rows of 200 cells would otherwise all be parsed).
MAX_WIDE_ROWS = 100


class _SheetReader:
    """Rows of the first worksheet as (row number, texts of columns 1..width, cells spanned).

    Cells right of `width` are not kept: only the column of the last one holding something is
    noted, so that the import can still say that a row is wider than its header. An empty cell
    (formatting only) costs one call: its column and type are looked at only if it holds text."""

    def __init__(self, strings, dates, durations, epoch_1904, width, budget):
        from openpyxl.utils.cell import column_index_from_string
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

        self.strings, self.dates, self.durations = strings, dates, durations
        self.epoch = CALENDAR_MAC_1904 if epoch_1904 else WINDOWS_EPOCH
        self.width, self.budget = width, budget
        self.column_of = column_index_from_string
        self.rows: list[tuple[int, list[str], int]] = []
        self.wide_rows = 0
        self.row = 0
        self.in_row = False
        self.values: list[str] = []
        self.spanned = 0
        self.column = 0  # of the current cell, once `reference` is resolved
        self.reference = None  # the current cell's "r", not yet turned into a column
        self.attrs = {}
        self.parts: list[str] = []
        self.collect = self.in_cell = self.inline = self.phonetic = self.saw_value = False

    def start(self, tag, attrs):
        budget = self.budget
        budget.elements -= 1
        if budget.elements < 0:
            raise _too_many_elements()
        if tag == _C:
            if self.parts or self.inline:
                self._end_cell()
            reference = attrs.get("r")
            if reference:
                self.reference = reference
            else:
                self.column = self._column() + 1
                self.reference = None
            self.attrs = attrs
            self.in_cell = self.in_row
            self.collect = self.saw_value = self.inline = self.phonetic = False
            return
        if tag == _V:
            # openpyxl reads the first <v> of a cell, and none of an inline-text cell.
            self.collect = self.in_cell and not self.saw_value and self.attrs.get("t") != "inlineStr"
            self.saw_value = self.saw_value or self.collect
            return
        if tag == _T:
            self.collect = self.inline and not self.phonetic
            return
        self.collect = False
        if tag == _ROW:
            self.finish()
            self._start_row(attrs.get("r"))
        elif tag == _IS:
            self.inline = self.in_cell and self.attrs.get("t") == "inlineStr"
        elif tag == _RPH:
            self.phonetic = True

    def text(self, data):
        if self.collect:
            self.parts.append(data)
            self.budget.spend_text(len(data))

    def _column(self) -> int:
        if self.reference:
            self.column = self.column_of(self.reference.rstrip("0123456789"))
            self.reference = None
        return self.column

    def finish(self):
        """End the pending cell and row (at the next row, and at the end of the part)."""
        if self.parts or self.inline:
            self._end_cell()
        if self.in_row and (self.values or self.spanned):
            self.rows.append((self.row, self.values, max(self.spanned, len(self.values))))
            if self.spanned > self.width:
                self.wide_rows += 1
                if self.wide_rows >= MAX_WIDE_ROWS:
                    raise _StopReading
        self.in_row = self.in_cell = False

    def _start_row(self, reference):
        if reference:
            number = float(reference)
            if not number.is_integer():
                raise ValueError(reference)
            number = int(number)
        else:
            number = self.row + 1
        if number <= self.row:
            raise ValueError("rows out of order")
        if number > MAX_ROWS + 1:
            raise _too_many_rows()
        self.row, self.column, self.reference, self.spanned, self.in_row = number, 0, None, 0, True
        self.values = []

    def _end_cell(self):
        """Keep the value of a cell that holds text (an empty one is not even looked at)."""
        self.in_cell = self.collect = False
        value = self._value()
        self.parts.clear()
        self.inline = False
        column = self._column()
        if column > self.width:
            if value.strip():
                self.spanned = max(self.spanned, column)
            return
        if not value:
            return
        if self.attrs.get("t") == "s":
            self.budget.spend_text(len(value))  # inline text was counted as it was read
        values = self.values
        if column > len(values):
            values.extend([""] * (column - len(values)))
        values[column - 1] = value

    def _value(self) -> str:
        kind = self.attrs.get("t", "n")
        if kind == "inlineStr":
            return "".join(self.parts)
        raw = "".join(self.parts)
        if kind == "str":
            return raw  # a formula's text result
        raw = raw.strip()
        if not raw:
            return ""
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            style = self.attrs.get("s")
            style = int(style) if style else 0
            if style in self.dates:
                from openpyxl.utils.datetime import from_excel

                try:
                    return str(from_excel(number, self.epoch, timedelta=style in self.durations))
                except (OverflowError, ValueError):
                    return "#VALUE!"  # what openpyxl makes of a date out of range
            return _cell_text(number)
        if kind == "s":
            index = int(raw)
            if index < 0:
                raise IndexError(index)
            return self.strings[index]
        if kind == "b":
            return _cell_text(bool(int(raw)))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return str(from_ISO8601(raw))
        return raw  # "e": an error such as #N/A


def _read_xlsx(data: bytes, width: int) -> tuple[list[tuple[int, list[str], int]], int | None]:
    """The rows, and the row where reading stopped early if it did."""
    budget = _Budget()
    try:
        archive = _open_archive(data)
        workbook, strings_path = _content_types(archive, budget)
        sheet, epoch_1904 = _first_sheet(archive, budget, workbook)
        dates, durations = _date_styles(archive, budget)
        strings = _shared_strings(archive, budget, strings_path)
        reader = _SheetReader(strings, dates, durations, epoch_1904, width, budget)
        try:
            _parse(archive, sheet, budget, reader.start, text=reader.text, counted=True)
            reader.finish()
        except _StopReading:
            return reader.rows, reader.row
    except ImportRejected:
        raise
    except _DAMAGED:
        raise _refuse(_UNREADABLE) from None
    return reader.rows, None


# --- Reading: CSV ----------------------------------------------------------------------------


def _read_csv(data: bytes) -> tuple[list[tuple[int, list[str], int]], None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("Tệp CSV phải được lưu với bảng mã UTF-8.") from None
    if "\x00" in text:
        raise _refuse("Tệp không phải là tệp CSV văn bản.")
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            # Our exports put an apostrophe before text a spreadsheet would run as a formula.
            # XLSX needs no such step: Excel keeps that apostrophe out of the cell's value.
            values = [csv_unescape(v) for v in values]
            rows.append((number, values, len(values)))
    except csv.Error as exc:
        raise _refuse(f"Tệp CSV không hợp lệ: {exc}") from None
    return rows, None


# --- Reading: the table ----------------------------------------------------------------------


def read_table(source: BinaryIO | bytes, filename: str, columns: list[str], required: set[str] | None = None) -> Table:
    """Read a CSV (UTF-8) or XLSX file whose first row is `columns` (any order).

    `required` names the columns that must be present; by default all of them."""
    data = source if isinstance(source, bytes) else source.read()
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    raw, stopped_at = _read_xlsx(data, len(columns) + EXTRA_COLUMNS) if is_xlsx else _read_csv(data)
    if not raw or raw[0][0] != 1 or not any((c or "").strip() for c in raw[0][1]):
        raise _refuse("Tệp không có dữ liệu hoặc dòng đầu tiên không phải dòng tiêu đề.")

    header = [nfc(h).lower() for h in raw[0][1]]
    while header and header[-1] == "":
        header.pop()
    required = set(columns) if required is None else required
    errors = []
    if raw[0][2] > len(raw[0][1]):  # names far right of the expected columns, not read
        errors.append(RowError(1, "", f"Dòng tiêu đề có {raw[0][2]} cột, nhiều hơn các cột được hỗ trợ. Dòng tiêu đề phải là: {','.join(columns)}"))
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
    for number, values, spanned in raw[1:]:
        if not any((c or "").strip() for c in values) and spanned <= len(values):
            continue  # blank lines between blocks are common in hand-made sheets
        if spanned > len(header) and (spanned > len(values) or any((v or "").strip() for v in values[len(header):])):
            errors.append(RowError(number, "", f"Dòng có {spanned} ô, nhiều hơn {len(header)} cột của tiêu đề."))
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
    if stopped_at:
        errors.append(RowError(0, "", f"Đã dừng đọc tệp ở dòng {stopped_at}: quá nhiều dòng có ô nằm ngoài các cột của tiêu đề."))
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
