"""The emulation package (hồ sơ thi đua, khen thưởng) as files: a workbook for whoever works the
figures further, and a Word document laid out as an administrative text of Sở Nội vụ to the
emulation council (Nghị định 30/2020/NĐ-CP: A4, Times New Roman, the agency and the national
motto at the top, the tables with a header row repeated on every page).

Both are built from `selectors.emulation_package`; nothing here decides who is proposed."""

import copy
import io
import re

from django.conf import settings
from django.utils import timezone

from cchc.tabular import write_xlsx
from reports.decision import two
from reports.notice import place_date

from .selectors.emulation import EmulationPackage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"

PROPOSAL_SHEET = "Đề nghị khen thưởng"
BASIS_SHEET = "Căn cứ"
PROPOSAL_COLUMNS = [
    "STT", "Khối", "Hạng trong khối", "Mã đơn vị", "Cơ quan, đơn vị", "Chỉ số CCHC (%)", "Xếp loại",
    "Người đứng đầu", "Chức vụ", "Đánh giá người đứng đầu",
]
BLOCK_COLUMNS = [
    "Hạng", "Mã đơn vị", "Cơ quan, đơn vị", "Điểm đạt được", "Điểm tối đa", "Chỉ số CCHC (%)", "Xếp loại",
    "Người đứng đầu", "Chức vụ", "Đánh giá người đứng đầu", "Đề nghị khen thưởng",
]
# Characters a worksheet's name may not hold (Excel refuses the file otherwise).
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def filename(package: EmulationPackage, extension: str) -> str:
    return f"ho-so-thi-dua-khen-thuong-cchc-{package.period.year}.{extension}"


def _sheet_names(package: EmulationPackage) -> list[str]:
    """One worksheet name per block: its name without "Khối", at most 31 characters (Excel's
    limit), unique in the workbook."""
    taken = {PROPOSAL_SHEET.lower(), BASIS_SHEET.lower()}
    names = []
    for block in package.blocks:
        name = block.block.name.strip()
        name = name[5:] if name.lower().startswith("khối ") else name  # "Khối " says nothing on a tab
        base = _SHEET_FORBIDDEN.sub(" ", name)[:31].strip() or "Khối"
        name, n = base, 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def emulation_xlsx(package: EmulationPackage) -> bytes:
    """The proposal list, one sheet per block with its ranked units, and what the package rests on.
    Ranks, points and indexes are numbers (Decimal), not text, so that they sort and add up."""
    proposed = [
        [
            number, line.row.block.name, line.row.rank, line.row.unit.code, line.row.unit.name, line.row.index,
            line.row.classification, line.row.head_name, line.row.head_title, line.row.head_rating,
        ]
        for number, line in enumerate(package.proposed, start=1)
    ]
    sheets = {PROPOSAL_SHEET: (PROPOSAL_COLUMNS, proposed)}
    for name, block in zip(_sheet_names(package), package.blocks):
        rows = [
            [
                r.rank, r.unit.code, r.unit.name, r.score, r.max_score, r.index, r.classification,
                r.head_name, r.head_title, r.head_rating, "Có" if line.proposed else "",
            ]
            for line in block.lines
            for r in [line.row]
        ]
        sheets[name] = (BLOCK_COLUMNS, rows)
    approval = package.approval
    sheets[BASIS_SHEET] = (
        ["Nội dung", "Giá trị"],
        [
            ["Năm đánh giá", package.period.year],
            ["Quyết định phê duyệt", approval.decision_number],
            ["Ngày quyết định", f"{approval.decision_date:%d/%m/%Y}" if approval.decision_date else ""],
            ["Tiêu chí đề nghị khen thưởng", package.rule_words],
            ["Số đơn vị được đề nghị", len(package.proposed)],
            ["Ngày lập", f"{timezone.localdate():%d/%m/%Y}"],
        ],
    )
    return write_xlsx(sheets)


# --- Word -----------------------------------------------------------------------------------------


