"""Demo data of Hà Tĩnh after the 2025 reform, built from the sources copied into `data/`:

- `ha-tinh-2025-communes.csv`: the 69 xã/phường of Nghị quyết 1665/NQ-UBTVQH15 (in force
  01/07/2025) with their statistics codes and the old units each was formed from, with the old
  district of each on 30/06/2025 and, where Nghị quyết 1283/NQ-UBTVQH15 had moved it on
  01/01/2025, before that;
- `ha-tinh-2025-departments.csv`: the provincial agencies after the reorganisation of 01/03/2025;
- `ha-tinh-2025-central.csv`: the central agencies, regionalised during 2025.

Two files are generated from them, in the formats a user imports: `ha-tinh-2025-units.csv`
(`import_units`: the units the reform adds) and `ha-tinh-2025-lineage.csv` (`import_lineage`:
which units went into which). The seed loads those two files exactly as a user would, and a test
checks that they are what this module builds from the sources (`write_reform_files()` rewrites
them after a change).

Real: every name, statistics code, date and legal act the sources give, and who went into whom.
Made up (ours): the codes of the old communes (X-…, P-…, TT-…, as in `ha-tinh-units.csv`), of the
new department (SNNMT) and of the renamed central agencies (TW-…-KV…), the event keys, the block
`ubnd-xa-phuong`, and the date 01/07/2025 for the central agencies whose regional name the sources
give without a date. Hà Tĩnh's catalogue of 01/03/2025 had 12 district-level units and 209
communes; the demo held 8 of them, the other 201 are created here as closed units."""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from cchc.tabular import write_csv

from .lineage import LINEAGE_COLUMNS
from .models import Block
from .services import UNIT_IMPORT_COLUMNS
from .text import fold

DATA = Path(__file__).resolve().parent / "data"
UNITS_SOURCE = DATA / "ha-tinh-units.csv"
COMMUNES_SOURCE = DATA / "ha-tinh-2025-communes.csv"
DEPARTMENTS_SOURCE = DATA / "ha-tinh-2025-departments.csv"
CENTRAL_SOURCE = DATA / "ha-tinh-2025-central.csv"
UNITS_FILE = DATA / "ha-tinh-2025-units.csv"
LINEAGE_FILE = DATA / "ha-tinh-2025-lineage.csv"


D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
MOVE_DAY = D(2025, 1, 1)  # Nghị quyết 1283/NQ-UBTVQH15
DEPARTMENTS_DAY = D(2025, 3, 1)  # the merged sở start work
TWO_TIER_DAY = D(2025, 7, 1)  # Nghị quyết 1665/NQ-UBTVQH15; no more district level

# The block of the communes after the reform: a new block, so that 2023 and 2024 keep theirs.
COMMUNE_BLOCK = {"code": "ubnd-xa-phuong", "name": "Khối UBND xã, phường", "level": Block.Level.COMMUNE, "order": 3}
OLD_COMMUNE_BLOCK = "ubnd-xa"

NQ1283 = (
    "Nghị quyết số 1283/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội (hiệu lực từ 01/01/2025): "
    "nhập huyện Lộc Hà vào huyện Thạch Hà, điều chỉnh địa giới thành phố Hà Tĩnh"
)
NQ1665 = "Nghị quyết số 1665/NQ-UBTVQH15 ngày 16/06/2025 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã của tỉnh Hà Tĩnh"
# No document number is given here on purpose: the sources name none for the end of the district level.
TWO_TIER = "Chính quyền địa phương hai cấp từ 01/07/2025"
DEPARTMENTS_BASIS = (
    "Phương án sắp xếp các sở của tỉnh Hà Tĩnh, hoạt động từ 01/03/2025 "
    "(theo báo chí về phương án; chưa tìm thấy nghị quyết của HĐND tỉnh)"
)

# "xã Thạch Trị (một phần) [TP Hà Tĩnh, trước 01/01/2025: H. Thạch Hà]"
_PART = re.compile(r"^(xã|phường|TT) (.+?)( \(một phần\))? \[([^\],]+)(?:, trước 01/01/2025: ([^\]]+))?\]$")
_UNIT_KIND = {"xã": ("X", "UBND xã"), "phường": ("P", "UBND phường"), "TT": ("TT", "UBND thị trấn")}
UNARRANGED = "không sắp xếp (giữ nguyên)"
# Xã Sơn Kim 1 and Sơn Kim 2 were not rearranged; the source does not repeat their district. Both
# are in Hương Sơn: their statistics codes (18196, 18199) lie in Hương Sơn's range (18133–18223).
UNARRANGED_DISTRICT = "H-HS"


