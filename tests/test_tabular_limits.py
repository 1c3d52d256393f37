"""The table reader bounds what an upload may cost: hostile XLSX files are refused within seconds
and in little memory, with a Vietnamese message, while the largest real import is read whole.

The hostile files are built here as their zip and XML bytes, the way an attacker would make them:
a block of XML is compressed once and its bytes repeated, so that a part expanding to a gigabyte
costs the test a few milliseconds."""

import datetime
import io
import random
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest

from cchc import tabular
from cchc.tabular import ImportRejected, read_table

# Wall-clock bounds: these run in the serial step of `make test`, not beside another worker's
# browser tests, whose load made a 4 s refusal take 10 s.
pytestmark = pytest.mark.timing

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
COLUMNS = ["unit_code", "criterion_code", "score", "note"]
HEADER_ROW = b'<row r="1">' + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c.encode() for c in COLUMNS) + b"</row>"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + NS + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b"><sheetData>"
SHEET_END = b"</sheetData></worksheet>"
STRINGS_START = b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b">"
STRINGS_END = b"</sst>"


class Part:
    """A zip member as raw deflate bytes with its expanded size and CRC."""

    def __init__(self, name: str, deflated: bytes, size: int, crc: int):
        self.name, self.deflated, self.size, self.crc = name, deflated, size, crc

    @classmethod
    def of(cls, name: str, data: bytes) -> "Part":
        compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
        return cls(name, compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data))

    @classmethod
    def repeated(cls, name: str, start: bytes, block: bytes, times: int, end: bytes) -> "Part":
        """start + block × times + end, compressing the block once: after a full flush deflate
        starts afresh, so the block compresses to the same bytes every time."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
        body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        tail = compressor.compress(end) + compressor.flush()
        crc = zlib.crc32(start)
        for _ in range(times):
            crc = zlib.crc32(block, crc)
        return cls(name, head + body * times + tail, len(start) + len(block) * times + len(end), zlib.crc32(end, crc))


def zip_of(parts: list[Part]) -> bytes:
    out, directory = io.BytesIO(), []
    for part in parts:
        offset, name = out.tell(), part.name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, part.crc, len(part.deflated), part.size, len(name), 0))
        out.write(name + part.deflated)
        directory.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, part.crc, len(part.deflated), part.size, len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
    start, listing = out.tell(), b"".join(directory)
    out.write(listing + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(listing), start, 0))
    return out.getvalue()


def workbook(sheet: Part, strings: Part | None = None) -> bytes:
    strings = strings or Part.of("xl/sharedStrings.xml", STRINGS_START + STRINGS_END)
    return zip_of([
        Part.of("[Content_Types].xml", CONTENT_TYPES),
        Part.of("_rels/.rels", PACKAGE_RELS),
        Part.of("xl/workbook.xml", WORKBOOK),
        Part.of("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        sheet,
        strings,
    ])


def sheet_of(rows: bytes) -> Part:
    return Part.of("xl/worksheets/sheet1.xml", SHEET_START + HEADER_ROW + rows + SHEET_END)


def refused(data: bytes, columns=COLUMNS) -> tuple[str, float]:
    """The refusal's text and the seconds it took."""
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as rejected:
        read_table(data, "diem.xlsx", columns)
    return str(rejected.value), time.perf_counter() - started


# --- Zip bombs and damaged files ---------------------------------------------------------------


def test_a_shared_strings_bomb_is_refused_at_once_in_little_memory():
    # A megabyte whose shared strings expand to a gigabyte: it took 2.2 GB of memory before.
    block = b"<si><t>" + b"A" * 32000 + b"</t></si>"
    strings = Part.repeated("xl/sharedStrings.xml", STRINGS_START, block * 250, 135, STRINGS_END)
    data = workbook(sheet_of(b'<row r="2"><c t="s"><v>0</v></c></row>'), strings)
    assert len(data) < 2 << 20 and strings.size > 1 << 30
    tracemalloc.start()
    try:
        message, seconds = refused(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "Tệp Excel bị từ chối" in message and "xl/sharedStrings.xml" in message and "lớn bất thường" in message
    assert seconds < 5
    assert peak < 200 << 20


def test_a_hundred_thousand_rows_of_two_hundred_cells_are_refused_within_seconds():
    # 0.3 MB that expands to 300 MB: it ran past the server's 60 s timeout before.
    row = b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row>"
    sheet = Part.repeated("xl/worksheets/sheet1.xml", SHEET_START + HEADER_ROW, row * 1000, 100, SHEET_END)
    message, seconds = refused(workbook(sheet))
    assert "lớn bất thường" in message
    assert seconds < 5


def test_a_sheet_wider_than_its_header_is_refused_after_a_hundred_rows_without_reading_the_rest():
    # Varied numbers compress as real data does, so the zip itself passes.
    generator = random.Random(1)
    rows = b"".join(
        b"<row>" + b"".join(b"<c><v>%d</v></c>" % generator.randrange(10**6) for _ in range(200)) + b"</row>" for _ in range(3000)
    )
    message, seconds = refused(workbook(sheet_of(rows)))
    assert "Dòng 2: Dòng có 200 ô, nhiều hơn 4 cột của tiêu đề." in message
    assert "Đã dừng đọc tệp ở dòng 101" in message and "Dòng 102:" not in message
    assert seconds < 5


def test_a_million_rows_are_refused_within_seconds():
    # 31 s before it said "too many rows".
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2, 1_000_002))
    message, seconds = refused(workbook(sheet_of(rows)))
    assert "Tệp có quá nhiều dòng (tối đa 100000)" in message
    assert seconds < 5


