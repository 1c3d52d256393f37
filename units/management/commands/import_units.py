from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.tabular import ImportRejected, read_table
from units.services import UNIT_COLUMNS, UNIT_DATED_COLUMNS, UNIT_IMPORT_COLUMNS, units_import


class Command(BaseCommand):
    help = (
        "Nhập danh sách đơn vị từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(UNIT_COLUMNS)
        + " (có thể thêm các cột " + ",".join(UNIT_DATED_COLUMNS) + ")"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        try:
            table = read_table(file.read_bytes(), file.name, UNIT_IMPORT_COLUMNS, required=set(UNIT_COLUMNS))
            result = units_import(table=table, actor=None)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp {file.name} có {len(exc.errors)} lỗi; không có dữ liệu nào được ghi.") from None
        self.stdout.write(self.style.SUCCESS(str(result)))
