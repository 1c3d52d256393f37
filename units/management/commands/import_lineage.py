from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.commands import import_file
from units.lineage import LINEAGE_COLUMNS, lineage_import


class Command(BaseCommand):
    help = "Nhập các sự kiện sắp xếp đơn vị (sáp nhập, chia tách, đổi tên...) từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(LINEAGE_COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        result = import_file(self, file, LINEAGE_COLUMNS, lambda table: lineage_import(table=table, actor=None))
        self.stdout.write(self.style.SUCCESS(str(result)))
