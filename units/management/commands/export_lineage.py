import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.tabular import write_csv, write_xlsx
from units.lineage import LINEAGE_COLUMNS
from units.selectors import lineage_export_rows


class Command(BaseCommand):
    help = "Xuất các sự kiện sắp xếp đơn vị theo đúng định dạng nhập (CSV hoặc XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, help="Tệp kết quả; bỏ trống để in ra màn hình (CSV).")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Mặc định theo đuôi tệp, hoặc csv.")

    def handle(self, *args, output: Path | None, format: str | None, **options):
        fmt = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        rows = lineage_export_rows()
        data = write_xlsx({"Sắp xếp đơn vị": (LINEAGE_COLUMNS, rows)}) if fmt == "xlsx" else write_csv(LINEAGE_COLUMNS, rows)
        if output:
            output.write_bytes(data)
            self.stderr.write(f"Đã xuất {len(rows)} dòng vào {output}")
        else:
            sys.stdout.buffer.write(data)
