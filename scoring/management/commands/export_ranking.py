from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.exports import ranking_csv, ranking_xlsx
from scoring.models import Period
from scoring.selectors import decision_ranking, ranking_for_period


class Command(BaseCommand):
    help = (
        "Xuất bảng xếp hạng Chỉ số CCHC của một năm: block,rank,unit_code,unit_name,score,max_score,index,"
        "classification,head_rating — mỗi đơn vị được đánh giá một dòng, các khối theo thứ tự khối, các dòng theo thứ hạng. "
        "Trước khi kết quả được phê duyệt, số liệu là tạm tính (từ điểm của giai đoạn gần nhất). "
        "Mọi khối được xếp hạng; với --decision-blocks: chỉ các khối trong quyết định phê duyệt của tỉnh."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2023.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Mặc định theo đuôi tệp -o, nếu không: csv.")
        parser.add_argument("-o", "--output", type=Path, help="Tệp ghi ra (mặc định: in CSV ra màn hình).")
        parser.add_argument(
            "--decision-blocks", action="store_true", help="Chỉ các khối mà quyết định phê duyệt của tỉnh bao gồm (trước 2025: không gồm UBND cấp xã)."
        )

    def handle(self, *args, year: int, format: str | None, output: Path | None, decision_blocks: bool = False, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        fmt = format or (output.suffix.lstrip(".").lower() if output and output.suffix.lower() in (".csv", ".xlsx") else "csv")
        if fmt == "xlsx" and output is None:
            raise CommandError("Tệp XLSX cần tên tệp ghi ra: -o TỆP.xlsx")
        rows = decision_ranking(period) if decision_blocks else ranking_for_period(period)
        data = ranking_xlsx(period, rows) if fmt == "xlsx" else ranking_csv(period, rows)
        if rows and rows[0].provisional:
            # stderr, so that the CSV on stdout stays exactly the table.
            self.stderr.write(f"Lưu ý: kết quả năm {year} chưa được phê duyệt — số liệu tạm tính.")
        if output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        output.write_bytes(data)
        self.stderr.write(f"Đã ghi {len(rows)} đơn vị vào {output}.")
