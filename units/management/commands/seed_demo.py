import importlib

from django.apps import apps
from django.core.management.base import BaseCommand

from monitoring import demo as monitoring_demo
from units.demo import DEMO_PASSWORD, REFORM_USERS, login_lines, seed_admin, seed_reform, seed_units, seed_users

APPS = ("scoring", "inspections", "reports")


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: đơn vị của tỉnh Hà Tĩnh đến năm 2024 và các năm 2023, 2024; việc sắp xếp đơn vị năm 2025; "
        "năm 2026 của tỉnh với chính quyền địa phương hai cấp; tài khoản mỗi vai trò. Chạy nhiều lần không thay đổi gì thêm."
    )

    def handle(self, *args, **options):
        logins = seed_until_2024(self.stdout) + seed_from_2025(self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Tài khoản dùng thử (mật khẩu chung: %s)" % DEMO_PASSWORD))
        for line in login_lines(logins):
            self.stdout.write(line)


def seed_until_2024(stdout) -> list[tuple[str, str, str]]:
    """The province until 2024 and its years, on the units of that time: each app's
    `demo.seed(stdout)`. Answers the logins made."""
    stdout.write(f"Đơn vị: {seed_units()}")
    logins = seed_users()
    for module in _demo_modules():
        module.seed(stdout)
    return logins


def seed_from_2025(stdout) -> list[tuple[str, str, str]]:
    """The 2025 reform, then each app's year of the two-tier province (`demo.seed_2026(stdout)`):
    after the earlier years, so that they were scored and inspected before any unit closed."""
    seed_reform(stdout)
    logins = seed_users(REFORM_USERS)
    for module in _demo_modules():
        if hasattr(module, "seed_2026"):
            module.seed_2026(stdout)
    # The year-round monitoring of 2026 and the rule of the 2023 emulation package: last, once
    # 2026's units, logins and period exist.
    monitoring_demo.seed(stdout)
    return logins + seed_admin()


def _demo_modules():
    modules = []
    for label in APPS:
        name = f"{apps.get_app_config(label).name}.demo"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but imports something missing
                raise
    return modules
