from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.commands import import_file
from scoring.models import Period
from scoring.services import SCORE_COLUMNS, SCORE_REQUIRED, STAGES, scores_import

from ._common import actor_option, resolve_actor


class Command(BaseCommand):
    help = (
        "Nhập điểm của một kỳ đánh giá từ tệp CSV (UTF-8) hoặc XLSX: "
        + ",".join(SCORE_COLUMNS)
        + ". score có thể là NA (không áp dụng); 0,5 và 0.5 đều được. Cả tệp được kiểm tra trước, có lỗi thì không ghi gì. "
        "Dùng để nhập điểm điều tra xã hội học và chuyển dữ liệu các năm trước từ Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2024.")
        parser.add_argument("--stage", required=True, choices=list(STAGES), help="self, appraisal, final hoặc survey.")
        actor_option(parser)

    def handle(self, *args, file: Path, year: int, stage: str, user: str | None, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        actor = resolve_actor(user)
        result = import_file(
            self, file, SCORE_COLUMNS, lambda table: scores_import(table=table, period=period, stage=stage, actor=actor, source=file.name),
            required=SCORE_REQUIRED, nothing="điểm",
        )
        self.stdout.write(self.style.SUCCESS(str(result)))