@dataclass(frozen=True)
class OldCommune:
    """A commune, ward or town of the two-level districts, as the source names it."""

    kind: str  # xã, phường, TT
    name: str  # "Thạch Trị"
    district: str  # its district's code on 30/06/2025
    before: str = ""  # its district's code before 01/01/2025, when Nghị quyết 1283 moved it

    @property
    def unit_name(self) -> str:
        return f"{_UNIT_KIND[self.kind][1]} {self.name}"

    @property
    def first_district(self) -> str:
        return self.before or self.district


@dataclass
class NewCommune:
    stat_code: str
    name: str
    khoan: int
    parts: list[tuple[OldCommune, bool]] = field(default_factory=list)  # (old unit, only part of it)
    unarranged: bool = False


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _district_codes() -> dict[str, str]:
    """'TP Hà Tĩnh', 'TX Kỳ Anh', 'H. Thạch Hà' (the source's labels) → our codes."""
    labels = {}
    for row in _rows(UNITS_SOURCE):
        if row["block"] != "ubnd-huyen":
            continue
        for prefix, short in (("UBND thành phố ", "TP "), ("UBND thị xã ", "TX "), ("UBND huyện ", "H. ")):
            if row["name"].startswith(prefix):
                labels[short + row["name"][len(prefix) :]] = row["code"]
    return labels


def district_level_codes() -> list[str]:
    return [row["code"] for row in _rows(UNITS_SOURCE) if row["block"] == "ubnd-huyen"]


def new_communes() -> list[NewCommune]:
    districts = _district_codes()
    communes = []
    for row in _rows(COMMUNES_SOURCE):
        commune = NewCommune(stat_code=row["stat_code"], name=row["name"], khoan=int(row["nq1665_khoan"]))
        if row["formed_from"] == UNARRANGED:
            kind, _, name = row["name"].partition(" ")
            commune.parts.append((OldCommune(kind.lower(), name, UNARRANGED_DISTRICT), False))
            commune.unarranged = True
        else:
            for part in row["formed_from"].split("; "):
                match = _PART.match(part)
                if match is None:
                    raise ValueError(f"{COMMUNES_SOURCE.name}: cannot read '{part}' ({row['name']})")
                kind, name, partial, now, before = match.groups()
                old = OldCommune(kind, name, districts[now], districts[before] if before else "")
                commune.parts.append((old, bool(partial)))
        communes.append(commune)
    return communes


def old_commune_codes(communes: list[NewCommune]) -> dict[OldCommune, str]:
    """Each old commune's code: the demo's own when it held the commune already (matched by name
    and district), else one made up like the demo's (X-THACHTRI), with the district's code added
    when two communes would get the same one."""
    held = {(row["name"], row["parent_code"]): row["code"] for row in _rows(UNITS_SOURCE) if row["block"] == OLD_COMMUNE_BLOCK}
    taken = {row["code"] for row in _rows(UNITS_SOURCE)}
    codes: dict[OldCommune, str] = {}
    for commune in communes:
        for old, _ in commune.parts:
            if old in codes:
                continue
            code = held.get((old.unit_name, old.first_district))
            if code is None:
                code = f"{_UNIT_KIND[old.kind][0]}-{fold(old.name).upper().replace(' ', '')}"
                if code in taken:
                    code = f"{code}-{old.first_district.replace('-', '')}"
                taken.add(code)
            codes[old] = code
    return codes


def held_commune_codes() -> set[str]:
    return {row["code"] for row in _rows(UNITS_SOURCE) if row["block"] == OLD_COMMUNE_BLOCK}


# --- Departments (ha-tinh-2025-departments.csv) -------------------------------------------------
# The source's free text, read once by hand: which old sở went into which (merge) and which parts
# moved to another sở (transfer). A new name of the file not listed below fails the build.

NEW_DEPARTMENT = {"code": "SNNMT", "name": "Sở Nông nghiệp và Môi trường"}
DEPARTMENTS = {  # name in the source → the unit that carries on from 01/03/2025
    "Sở Tài chính": "STC",
    "Sở Xây dựng": "SXD",
    "Sở Khoa học và Công nghệ": "SKHCN",
    "Sở Nông nghiệp và Môi trường": NEW_DEPARTMENT["code"],
    "Sở Nội vụ": "SNV",
    "Sở Tư pháp": "STP",
    "Sở Ngoại vụ": "SNGV",
    "Sở Giáo dục và Đào tạo": "SGDDT",
    "Sở Y tế": "SYT",
    "Sở Công Thương": "SCT",
    "Sở Văn hóa, Thể thao và Du lịch": "SVHTTDL",
    "Thanh tra tỉnh": "TTT",
    "Văn phòng UBND tỉnh": "VPUBND",
}
# Listed in the source with its status after 2025 not found; Ban Dân tộc tỉnh is not listed at
# all. Both stay open, and off the 2026 roster.
UNKNOWN_STATUS = {"Ban Quản lý Khu kinh tế tỉnh": "BQLKKT", "Ban Dân tộc tỉnh": "BDT"}
DEPARTMENT_LINKS = [  # (kind, predecessor, successor)
    ("merge", "SKHDT", "STC"),
    ("merge", "SGTVT", "SXD"),
    ("merge", "STTTT", "SKHCN"),
    ("transfer", "STTTT", "SVHTTDL"),  # press and publishing
    ("merge", "SLDTBXH", "SNV"),
    ("transfer", "SLDTBXH", "SGDDT"),  # vocational education
    ("transfer", "SLDTBXH", "SYT"),  # social protection and children
    ("transfer", "SLDTBXH", "SNNMT"),  # poverty reduction
    ("merge", "SNNPTNT", "SNNMT"),
    ("merge", "STNMT", "SNNMT"),
]


