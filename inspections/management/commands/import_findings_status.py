from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.tabular import ImportRejected, read_table
from inspections.services import STATUS_COLUMNS, STATUS_REQUIRED_COLUMNS, findings_import_status


class Command(BaseCommand):
    help = "Cập nhật hàng loạt tình trạng khắc phục từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(STATUS_COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        try:
            table = read_table(file.read_bytes(), file.name, STATUS_COLUMNS, required=STATUS_REQUIRED_COLUMNS)
            result = findings_import_status(table=table, actor=None)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp {file.name} có {len(exc.errors)} lỗi; không có dữ liệu nào được ghi.") from None
        self.stdout.write(self.style.SUCCESS(str(result)))
