from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.tabular import ImportRejected, read_table
from units.lineage import LINEAGE_COLUMNS, lineage_import


class Command(BaseCommand):
    help = "Nhập các sự kiện sắp xếp đơn vị (sáp nhập, chia tách, đổi tên...) từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(LINEAGE_COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        try:
            table = read_table(file.read_bytes(), file.name, LINEAGE_COLUMNS)
            result = lineage_import(table=table, actor=None)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp {file.name} có {len(exc.errors)} lỗi; không có dữ liệu nào được ghi.") from None
        self.stdout.write(self.style.SUCCESS(str(result)))