def departments_2026() -> list[str]:
    """The 13 provincial agencies of 2026 (11 sở, Thanh tra tỉnh, Văn phòng UBND tỉnh)."""
    rows = _rows(DEPARTMENTS_SOURCE)
    unknown = [row["name"] for row in rows if row["name"] not in DEPARTMENTS and row["name"] not in UNKNOWN_STATUS]
    if unknown:
        raise ValueError(f"{DEPARTMENTS_SOURCE.name}: no code for {', '.join(unknown)}")
    return [DEPARTMENTS[row["name"]] for row in rows if row["name"] in DEPARTMENTS]


# --- Central agencies (ha-tinh-2025-central.csv) -------------------------------------------------
# (code, name, valid_from, valid_to, predecessor, event, legal basis). The names are the source's;
# where it is unsure of the regional branch's name, its words in brackets are put in Vietnamese.
CENTRAL = {  # name in the source → the rows it gives
    "Thuế tỉnh Hà Tĩnh": [
        ("TW-THUE-KV11", "Chi cục Thuế khu vực XI", D(2025, 3, 1), D(2025, 6, 30), "TW-THUE", "TW-THUE-2025-03",
         "Tổ chức ngành Thuế theo khu vực từ 01/03/2025: Cục Thuế tỉnh thành Chi cục Thuế khu vực XI"),
        ("TW-THUE-HT", "Thuế tỉnh Hà Tĩnh", D(2025, 7, 1), None, "TW-THUE-KV11", "TW-THUE-2025-07",
         "Đổi tên thành Thuế tỉnh Hà Tĩnh từ 01/07/2025"),
    ],
    "Chi cục Hải quan khu vực (covering Hà Tĩnh)": [
        ("TW-HQ-KV", "Chi cục Hải quan khu vực (địa bàn Hà Tĩnh)", D(2025, 7, 1), None, "TW-HQ", "TW-HQ-2025",
         "Hải quan tổ chức theo khu vực năm 2025 (Chi cục Hải quan khu vực XI: Nghệ An, Hà Tĩnh); "
         "chưa xác định được tên, ngày của đơn vị phụ trách Hà Tĩnh sau 01/07/2025"),
    ],
    "Kho bạc Nhà nước khu vực (covering Hà Tĩnh)": [
        ("TW-KBNN-KV", "Kho bạc Nhà nước khu vực (địa bàn Hà Tĩnh)", D(2025, 7, 1), None, "TW-KBNN", "TW-KBNN-2025",
         "Kho bạc Nhà nước tổ chức theo khu vực năm 2025 (KBNN khu vực XI; các khu vực đánh số lại ngày 11/06/2025); "
         "chưa xác định được số khu vực sau 01/07/2025"),
    ],
    "Ngân hàng Nhà nước chi nhánh Khu vực 8": [
        ("TW-NHNN-KV8", "Ngân hàng Nhà nước chi nhánh Khu vực 8", D(2025, 7, 1), None, "TW-NHNN", "TW-NHNN-2025",
         "Ngân hàng Nhà nước tổ chức chi nhánh theo khu vực năm 2025 (Khu vực 8: Hà Tĩnh, Nghệ An, Quảng Bình); "
         "chưa xác định được ngày chính xác"),
    ],
    # Bảo hiểm xã hội khu vực XV in between (no date in the source), then the same name again
    # from 01/07/2025: the demo keeps the one unit. Công an tỉnh: unchanged.
    "Bảo hiểm xã hội tỉnh Hà Tĩnh": [],
    "Công an tỉnh Hà Tĩnh": [],
}
CENTRAL_KEPT = {"Bảo hiểm xã hội tỉnh Hà Tĩnh": "TW-BHXH", "Công an tỉnh Hà Tĩnh": "TW-CA"}


