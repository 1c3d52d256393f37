from django.core.management.base import BaseCommand, CommandError

from scoring.services import ScoringError, describe_settings, period_settings_update

from ._common import actor_option, period_of, resolve_actor, settings_options


class Command(BaseCommand):
    help = (
        "Xem hoặc đổi số chữ số thập phân và cách xếp hạng khi bằng điểm của một kỳ đánh giá, qua cùng dịch vụ với trang sửa "
        "kỳ đánh giá: số chữ số thập phân chỉ đổi khi kỳ ở giai đoạn dự thảo và chưa có điểm; cách xếp hạng đổi được đến khi "
        "kết quả được phê duyệt (không đổi nếu làm thay đổi kết quả Hội đồng đã thông qua). Không có --decimals, --tie-rule: in thiết lập hiện tại."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá, ví dụ 2024.")
        settings_options(parser, when="")
        parser.add_argument(
            "--index-over-100", dest="index_over_100", choices=["yes", "no"],
            help="yes: điểm thưởng được đưa Chỉ số vượt 100%; no: Chỉ số tối đa 100% (mặc định). Đổi được đến khi kết quả được phê duyệt.",
        )
        actor_option(parser)

    def handle(self, *args, year: int, decimals: int | None, tie_rule: str | None, user: str | None, index_over_100: str | None = None, **options):
        period = period_of(year)
        over = None if index_over_100 is None else index_over_100 == "yes"
        if decimals is None and tie_rule is None and over is None:
            self.stdout.write(f"Năm {year}: {describe_settings(period)}.")
            return
        before = describe_settings(period)
        try:
            period = period_settings_update(actor=resolve_actor(user), period=period, decimals=decimals, tie_rule=tie_rule, index_over_100=over)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        after = describe_settings(period)
        if after == before:
            self.stdout.write(f"Năm {year}: không có gì thay đổi ({after}).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Năm {year}: {after} (trước: {before})."))
