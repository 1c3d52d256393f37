"""Demo data of the units app: Hà Tĩnh's real units and one login per role."""

from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from cchc.tabular import read_table

from . import roles
from .models import Unit, User
from .services import UNIT_COLUMNS, units_import

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


@transaction.atomic
def seed_units() -> str:
    table = read_table((DATA / "ha-tinh-units.csv").read_bytes(), "ha-tinh-units.csv", UNIT_COLUMNS)
    return str(units_import(table=table, actor=None))


@transaction.atomic
def seed_users() -> list[tuple[str, str, str]]:
    """Create the demo logins once; a second run leaves them (and changed passwords) alone."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[row[3] for row in DEMO_USERS])}
    logins = []
    for username, full_name, title, unit_code, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "title": title, "unit": units[unit_code]}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        logins.append((username, roles.LABELS[role], units[unit_code].name))
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"full_name": "Quản trị hệ thống", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("admin", "Quản trị hệ thống (toàn quyền)", "—"))
    return logins