def _font(run, *, size=None, bold=None, italic=None, underline=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    # Word reads the East Asian slot for some Vietnamese letters: name the font there too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


def _paragraph(
    container, text="", *, align=None, size=None, bold=False, italic=False, underline=False, space_before=None, space_after=None, indent=False
):
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if space_before is not None:
        paragraph.paragraph_format.space_before = Pt(space_before)
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    _font(paragraph.add_run(text), size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _cell(cell, text, *, bold=False, italic=False, underline=False, align=None, size=10.5):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(str(text)), size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _repeat_header(row) -> None:
    """The table's first row is printed again at the top of every page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, columns: list[tuple[str, float]], rows: list[list[str]], numeric: set[int]):
    """A bordered table: a bold header row repeated on every page, the given widths in cm,
    numbers right-aligned.

    The data rows are copies of one formatted row with their texts set: python-docx's own
    `add_row().cells` walks the whole table for each row, which took 50 s for a block of 4,000
    communes; copying takes a second."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for i, (title, width) in enumerate(columns):
        # The grid's width (read by LibreOffice) and each cell's (read by Word).
        table.columns[i].width = Cm(width)
        cell = header.cells[i]
        cell.width = Cm(width)
        _cell(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    template = table.add_row()
    for i, cell in enumerate(template.cells):
        cell.width = Cm(columns[i][1])
        _cell(cell, "-", align=WD_ALIGN_PARAGRAPH.RIGHT if i in numeric else None)
    tbl, tr = table._tbl, template._tr
    tbl.remove(tr)
    for values in rows:
        row = copy.deepcopy(tr)
        for tc, value in zip(row.iterchildren(qn("w:tc")), values):
            text = tc.find(".//" + qn("w:t"))
            text.text = str(value)
            text.set(qn("xml:space"), "preserve")
        tbl.append(row)
    return table


def _heading_block(document, province: str) -> None:
    """The agency (top left) and the national motto (top right), then the place and date."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    center = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=2, cols=2)
    table.autofit = False
    widths = (Cm(5.8), Cm(10.7))
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    left, right = table.rows[0].cells
    _cell(left, f"UBND TỈNH {province.upper()}", align=center, size=12)
    agency = left.add_paragraph()
    agency.alignment = center
    _font(agency.add_run("SỞ NỘI VỤ"), size=12, bold=True)
    _cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=center, size=12)
    motto = right.add_paragraph()
    motto.alignment = center
    _font(motto.add_run("Độc lập - Tự do - Hạnh phúc"), size=13, bold=True, underline=True)
    _cell(table.rows[1].cells[1], place_date(province, timezone.localdate()), italic=True, align=center, size=13)


def emulation_docx(package: EmulationPackage) -> bytes:
    """The package as a Word document: heading, what it rests on, each block's ranked units
    (index, classification, the head and their rating), then the units proposed."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    province = settings.PROVINCE_NAME
    year = package.period.year
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    properties = document.core_properties
    properties.title = f"Hồ sơ thi đua, khen thưởng — Chỉ số CCHC năm {year}"
    properties.language = "vi-VN"
    properties.author = "Sở Nội vụ"

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    _heading_block(document, province)
    _paragraph(document, "HỒ SƠ THI ĐUA, KHEN THƯỞNG", align=center, bold=True, size=14, space_after=0)
    _paragraph(
        document, f"Kết quả Chỉ số cải cách hành chính năm {year} và danh sách đề nghị khen thưởng",
        align=center, bold=True, size=14, space_after=12,
    )
    _paragraph(document, f"Căn cứ {package.decision_words} về việc phê duyệt Chỉ số cải cách hành chính năm {year};", align=justify, indent=True)
    _paragraph(
        document, f"Căn cứ tiêu chí đề nghị khen thưởng của năm {year}: {package.rule_words},", align=justify, indent=True
    )
    _paragraph(
        document,
        f"Sở Nội vụ tổng hợp kết quả Chỉ số cải cách hành chính năm {year} và danh sách các cơ quan, đơn vị, "
        "địa phương đề nghị khen thưởng, trình Hội đồng Thi đua - Khen thưởng tỉnh xem xét như sau:",
        align=justify, indent=True,
    )

    _paragraph(document, f"I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}", bold=True)
    columns = [("Hạng", 1.6), ("Cơ quan, đơn vị", 4.5), ("Chỉ số CCHC (%)", 2.0), ("Xếp loại", 1.8), ("Người đứng đầu", 2.8), ("Đánh giá người đứng đầu", 3.3)]
    for number, block in enumerate(package.blocks, start=1):
        _paragraph(document, f"{number}. {block.block.name}", bold=True, space_before=6)
        rows = [
            [line.row.rank, line.row.unit.name + (" (*)" if line.proposed else ""), two(line.row.index, line.row.decimals), line.row.classification,
             line.row.head_name or "—", line.row.head_rating]
            for line in block.lines
        ]
        _table(document, columns, rows, numeric={0, 2})
    _paragraph(document, "(*) Cơ quan, đơn vị được đề nghị khen thưởng.", italic=True, size=12)

    _paragraph(document, "II. DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True, space_before=6)
    _paragraph(document, f"Tiêu chí: {package.rule_words}.", align=justify, indent=True)
    proposed = package.proposed
    if proposed:
        columns = [("STT", 1.2), ("Cơ quan, đơn vị", 4.4), ("Khối", 3.2), ("Hạng", 1.5), ("Chỉ số CCHC (%)", 2.0), ("Xếp loại", 1.7), ("Người đứng đầu", 2.5)]
        rows = [
            [i, line.row.unit.name, line.row.block.name, line.row.rank, two(line.row.index, line.row.decimals), line.row.classification, line.row.head_name or "—"]
            for i, line in enumerate(proposed, start=1)
        ]
        _table(document, columns, rows, numeric={0, 3, 4})
    else:
        _paragraph(document, "Không có cơ quan, đơn vị nào đáp ứng tiêu chí đề nghị khen thưởng.", italic=True, indent=True)
    _paragraph(document, f"Tổng số: {len(proposed)} cơ quan, đơn vị, địa phương.", indent=True)

    # Nơi nhận (left) and the issuing agency (right), unsigned: the council's file, not a decision.
    closing = document.add_table(rows=1, cols=2)
    closing.autofit = False
    left, right = closing.rows[0].cells
    for column, cell in zip(closing.columns, (left, right)):
        column.width = cell.width = Cm(8.25)
    _cell(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Hội đồng Thi đua - Khen thưởng tỉnh;", "- Lưu: VT, CCHC."):
        _font(left.add_paragraph().add_run(line), size=11)
    _cell(right, "SỞ NỘI VỤ", bold=True, align=center, size=13)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