def test_a_row_numbered_past_the_limit_is_refused_without_padding_the_rows_between():
    message, seconds = refused(workbook(sheet_of(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')))
    assert "Tệp có quá nhiều dòng" in message and seconds < 1


def test_millions_of_formatted_empty_cells_are_refused_within_seconds():
    # Cells with references and styles compress like real ones; the row numbers inside a cell's
    # reference are not read (as openpyxl does), so a block of rows may repeat.
    generator = random.Random(2)
    letters = ["".join(generator.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(2)) for _ in range(100)]
    block = b"".join(
        b"<row>" + b"".join(b'<c r="%s%d" s="%d"/>' % (letter.encode(), generator.randrange(10**6), generator.randrange(9)) for letter in letters) + b"</row>"
        for _ in range(100)
    )
    times = tabular.MAX_ELEMENTS // (101 * 100) + 1
    sheet = Part.repeated("xl/worksheets/sheet1.xml", SHEET_START + HEADER_ROW, block, times, SHEET_END)
    assert sheet.size / len(sheet.deflated) < tabular.MAX_RATIO
    message, seconds = refused(workbook(sheet))
    assert "Tệp Excel quá lớn để nhập" in message
    assert seconds < 10  # about 4 s on an idle core


def test_a_million_empty_shared_strings_are_refused_by_their_ratio():
    # 9 kB that cost openpyxl 3.5 s.
    strings = Part.repeated("xl/sharedStrings.xml", STRINGS_START, b"<si/>" * 1000, 1000, STRINGS_END)
    message, seconds = refused(workbook(sheet_of(b""), strings))
    assert "xl/sharedStrings.xml" in message and seconds < 1


def test_a_zip_of_a_great_many_members_is_refused_before_it_is_listed():
    parts = [Part.of(f"x/{n}", b"") for n in range(30_000)]
    message, seconds = refused(zip_of(parts))
    assert "quá nhiều phần bên trong" in message and seconds < 2


@pytest.mark.parametrize("damage", ["truncated", "not a zip", "no workbook", "entity"])
def test_a_damaged_or_tricked_file_gets_a_clear_message(damage):
    good = workbook(sheet_of(b'<row r="2"><c t="inlineStr"><is><t>S1</t></is></c></row>'))
    data = {
        "truncated": good[: len(good) // 2],
        "not a zip": b"PK\x03\x04" + b"\x00" * 100,
        "no workbook": zip_of([Part.of("[Content_Types].xml", CONTENT_TYPES)]),
        "entity": workbook(
            Part.of(
                "xl/worksheets/sheet1.xml",
                b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                b"<worksheet " + NS + b"><sheetData>" + HEADER_ROW + b'<row r="2"><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>',
            )
        ),
    }[damage]
    message, seconds = refused(data)
    assert "Không đọc được tệp Excel (.xlsx)" in message and seconds < 1


def test_a_part_whose_data_is_damaged_is_refused_not_half_read():
    data = bytearray(workbook(sheet_of(b'<row r="2"><c t="inlineStr"><is><t>S1</t></is></c></row>' * 2000)))
    start = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[start + 40 : start + 60] = b"\x00" * 20
    message, _ = refused(bytes(data))
    assert "Không đọc được tệp Excel (.xlsx)" in message


# --- Columns -------------------------------------------------------------------------------------


def test_a_value_far_right_of_the_header_is_named_without_reading_the_columns_between():
    rows = b'<row r="2"><c r="A2" t="inlineStr"><is><t>S1</t></is></c><c r="XFD2"><v>7</v></c></row>'
    message, _ = refused(workbook(sheet_of(rows)))
    assert "Dòng 2: Dòng có 16384 ô, nhiều hơn 4 cột của tiêu đề." in message


def test_formatted_empty_cells_right_of_the_header_do_not_count():
    rows = b'<row r="2"><c r="A2" t="inlineStr"><is><t>S1</t></is></c>' + b"".join(b'<c r="%s2" s="1"/>' % c for c in (b"Z", b"AZ", b"XFD")) + b"</row>"
    table = read_table(workbook(sheet_of(rows)), "diem.xlsx", COLUMNS)
    assert table.rows == [(2, {"unit_code": "S1", "criterion_code": "", "score": "", "note": ""})]


def test_a_header_name_far_right_of_the_expected_columns_is_reported():
    header = HEADER_ROW.replace(b"</row>", b'<c r="ZZ1" t="inlineStr"><is><t>extra</t></is></c></row>')
    data = workbook(Part.of("xl/worksheets/sheet1.xml", SHEET_START + header + SHEET_END))
    message, _ = refused(data)
    assert "Dòng 1: Dòng tiêu đề có 702 cột" in message


# --- What is read ------------------------------------------------------------------------------------


def test_the_largest_real_import_is_read_whole():
    # 100,000 rows × 10 columns, every text different, in Excel's shared-strings form: the file
    # closest to the limits that a real import can be.
    columns = [f"cot_{n}" for n in range(10)]
    words = "Ủy ban nhân dân xã phường thị trấn huyện Sở Nội vụ cải cách hành chính chưa thực hiện đúng quy định".split()
    generator = random.Random(3)
    header = b'<row r="1">' + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c.encode() for c in columns) + b"</row>"
    strings, rows = [], []
    for number in range(2, 100_002):
        cells = []
        for column in range(10):
            strings.append(b"<si><t>%s</t></si>" % " ".join(generator.choice(words) for _ in range(6)).encode())
            cells.append(b'<c r="%s%d" t="s"><v>%d</v></c>' % (b"ABCDEFGHIJ"[column : column + 1], number, len(strings) - 1))
        rows.append(b'<row r="%d">' % number + b"".join(cells) + b"</row>")
    data = workbook(
        Part.of("xl/worksheets/sheet1.xml", SHEET_START + header + b"".join(rows) + SHEET_END),
        Part.of("xl/sharedStrings.xml", STRINGS_START + b"".join(strings) + STRINGS_END),
    )
    table = read_table(data, "lon.xlsx", columns)
    assert len(table.rows) == 100_000 and table.rows[-1][0] == 100_001
    assert table.rows[-1][1]["cot_9"] == " ".join(strings[-1][7:-9].decode().split())


def test_values_are_read_as_openpyxl_reads_them(tmp_path):
    from openpyxl import Workbook, load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    columns = ["a", "b", "c", "d", "e", "f", "g"]
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    sheet.append([1, 0.5, 1e21, True, False, -0.0, 12345678901234567])
    sheet.append([datetime.datetime(2024, 5, 31, 8, 30), datetime.date(2024, 12, 31), datetime.time(7, 15), datetime.timedelta(hours=30), None, "", " x "])
    sheet.append(["Tha\u0323ch Ha\u0300", "=SUM(A2:B2)", "#N/A", "_x005F_x000D_", CellRichText(["Đậm ", TextBlock(InlineFont(b=True), "nghiêng")]), "3", "  "])
    sheet["C4"].data_type = "e"
    sheet.cell(row=7, column=2, value="sau khoảng trống")
    path = tmp_path / "kieu.xlsx"
    book.save(path)

    expected = []
    for values in load_workbook(path, read_only=True, data_only=True).active.iter_rows(min_row=2, values_only=True):
        expected.append([tabular._cell_text(v) for v in values])
    rows = {number: [values[c] for c in columns] for number, values in read_table(path.read_bytes(), "kieu.xlsx", columns).rows}
    from units.text import nfc

    assert rows == {n: [nfc(v) for v in expected[n - 2]] for n in (2, 3, 4, 7)}


def test_a_number_format_longer_than_excel_allows_is_refused_at_once():
    # openpyxl's date test on 100,000 "[" would take minutes.
    styles = b"<styleSheet " + NS + b'><numFmts count="1"><numFmt numFmtId="164" formatCode="' + b"[" * 100_000 + b'"/></numFmts></styleSheet>'
    parts = [Part.of("[Content_Types].xml", CONTENT_TYPES), Part.of("_rels/.rels", PACKAGE_RELS), Part.of("xl/workbook.xml", WORKBOOK),
             Part.of("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), sheet_of(b""), Part.of("xl/styles.xml", styles)]
    message, seconds = refused(zip_of(parts))
    assert "Không đọc được tệp Excel (.xlsx)" in message and seconds < 1


def test_a_member_compressed_otherwise_than_excel_does_is_refused():
    # zipfile inflates a bzip2 or LZMA chunk whole before cutting it to the declared size.
    source = zipfile.ZipFile(io.BytesIO(workbook(sheet_of(b'<row r="2"><c t="inlineStr"><is><t>S1</t></is></c></row>'))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
    message, _ = refused(buffer.getvalue())
    assert "Không đọc được tệp Excel (.xlsx)" in message


def test_parts_that_together_expand_past_the_total_are_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_TOTAL_BYTES", 3 << 20)
    generator = random.Random(4)
    media = [Part.of(f"xl/media/image{n}.bin", generator.randbytes(2 << 20)) for n in range(2)]
    message, _ = refused(zip_of([*media, Part.of("[Content_Types].xml", CONTENT_TYPES)]))
    assert "nội dung lớn bất thường (hơn 3 MB)" in message


def test_shared_strings_rich_text_phonetic_hints_and_date_styles_are_read_as_openpyxl_reads_them():
    from openpyxl import load_workbook

    from units.text import nfc

    styles = (
        b"<styleSheet " + NS + b'><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts>'
        b'<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="2"/></cellXfs>'
        b'<dxfs count="1"><dxf><numFmt numFmtId="166" formatCode="yyyy"/></dxf></dxfs></styleSheet>'
    )
    strings = (
        STRINGS_START + b"<si><t>Tha\xcc\xa3ch Ha\xcc\x80</t></si>"
        b'<si><r><rPr><b/></rPr><t xml:space="preserve">\xc4\x90\xe1\xba\xadm </t></r><r><t>th\xc6\xb0\xe1\xbb\x9dng</t></r></si>'
        b'<si><t>\xe6\xbc\xa2\xe5\xad\x97</t><rPh sb="0" eb="2"><t>kanji</t></rPh></si><si><t>a_x005F_x000D_b</t></si><si/>' + STRINGS_END
    )
    rows = (
        b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c></row>'
        b'<row r="3"><c r="A3" s="1"><v>45000</v></c><c r="B3" s="2"><v>1.25</v></c><c r="C3" s="3"><v>0.5</v></c><c r="D3"><v>1E3</v></c></row>'
        b'<row r="5"><c t="b"><v>1</v></c><c t="str"><f>A1&amp;"x"</f><v>tx</v></c><c t="e"><f>1/0</f><v>#DIV/0!</v></c><c><f>SUM(A1)</f></c></row>'
        b'<row><c r="A6" t="d"><v>2024-03-01T10:00:00</v></c><c r="C6" t="inlineStr"><is><r><t>in</t></r><r><rPr><i/></rPr><t>line</t></r></is></c><c r="D6" t="s"><v>4</v></c></row>'
    )
    parts = [Part.of("[Content_Types].xml", CONTENT_TYPES), Part.of("_rels/.rels", PACKAGE_RELS), Part.of("xl/workbook.xml", WORKBOOK),
             Part.of("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), sheet_of(rows), Part.of("xl/sharedStrings.xml", strings), Part.of("xl/styles.xml", styles)]
    data = zip_of(parts)
    with pytest.warns(UserWarning):  # openpyxl misses a default style in so small a stylesheet
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        expected = {n: [nfc(tabular._cell_text(v)) for v in values] for n, values in enumerate(sheet.iter_rows(min_row=2, max_col=4, values_only=True), start=2)}
    table = read_table(data, "x.xlsx", COLUMNS)
    assert {n: [values[c] for c in COLUMNS] for n, values in table.rows} == {n: expected[n] for n in (2, 3, 5, 6)}
    assert table.rows[1][1]["unit_code"] == "2023-03-15 00:00:00" and table.rows[0][1]["criterion_code"] == "Đậm thường"


def test_a_long_string_used_by_many_cells_counts_at_each_of_them(monkeypatch):
    # One string of 10,000 characters in every cell of 100,000 rows would be a billion characters
    # to normalise and check; the reader stops at MAX_TEXT.
    monkeypatch.setattr(tabular, "MAX_TEXT", 25_000)
    strings = Part.of("xl/sharedStrings.xml", STRINGS_START + b"<si><t>" + b"a" * 10_000 + b"</t></si>" + STRINGS_END)
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(2, 5))
    message, _ = refused(workbook(sheet_of(rows), strings))
    assert "Tệp có quá nhiều chữ để nhập (hơn 25.000 ký tự)" in message
