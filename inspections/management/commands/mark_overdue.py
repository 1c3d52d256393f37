import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections.services import findings_mark_overdue


class Command(BaseCommand):
    help = "Đánh dấu quá hạn các tồn tại, hạn chế đã qua thời hạn khắc phục (như tác vụ chạy hằng ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày xét, dạng yyyy-mm-dd (mặc định: hôm nay).")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Ngày '{date}' không hợp lệ (dạng yyyy-mm-dd).") from None
        marked = findings_mark_overdue(today=today)
        self.stdout.write(self.style.SUCCESS(f"Đã đánh dấu quá hạn {marked} tồn tại, hạn chế (ngày xét {today:%d/%m/%Y})."))
