import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.tabular import write_csv, write_xlsx
from units.selectors import units_export_table


def _iso_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày '{text}' không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2026-07-01.") from None


class Command(BaseCommand):
    help = "Xuất danh sách đơn vị theo đúng định dạng nhập (CSV hoặc XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, help="Tệp kết quả; bỏ trống để in ra màn hình (CSV).")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Mặc định theo đuôi tệp, hoặc csv.")
        parser.add_argument("--on", help="Chỉ các đơn vị tồn tại vào ngày này (YYYY-MM-DD).")

    def handle(self, *args, output: Path | None, format: str | None, on: str | None, **options):
        fmt = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        columns, rows = units_export_table(on=_iso_day(on) if on else None)
        data = write_xlsx({"Đơn vị": (columns, rows)}) if fmt == "xlsx" else write_csv(columns, rows)
        if output:
            output.write_bytes(data)
            self.stderr.write(f"Đã xuất {len(rows)} đơn vị vào {output}")
        else:
            sys.stdout.buffer.write(data)
