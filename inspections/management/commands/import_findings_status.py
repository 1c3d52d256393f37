from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.commands import import_file
from inspections.services import STATUS_COLUMNS, STATUS_REQUIRED_COLUMNS, findings_import_status


class Command(BaseCommand):
    help = "Cập nhật hàng loạt tình trạng khắc phục từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(STATUS_COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        result = import_file(
            self, file, STATUS_COLUMNS, lambda table: findings_import_status(table=table, actor=None), required=STATUS_REQUIRED_COLUMNS
        )
        self.stdout.write(self.style.SUCCESS(str(result)))
