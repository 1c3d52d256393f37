from django.core.management.base import BaseCommand, CommandError

from scoring.models import PHASES, Period, Phase
from scoring.selectors.readiness import period_readiness
from scoring.services import ScoringError, period_move

from ._common import actor_option, resolve_actor


class Command(BaseCommand):
    help = (
        "Chuyển giai đoạn của kỳ đánh giá, qua cùng dịch vụ với trang web: tiến lần lượt từng giai đoạn "
        "(in danh sách kiểm tra của mỗi bước; bước còn mục chặn bị từ chối, trừ khi có --force kèm --reason), "
        "hoặc lùi về giai đoạn trước (bắt buộc --reason). Các giai đoạn: " + ", ".join(Phase.values)
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to", dest="to_phase", required=True, choices=Phase.values)
        parser.add_argument("--reason", default="", help="Lý do (bắt buộc khi lùi giai đoạn hoặc khi dùng --force).")
        parser.add_argument(
            "--force", action="store_true", help="Vẫn chuyển dù danh sách kiểm tra còn mục chặn; lý do --reason được ghi vào nhật ký."
        )
        actor_option(parser)

    def handle(self, *args, year: int, to_phase: str, reason: str, force: bool, user: str | None, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        if force and not reason.strip():
            raise CommandError("--force cần --reason: lý do bỏ qua các mục chưa hoàn thành được ghi vào nhật ký.")
        actor = resolve_actor(user)
        before = period.get_phase_display()
        target = Phase(to_phase)
        forward = PHASES.index(target) > period.phase_index
        try:
            if not forward:
                period = period_move(actor=actor, period=period, to_phase=target, reason=reason)
            # Forward one step at a time, each with its checklist printed first.
            while forward and period.phase != target:
                readiness = period_readiness(period)
                if readiness is not None:
                    self._print(readiness)
                period = period_move(
                    actor=actor, period=period, to_phase=period.next_phase, reason=reason, override_reason=reason if force else ""
                )
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Kỳ đánh giá năm {year}: {before} → {period.get_phase_display()}."))

    def _print(self, readiness) -> None:
        out = self.stderr if readiness.blockers or readiness.warnings else self.stdout
        for line in readiness.lines():
            out.write(line)
