from django.core.management.base import BaseCommand, CommandError

from scoring.selectors import approval_for_period
from scoring.services import ScoringError, approval_set_decision

from ._common import actor_option, period_of, resolve_actor
from .record_council_approval import parse_day


class Command(BaseCommand):
    help = "Nhập quyết định phê duyệt của UBND tỉnh cho kết quả Hội đồng đã thông qua, qua cùng dịch vụ với trang xếp hạng."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--number", required=True, help="Số quyết định, ví dụ 519/QĐ-UBND.")
        parser.add_argument("--date", required=True, help="Ngày quyết định, dd/mm/yyyy.")
        parser.add_argument("--signer", required=True, help="Họ tên người ký.")
        parser.add_argument("--signer-title", dest="signer_title", required=True, help="Chức vụ người ký, ví dụ: Phó Chủ tịch.")
        actor_option(parser)

    def handle(self, *args, year: int, number: str, date: str, signer: str, signer_title: str, user: str | None, **options):
        period = period_of(year)
        approval = approval_for_period(period)
        if approval is None:
            raise CommandError(f"Hội đồng thẩm định chưa thông qua kết quả năm {year} (xem record_council_approval).")
        actor = resolve_actor(user)
        try:
            approval_set_decision(
                actor=actor, approval=approval, decision_number=number, decision_date=parse_day(date), signer_name=signer, signer_title=signer_title
            )
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Năm {year}: quyết định số {number} ngày {parse_day(date):%d/%m/%Y}, người ký {signer}."))
