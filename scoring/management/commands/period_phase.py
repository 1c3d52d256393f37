from django.core.management.base import BaseCommand, CommandError

from scoring.models import PHASES, Phase
from scoring.selectors.readiness import period_readiness
from scoring.services import ScoringError, period_move

from ._common import actor_option, force_options, override_reason, period_of, print_readiness, resolve_actor


class Command(BaseCommand):
    help = (
        "Chuyển giai đoạn của kỳ đánh giá, qua cùng dịch vụ với trang web: tiến lần lượt từng giai đoạn "
        "(in danh sách kiểm tra của mỗi bước; bước còn mục chặn bị từ chối, trừ khi có --force kèm --reason), "
        "hoặc lùi về giai đoạn trước (bắt buộc --reason). Các giai đoạn: " + ", ".join(Phase.values)
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to", dest="to_phase", required=True, choices=Phase.values)
        force_options(parser, "chuyển")
        actor_option(parser)

    def handle(self, *args, year: int, to_phase: str, reason: str, force: bool, user: str | None, **options):
        period = period_of(year)
        passed = override_reason(force, reason)
        actor = resolve_actor(user)
        before = period.get_phase_display()
        target = Phase(to_phase)
        forward = PHASES.index(target) > period.phase_index
        try:
            if not forward:
                period = period_move(actor=actor, period=period, to_phase=target, reason=reason)
            # Forward one step at a time, each with its checklist printed first.
            while forward and period.phase != target:
                print_readiness(self, period_readiness(period))
                period = period_move(actor=actor, period=period, to_phase=period.next_phase, reason=reason, override_reason=passed)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Kỳ đánh giá năm {year}: {before} → {period.get_phase_display()}."))
