from django.core.management.base import BaseCommand, CommandError

from scoring.models import Period
from scoring.services import ScoringError, period_clone

from ._common import actor_option, resolve_actor


class Command(BaseCommand):
    help = "Tạo kỳ đánh giá mới (dự thảo) với bản sao bộ chỉ số của mọi khối đang sử dụng từ một năm trước."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=int, required=True, help="Năm được sao chép.")
        parser.add_argument("--to", dest="target", type=int, required=True, help="Năm đánh giá mới.")
        parser.add_argument("--title", default="")
        actor_option(parser)

    def handle(self, *args, source: int, target: int, title: str, user: str | None, **options):
        period = Period.objects.filter(year=source).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {source}.")
        try:
            new = period_clone(actor=resolve_actor(user), source=period, year=target, title=title)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {new} ({new.frameworks.count()} bộ chỉ số) từ năm {source}."))
