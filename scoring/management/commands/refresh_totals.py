from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from scoring.models import Period
from scoring.services import assessment_totals_refresh


class Command(BaseCommand):
    help = (
        "Tính lại điểm tổng, điểm tối đa và chỉ số lưu trên từng phiếu đánh giá từ các dòng điểm. "
        "Ứng dụng tự làm việc này sau mỗi lần ghi điểm; lệnh dành cho khi điểm bị sửa trực tiếp trong cơ sở dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Chỉ năm này (mặc định: mọi kỳ đánh giá).")

    def handle(self, *args, year: int | None, **options):
        periods = Period.objects.order_by("year")
        if year is not None:
            periods = periods.filter(year=year)
            if not periods.exists():
                raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        for period in periods:
            with transaction.atomic():
                changed = assessment_totals_refresh(period=period)
            self.stdout.write(f"Năm {period.year}: {changed} phiếu đánh giá có điểm tổng được cập nhật.")
