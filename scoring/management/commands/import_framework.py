from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.commands import import_file
from scoring.services import FRAMEWORK_COLUMNS, FRAMEWORK_IMPORT_COLUMNS, REQUIRED_COLUMNS, framework_import

from ._common import actor_option, resolve_actor, settings_options


class Command(BaseCommand):
    help = (
        "Nhập bộ chỉ số của một năm từ tệp CSV (UTF-8) hoặc XLSX: "
        + ",".join(FRAMEWORK_COLUMNS)
        + " (tùy chọn thêm inputs,formula cho tiêu chí tính điểm từ số liệu). Bộ chỉ số của mỗi khối có trong tệp được thay thế toàn bộ; kỳ đánh giá chưa có sẽ được tạo ở giai đoạn dự thảo "
        "(với --decimals, --tie-rule nếu có; kỳ đã có với thiết lập khác thì không nhập)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2024.")
        settings_options(parser, when=" khi tạo kỳ đánh giá; kỳ đã có phải cùng thiết lập")
        actor_option(parser)

    def handle(self, *args, file: Path, year: int, user: str | None, decimals: int | None = None, tie_rule: str | None = None, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        actor = resolve_actor(user)
        result = import_file(
            self, file, FRAMEWORK_IMPORT_COLUMNS,
            lambda table: framework_import(table=table, year=year, actor=actor, source=file.name, decimals=decimals, tie_rule=tie_rule),
            required=REQUIRED_COLUMNS,
        )
        self.stdout.write(self.style.SUCCESS(str(result)))
