from django.core.management.base import BaseCommand, CommandError

from bench.seed import SeedRefused, clean as clean_bench, seed


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu benchmark ở quy mô lớn (đơn vị mã BENCH-…, kỳ đánh giá [BENCH] …): N đơn vị, bộ chỉ số M tiêu chí "
        "thành phần cho mỗi khối và năm, Y năm (các năm trước đã phê duyệt, năm cuối đang hoàn thiện kết quả). "
        "Xóa dữ liệu benchmark cũ trước khi tạo; --clean chỉ xóa. Xem bench/README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=250)
        parser.add_argument("--criteria", type=int, default=100, help="số tiêu chí thành phần (lá) của mỗi bộ chỉ số")
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--last-year", type=int, default=None, help="năm của kỳ đang hoàn thiện (mặc định: năm ngoái)")
        parser.add_argument("--force", action="store_true", help="chạy cả khi cơ sở dữ liệu có dữ liệu thật")
        parser.add_argument("--clean", action="store_true", help="chỉ xóa dữ liệu benchmark")

    def handle(self, *args, units, criteria, years, last_year, force, clean: bool, **options):
        if clean:
            clean_bench(self.stdout)
            return
        try:
            done = seed(units=units, criteria=criteria, years=years, last_year=last_year, force=force, stdout=self.stdout)
        except SeedRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong trong {done.seconds:.1f} s: {done.units} đơn vị, {len(done.periods)} kỳ, {done.scores} dòng điểm."
            )
        )
