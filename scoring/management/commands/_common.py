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
