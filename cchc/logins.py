"""Sign-in protection on top of django-axes (settings: AXES_*, TRUSTED_PROXY_COUNT,
LOGIN_ALERT_FAILURES).

Wrong passwords lock a (username, address) pair, so that nobody can lock another person out
from their own machine. Someone who tries one username from many addresses is not stopped by
that; they are reported instead: past LOGIN_ALERT_FAILURES failures of one username within the
cool-off, Sở Nội vụ gets one e-mail and the log one warning per cool-off. The account itself is
never locked for everyone, since that is exactly what an attacker would want.
"""

import hashlib
import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cache_timeout, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q, Sum
from django.utils import timezone

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The address of the person signing in (AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT proxies that each append the address they were reached from to
    X-Forwarded-For, the client is the entry that many places from the right; whatever the client
    itself wrote stands further left and is never read. With no trusted proxy the header is
    ignored and REMOTE_ADDR is the client."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: a proxy did not append; the farthest one known is still one
    # a proxy wrote, not the client.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class AlertingAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler (it records the failure and locks the pair), then the check
    of the username across all addresses."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials)
        if username:
            alert_if_targeted(request, username)


def alert_if_targeted(request, username: str) -> bool:
    """Warn Sở Nội vụ, once per cool-off, when `username` has failed LOGIN_ALERT_FAILURES times
    within the cool-off from all addresses together. True when an alert went out."""
    limit = settings.LOGIN_ALERT_FAILURES
    if limit <= 0:
        return False
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=get_cool_off_threshold(request))
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if failures < limit:
        return False
    # One alert per cool-off: the key outlives the failures that raised it.
    key = "cchc:login-alert:" + hashlib.sha256(username.encode()).hexdigest()
    if not cache.add(key, timezone.now().isoformat(), timeout=get_cache_timeout(request)):
        return False
    addresses = attempts.order_by().values_list("ip_address", flat=True).distinct()
    count = addresses.count()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    logger.warning(
        "Login alert: %d failed sign-ins for username %r from %d address(es) within %d minutes; account not locked",
        failures, username, count, minutes,
    )
    _mail_staff(username=username, failures=failures, count=count, addresses=list(addresses[:10]), minutes=minutes)
    return True


def _staff_addresses() -> list[str]:
    from units import roles

    users = get_user_model().objects.filter(Q(groups__name=roles.STAFF) | Q(is_superuser=True), is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _mail_staff(*, username: str, failures: int, count: int, addresses: list, minutes: int) -> None:
    recipients = _staff_addresses()
    # The username is whatever was typed: no line breaks into the subject, no novel into the body.
    username = "".join(ch for ch in username if ch.isprintable())[:60]
    if not recipients:
        logger.warning("Login alert for %r: no active Sở Nội vụ user has an e-mail address", username)
        return
    shown = ", ".join(a or "không rõ" for a in addresses) + (", …" if count > len(addresses) else "")
    body = (
        f"Trong {minutes} phút qua, tài khoản “{username}” bị nhập sai mật khẩu {failures} lần "
        f"từ {count} địa chỉ: {shown}.\n\n"
        f"Tài khoản không bị khóa với mọi người: mỗi địa chỉ chỉ bị khóa riêng sau "
        f"{settings.AXES_FAILURE_LIMIT} lần sai, nên người dùng thật vẫn đăng nhập được từ máy của mình.\n\n"
        "Nếu đây không phải do người dùng nhập nhầm, có thể có người đang dò mật khẩu: xem nhật ký "
        "đăng nhập trong trang quản trị (Axes › Access attempts), báo bộ phận quản trị mạng chặn các "
        "địa chỉ trên và đề nghị chủ tài khoản đổi mật khẩu.\n\n"
        f"Thư này gửi tối đa một lần mỗi {minutes} phút cho một tài khoản."
    )
    try:
        send_mail(f"[CCHC] Cảnh báo: nhiều lần đăng nhập sai vào tài khoản “{username}”", body, None, recipients)
    except Exception:
        # The warning above is in the log; the sign-in page answers as usual.
        logger.exception("Login alert for %r could not be e-mailed", username)
