from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.services.archive import ArchiveError, period_import

from ._common import actor_option, resolve_actor


class Command(BaseCommand):
    help = (
        "Nhập một kỳ đánh giá từ tệp ZIP do export_period tạo. Kiểm tra manifest và mã SHA-256 của từng tệp; "
        "từ chối nếu năm đó đã có. Đơn vị, khối, người dùng chưa có được tạo (người dùng ở trạng thái khóa); "
        "tất cả trong một giao dịch: có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        actor_option(parser)

    def handle(self, *args, file: Path, user: str | None, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        actor = resolve_actor(user)
        try:
            period = period_import(file.read_bytes(), actor=actor)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập kỳ đánh giá năm {period.year} ({period.get_phase_display()}): "
                f"{period.assessments.count()} phiếu đánh giá. Người dùng mới tạo đều bị khóa cho đến khi quản trị viên kích hoạt."
            )
        )
