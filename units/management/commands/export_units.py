import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.tabular import write_csv, write_xlsx
from units.selectors import units_export_rows
from units.services import UNIT_COLUMNS


class Command(BaseCommand):
    help = "Xuất danh sách đơn vị theo đúng định dạng nhập (CSV hoặc XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, help="Tệp kết quả; bỏ trống để in ra màn hình (CSV).")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Mặc định theo đuôi tệp, hoặc csv.")

    def handle(self, *args, output: Path | None, format: str | None, **options):
        fmt = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        rows = units_export_rows()
        data = write_xlsx({"Đơn vị": (UNIT_COLUMNS, rows)}) if fmt == "xlsx" else write_csv(UNIT_COLUMNS, rows)
        if output:
            output.write_bytes(data)
            self.stderr.write(f"Đã xuất {len(rows)} đơn vị vào {output}")
        else:
            sys.stdout.buffer.write(data)