def central_2026() -> list[str]:
    codes = []
    for row in _rows(CENTRAL_SOURCE):
        if row["name"] not in CENTRAL:
            raise ValueError(f"{CENTRAL_SOURCE.name}: no code for {row['name']}")
        steps = CENTRAL[row["name"]]
        codes.append(steps[-1][0] if steps else CENTRAL_KEPT[row["name"]])
    return codes


# --- The two generated files ------------------------------------------------------------------


def _day(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def reform_unit_rows() -> list[list[str]]:
    """The units the reform adds, in the units import format with its optional columns: the new
    sở, the old communes the demo did not hold (closed on 30/06/2025, under the district they
    first belonged to: the 01/01/2025 moves are lineage rows), the 69 xã/phường (no parent) and the
    renamed central agencies. No heads: the sources name none."""
    communes = new_communes()
    codes = old_commune_codes(communes)
    held = held_commune_codes()
    rows = [[NEW_DEPARTMENT["code"], NEW_DEPARTMENT["name"], "so-nganh", "", "", "", _day(DEPARTMENTS_DAY), "", ""]]
    seen = set()
    for commune in communes:
        for old, _ in commune.parts:
            code = codes[old]
            if code in held or code in seen:
                continue
            seen.add(code)
            rows.append([code, old.unit_name, OLD_COMMUNE_BLOCK, old.first_district, "", "", "", _day(TWO_TIER_DAY - ONE_DAY), ""])
    for commune in communes:
        rows.append([commune.stat_code, commune.name, COMMUNE_BLOCK["code"], "", "", "", _day(TWO_TIER_DAY), "", commune.stat_code])
    for source in _rows(CENTRAL_SOURCE):
        for code, name, valid_from, valid_to, *_ in CENTRAL[source["name"]]:
            rows.append([code, name, "co-quan-tw", "", "", "", _day(valid_from), _day(valid_to), ""])
    return rows


def lineage_rows() -> list[list[str]]:
    """Every link of the reforms, in the lineage import format, in the order they took effect.

    Each old unit is closed by one event only: a khoản of Nghị quyết 1665 merges its communes into
    the new one (one event per khoản), while phường Đại Nài and xã Kỳ Lợi, which went in parts into
    several new units, each have a split event of their own."""
    communes = new_communes()
    codes = old_commune_codes(communes)
    rows = []

    def add(event, day, basis, kind, predecessor, successor=""):
        rows.append([event, _day(day), basis, kind, predecessor, successor])

    add("NQ1283", MOVE_DAY, NQ1283, "merge", "H-LH", "H-TH")
    moved = set()
    for commune in communes:
        for old, _ in commune.parts:
            if old.before and old not in moved:
                moved.add(old)
                add("NQ1283", MOVE_DAY, NQ1283, "parent", codes[old], old.district)

    for kind, predecessor, successor in DEPARTMENT_LINKS:
        add("SAPXEP-SO-2025", DEPARTMENTS_DAY, DEPARTMENTS_BASIS, kind, predecessor, successor)

    central = [step for source in _rows(CENTRAL_SOURCE) for step in CENTRAL[source["name"]]]
    for code, _, valid_from, _, predecessor, event, basis in central:
        if valid_from < TWO_TIER_DAY:
            add(event, valid_from, basis, "rename", predecessor, code)

    splits: dict[OldCommune, list[NewCommune]] = {}
    for commune in communes:
        event = f"NQ1665-K{commune.khoan:02d}"
        basis = f"{NQ1665} (khoản {commune.khoan})"
        for old, partial in commune.parts:
            if partial:
                splits.setdefault(old, []).append(commune)
            else:
                add(event, TWO_TIER_DAY, basis, "rename" if commune.unarranged else "merge", codes[old], commune.stat_code)
    for old, successors in splits.items():
        event = f"NQ1665-{fold(old.name).upper().replace(' ', '')}"
        basis = f"{NQ1665} (khoản {', '.join(str(c.khoan) for c in successors)})"
        for commune in successors:
            add(event, TWO_TIER_DAY, basis, "split", codes[old], commune.stat_code)

    for code in district_level_codes():
        if code != "H-LH":  # merged into Thạch Hà on 01/01/2025
            add("HAICAP-2025", TWO_TIER_DAY, TWO_TIER, "dissolve", code)

    for code, _, valid_from, _, predecessor, event, basis in central:
        if valid_from >= TWO_TIER_DAY:
            add(event, valid_from, basis, "rename", predecessor, code)
    return rows


def reform_files() -> dict[Path, bytes]:
    return {UNITS_FILE: write_csv(UNIT_IMPORT_COLUMNS, reform_unit_rows()), LINEAGE_FILE: write_csv(LINEAGE_COLUMNS, lineage_rows())}


def write_reform_files() -> None:
    """Rewrite the two generated files from the sources (after a change to either)."""
    for path, data in reform_files().items():
        path.write_bytes(data)
