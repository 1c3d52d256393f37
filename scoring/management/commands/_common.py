from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def actor_option(parser):
    parser.add_argument("--user", help="Tên đăng nhập của người thực hiện, ghi vào nhật ký (mặc định: hệ thống).")


def resolve_actor(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"Không có người dùng '{username}'.") from None


def period_of(year: int):
    from scoring.models import Period

    period = Period.objects.filter(year=year).first()
    if period is None:
        raise CommandError(f"Không có kỳ đánh giá năm {year}.")
    return period


def settings_options(parser, *, when: str):
    """--decimals and --tie-rule: a period's precision and tie rule (`Period.decimals`, `tie_rule`)."""
    from scoring.models import DECIMAL_CHOICES, Period

    parser.add_argument(
        "--decimals", type=int, choices=[value for value, _ in DECIMAL_CHOICES],
        help=f"Số chữ số thập phân của điểm và Chỉ số (2 hoặc 3, làm tròn lên từ 5){when}.",
    )
    parser.add_argument(
        "--tie-rule", dest="tie_rule", choices=Period.TieRule.values,
        help=f"Cách xếp hạng khi bằng điểm: displayed (đồng hạng khi Chỉ số hiển thị bằng nhau) hoặc exact (theo tỷ lệ điểm chính xác){when}.",
    )


def force_options(parser, what: str):
    parser.add_argument("--force", action="store_true", help=f"Vẫn {what} dù danh sách kiểm tra còn mục chặn; --reason được ghi vào nhật ký.")
    parser.add_argument("--reason", default="", help="Lý do (bắt buộc với --force, và khi lùi giai đoạn).")


def override_reason(force: bool, reason: str) -> str:
    """The reason passed to the service to override a checklist: only with --force, never empty."""
    if force and not reason.strip():
        raise CommandError("--force cần --reason: lý do bỏ qua các mục chưa hoàn thành được ghi vào nhật ký.")
    return reason if force else ""


def print_readiness(command, readiness) -> None:
    """A step's checklist, on stderr when something is open (a script's log keeps it)."""
    if readiness is None:
        return
    out = command.stderr if readiness.blockers or readiness.warnings else command.stdout
    for line in readiness.lines():
        out.write(line)
