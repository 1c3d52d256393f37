"""Demo data of the units app: Hà Tĩnh's real units and one login per role.

Two steps, in this order (see `seed_demo`): the province as it was until 2024 (`seed_units`,
`ha-tinh-units.csv`), whose 2023 and 2024 the other apps score and inspect; then the 2025 reform
(`seed_reform`), loaded the way a user would: the units it adds (`ha-tinh-2025-units.csv`,
`import_units`) and which units went into which (`ha-tinh-2025-lineage.csv`, `import_lineage`).
Both files are built from the sources in `data/` by `units.demo_reform`."""

from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from cchc.tabular import read_table

from . import roles
from .demo_reform import COMMUNE_BLOCK, LINEAGE_FILE, UNITS_FILE
from .lineage import LINEAGE_COLUMNS, lineage_import
from .models import Block, Reorganisation, Unit, User
from .services import UNIT_COLUMNS, UNIT_IMPORT_COLUMNS, block_save, units_import

DATA = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "cchc-demo-2024"

# (login, full name, title, unit code, role)
DEMO_USERS = [
    ("sonv", "Nguyễn Thị Hà", "Chuyên viên Phòng CCHC", "SNV", roles.STAFF),
    ("hoidong.stp", "Trần Văn Bình", "Phó Giám đốc Sở Tư pháp", "STP", roles.COUNCIL),
    ("hoidong.snv", "Lê Thị Thu", "Phó Giám đốc Sở Nội vụ", "SNV", roles.COUNCIL),
    ("dm.stttt", "Phan Văn Nam", "Chuyên viên Văn phòng Sở", "STTTT", roles.UNIT_EDITOR),
    ("dm.skhcn", "Hoàng Thị Lan", "Chánh Văn phòng Sở", "SKHCN", roles.UNIT_EDITOR),
    ("dm.thachha", "Đặng Văn Quang", "Chuyên viên Phòng Nội vụ", "H-TH", roles.UNIT_EDITOR),
    ("dm.thachvan", "Võ Thị Mai", "Công chức Văn phòng - Thống kê", "X-THACHVAN", roles.UNIT_EDITOR),
    ("dm.cucthue", "Nguyễn Đức Thắng", "Chánh Văn phòng Cục", "TW-THUE", roles.UNIT_EDITOR),
    ("kiemtra", "Bùi Văn Sơn", "Trưởng phòng CCHC, Tổ trưởng Tổ công tác số 1", "SNV", roles.INSPECTOR),
    ("lanhdao", "Võ Trọng Hải", "Phó Chủ tịch UBND tỉnh", "VPUBND", roles.LEADER),
]
# Units formed on 01/07/2025 get logins once they exist (after `seed_reform`). No person is
# named: the account says what it is. The logins of closed units stay on them, for their years.
REFORM_USERS = [
    ("dm.dongtien", "Tài khoản minh họa UBND xã Đồng Tiến", "Cán bộ đầu mối CCHC", "18619", roles.UNIT_EDITOR),
]


def reform_loaded() -> bool:
    """Whether the database holds the demo's 2025 reorganisation (every event of the file)."""
    keys = {row["event"] for _, row in _table(LINEAGE_FILE, LINEAGE_COLUMNS).rows}
    return Reorganisation.objects.filter(key__in=keys).count() == len(keys)


def _table(path: Path, columns: list[str]):
    return read_table(path.read_bytes(), path.name, columns)


@transaction.atomic
def seed_units() -> str:
    """The province until 2024. Once the 2025 reform is loaded the file is history: importing it
    again would move the communes of 01/01/2025 back under their 2024 districts (refused for
    closed units), so it is left alone."""
    if reform_loaded():
        return "danh sách đơn vị đến năm 2024 đã nạp, các đơn vị đã được sắp xếp năm 2025: giữ nguyên."
    return str(units_import(table=_table(DATA / "ha-tinh-units.csv", UNIT_COLUMNS), actor=None))


def seed_reform(stdout) -> None:
    """The 2025 reform, once: the communes' block of the two-tier province, the units the reform
    adds (the old communes the demo did not hold come closed), then the lineage, whose import
    closes the old units and moves the communes of 01/01/2025 (and hands their open shortcomings
    to their successors). A database that has it keeps it as it is."""
    if reform_loaded():
        stdout.write("Sắp xếp đơn vị năm 2025: đã nạp, giữ nguyên.")
        return
    with transaction.atomic():
        if not Block.objects.filter(code=COMMUNE_BLOCK["code"]).exists():
            block_save(actor=None, **COMMUNE_BLOCK)
        units = units_import(table=_table(UNITS_FILE, UNIT_IMPORT_COLUMNS), actor=None)
        lineage = lineage_import(table=_table(LINEAGE_FILE, LINEAGE_COLUMNS), actor=None)
    stdout.write(f"Sắp xếp đơn vị năm 2025 ({UNITS_FILE.name}): {units}")
    stdout.write(f"Sắp xếp đơn vị năm 2025 ({LINEAGE_FILE.name}): {lineage}")


@transaction.atomic
def seed_users(users=DEMO_USERS) -> list[tuple[str, str, str]]:
    """Create the demo logins once; a second run leaves them (and changed passwords) alone.
    Answers (login, role, unit code) for `login_lines`."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[row[3] for row in users])}
    logins = []
    for username, full_name, title, unit_code, role in users:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "title": title, "unit": units[unit_code]}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        logins.append((username, roles.LABELS[role], unit_code))
    return logins


@transaction.atomic
def seed_admin() -> list[tuple[str, str, str]]:
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"full_name": "Quản trị hệ thống", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    return [("admin", "Quản trị hệ thống (toàn quyền)", "")]


def login_lines(logins: list[tuple[str, str, str]]) -> list[str]:
    """What `seed_demo` prints of each login: its role and unit, and when the unit closed."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[code for _, _, code in logins])}
    width = max(len(username) for username, _, _ in logins)
    lines = []
    for username, role, code in logins:
        unit = units.get(code)
        where = "—" if unit is None else unit.name + (f" (hoạt động đến {unit.valid_to:%d/%m/%Y})" if unit.valid_to else "")
        lines.append(f"  {username.ljust(width)}  {role} — {where}")
    return lines
