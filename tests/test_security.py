import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, unit_a_editor):
    for _ in range(5):
        client.post(reverse("login"), {"username": "editor_a", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "editor_a", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_after_a_few_typos_signs_in(client, unit_a_editor):
    for _ in range(2):
        client.post(reverse("login"), {"username": "editor_a", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "editor_a", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(unit_a_editor.pk)


def test_sessions_end_with_the_browser_and_after_a_working_day(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
