import datetime

from django.core.management.base import BaseCommand, CommandError

from scoring.selectors.readiness import approval_readiness
from scoring.services import ScoringError, approval_record

from ._common import actor_option, force_options, override_reason, period_of, print_readiness, resolve_actor


def parse_day(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày '{text}' không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")


class Command(BaseCommand):
    help = (
        "Ghi nhận Hội đồng thẩm định thông qua kết quả (giai đoạn hoàn thiện kết quả), qua cùng dịch vụ với trang xếp hạng: "
        "in danh sách kiểm tra, từ chối khi còn mục chặn trừ khi có --force kèm --reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--date", required=True, help="Ngày Hội đồng thông qua, dd/mm/yyyy.")
        parser.add_argument("--minutes", required=True, help="Biên bản họp, ví dụ: Biên bản họp số 05/BB-HĐTĐ ngày 20/02/2024.")
        force_options(parser, "ghi nhận")
        actor_option(parser)

    def handle(self, *args, year: int, date: str, minutes: str, force: bool, reason: str, user: str | None, **options):
        period = period_of(year)
        passed = override_reason(force, reason)
        print_readiness(self, approval_readiness(period))
        try:
            approval = approval_record(
                actor=resolve_actor(user), period=period, council_approved_on=parse_day(date), minutes_ref=minutes, override_reason=passed
            )
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Năm {year}: Hội đồng thẩm định thông qua kết quả ngày {approval.council_approved_on:%d/%m/%Y} ({len(approval.snapshot)} đơn vị)."
        ))
