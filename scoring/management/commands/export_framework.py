import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.tabular import write_csv, write_xlsx
from scoring.models import Period
from scoring.selectors import framework_export_table


class Command(BaseCommand):
    help = "Xuất bộ chỉ số của một năm theo đúng định dạng nhập (CSV hoặc XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", action="append", help="Chỉ xuất khối này (có thể lặp lại); mặc định tất cả.")
        parser.add_argument("-o", "--output", type=Path, help="Tệp kết quả; bỏ trống để in ra màn hình (CSV).")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Mặc định theo đuôi tệp, hoặc csv.")

    def handle(self, *args, year: int, block: list[str] | None, output: Path | None, format: str | None, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        fmt = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        if fmt == "xlsx" and not output:
            raise CommandError("Xuất XLSX cần tên tệp (-o).")
        columns, rows = framework_export_table(period, block_codes=block, numbers=fmt == "xlsx")
        if fmt == "xlsx":
            data = write_xlsx({f"Bộ chỉ số {year}": (columns, rows)})
        else:
            data = write_csv(columns, rows)
        if output:
            output.write_bytes(data)
            self.stderr.write(f"Đã xuất {len(rows)} tiêu chí vào {output}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
