"""Wrong passwords lock a username from one address, never for everyone; the address comes from
X-Forwarded-For only behind a trusted proxy; a username tried from many addresses alerts Sở Nội
vụ instead of locking the account."""

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_user
from units import roles

pytestmark = pytest.mark.django_db

RIGHT, WRONG = "mat-khau-thu-nghiem", "sai-mat-khau"


@pytest.fixture(autouse=True)
def _no_alert_sent_yet():
    cache.clear()


def _sign_in(client, username, password, **address):
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password}, **address)
    return response.status_code


def _from(ip):
    return {"REMOTE_ADDR": ip}


def test_five_wrong_passwords_from_one_machine_do_not_lock_the_owner_out_of_theirs(client, sonv_staff):
    for _ in range(5):
        _sign_in(client, "sonv_staff", WRONG, **_from("203.0.113.9"))
    assert _sign_in(client, "sonv_staff", RIGHT, **_from("203.0.113.9")) == 429
    assert _sign_in(client, "sonv_staff", RIGHT, **_from("10.20.0.15")) == 302


def test_a_colleague_behind_the_same_address_still_signs_in(client, unit_a_editor, unit_b_editor):
    for _ in range(5):
        _sign_in(client, "editor_a", WRONG, **_from("10.20.0.1"))
    assert _sign_in(client, "editor_b", RIGHT, **_from("10.20.0.1")) == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, unit_a_editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        _sign_in(client, "editor_a", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **_from("203.0.113.9"))
    assert _sign_in(client, "editor_a", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.77", **_from("203.0.113.9")) == 429


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended(client, unit_a_editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = _from("127.0.0.1")
    for _ in range(5):
        _sign_in(client, "editor_a", WRONG, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert _sign_in(client, "editor_a", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy) == 429
    # What the client writes in front of the proxy's entry changes nothing.
    assert _sign_in(client, "editor_a", RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7", **proxy) == 429
    # Another client behind the same proxy is not locked.
    assert _sign_in(client, "editor_a", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy) == 302


def test_a_username_tried_from_many_addresses_alerts_sonv_once_and_stays_usable(client, sonv_staff, unit_a_editor, settings, caplog):
    settings.LOGIN_ALERT_FAILURES = 50
    sonv_staff.email = "sonv@hatinh.gov.vn"
    sonv_staff.save()
    make_user(roles.STAFF, sonv_staff.unit, username="sonv_nghi", email="nghi@hatinh.gov.vn", is_active=False)
    make_user(roles.UNIT_EDITOR, unit_a_editor.unit, username="editor_a2", email="dm@hatinh.gov.vn")

    with caplog.at_level(logging.WARNING, logger="cchc.logins"):
        for n in range(49):
            _sign_in(client, "editor_a", WRONG, **_from(f"198.51.100.{n // 5}"))
        assert mail.outbox == []
        _sign_in(client, "editor_a", WRONG, **_from("198.51.100.200"))
        assert len(mail.outbox) == 1
        for n in range(20):
            _sign_in(client, "editor_a", WRONG, **_from(f"192.0.2.{n}"))

    assert len(mail.outbox) == 1  # once per cool-off, however many more
    alert = mail.outbox[0]
    assert alert.to == ["sonv@hatinh.gov.vn"]  # the active Sở Nội vụ staff only
    assert "“editor_a”" in alert.subject and "50 lần" in alert.body and "11 địa chỉ" in alert.body
    warnings = [r for r in caplog.records if r.name == "cchc.logins" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "50 failed sign-ins for username 'editor_a'" in warnings[0].getMessage()
    # The account is not locked: its owner signs in from their own machine.
    assert _sign_in(client, "editor_a", RIGHT, **_from("10.20.0.15")) == 302


def test_a_typed_username_cannot_break_the_alert_s_headers(client, sonv_staff, settings):
    settings.LOGIN_ALERT_FAILURES = 3
    sonv_staff.email = "sonv@hatinh.gov.vn"
    sonv_staff.save()
    for n in range(3):
        _sign_in(client, "admin\r\nBcc: x@example.com", WRONG, **_from(f"198.51.100.{n}"))
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and mail.outbox[0].bcc == []
