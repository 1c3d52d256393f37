from django.apps import apps
from django.core.management.base import BaseCommand

from units.demo import DEMO_PASSWORD, seed_units, seed_users


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (đơn vị của tỉnh Hà Tĩnh, tài khoản mỗi vai trò). Chạy nhiều lần không thay đổi gì thêm."

    def handle(self, *args, **options):
        self.stdout.write(f"Đơn vị: {seed_units()}")
        logins = seed_users()
        # Other apps add their demo data through a `demo.seed(stdout)` function of their own.
        for label in ("scoring", "inspections", "reports"):
            module = _demo_module(label)
            if module is not None:
                module.seed(self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Tài khoản dùng thử (mật khẩu chung: %s)" % DEMO_PASSWORD))
        width = max(len(u) for u, _, _ in logins)
        for username, role, unit in logins:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {unit}")


def _demo_module(label):
    import importlib

    try:
        return importlib.import_module(f"{apps.get_app_config(label).name}.demo")
    except ModuleNotFoundError:
        return None
