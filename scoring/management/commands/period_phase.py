from django.core.management.base import BaseCommand, CommandError

from scoring.models import Period, Phase
from scoring.services import ScoringError, period_move

from ._common import actor_option, resolve_actor


class Command(BaseCommand):
    help = (
        "Chuyển giai đoạn của kỳ đánh giá, qua cùng dịch vụ với trang web: tiến lần lượt từng giai đoạn, "
        "hoặc lùi về giai đoạn trước (bắt buộc --reason). Các giai đoạn: " + ", ".join(Phase.values)
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to", dest="to_phase", required=True, choices=Phase.values)
        parser.add_argument("--reason", default="", help="Lý do (bắt buộc khi lùi giai đoạn).")
        actor_option(parser)

    def handle(self, *args, year: int, to_phase: str, reason: str, user: str | None, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        before = period.get_phase_display()
        try:
            period = period_move(actor=resolve_actor(user), period=period, to_phase=to_phase, reason=reason)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Kỳ đánh giá năm {year}: {before} → {period.get_phase_display()}."))
