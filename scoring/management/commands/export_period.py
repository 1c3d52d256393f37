from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.services.archive import ArchiveError, period_export, read_manifest
from scoring.models import Period


class Command(BaseCommand):
    help = (
        "Xuất toàn bộ dữ liệu của một kỳ đánh giá thành một tệp ZIP: bộ chỉ số, phiếu đánh giá, điểm, "
        "tài liệu kiểm chứng (kèm tệp), phân công, xung đột lợi ích, phê duyệt, nhật ký thay đổi, thông tin "
        "văn bản đã tạo (không kèm PDF), cùng danh mục đơn vị, khối, người dùng liên quan. "
        "Nhập lại bằng import_period vào một cơ sở dữ liệu chưa có năm đó."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2024.")
        parser.add_argument("-o", "--output", type=Path, required=True, help="Tệp ZIP ghi ra.")

    def handle(self, *args, year: int, output: Path, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        try:
            data = period_export(period)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        # Written beside the target and renamed, so a failed run never leaves a truncated archive
        # under the name a later restore would trust.
        partial = output.with_name(output.name + ".part")
        partial.write_bytes(data)
        partial.replace(output)
        manifest, _ = read_manifest(data)
        counts = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi kỳ đánh giá năm {year} vào {output} ({len(data):,} byte): "
                f"{counts['scoring.assessment']} phiếu, {counts['scoring.score']} dòng điểm, "
                f"{manifest['evidence_files']} tệp kiểm chứng, {counts['audit.auditevent']} sự kiện nhật ký."
            )
        )
