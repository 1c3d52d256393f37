from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.commands import import_file
from units.services import UNIT_COLUMNS, UNIT_DATED_COLUMNS, UNIT_IMPORT_COLUMNS, units_import


class Command(BaseCommand):
    help = (
        "Nhập danh sách đơn vị từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(UNIT_COLUMNS)
        + " (có thể thêm các cột " + ",".join(UNIT_DATED_COLUMNS) + ")"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        result = import_file(
            self, file, UNIT_IMPORT_COLUMNS, lambda table: units_import(table=table, actor=None), required=set(UNIT_COLUMNS)
        )
        self.stdout.write(self.style.SUCCESS(str(result)))
