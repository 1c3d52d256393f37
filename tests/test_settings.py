import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qw9!zR2@vX5$mN8^pL3&tY6*bH1(cJ4)dF0-gS7+eU9=aK2",
    "ALLOWED_HOSTS": "cchc.hatinh.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://cchc.hatinh.gov.vn",
    "HTTPS": "true",
    "STATIC_MANIFEST": "true",
}


def _manage(*args, env_extra: dict) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never has it.
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_boolean_stops_the_start_and_names_the_variable():
    result = _manage("check", env_extra={"HTTPS": "ture"})
    assert result.returncode != 0
    assert "HTTPS='ture' is not a boolean" in result.stderr


def test_tasks_run_in_process_exactly_when_no_broker_is_configured(settings):
    configured = bool(os.environ.get("CELERY_BROKER_URL"))
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not configured)
    engine = settings.DATABASES["default"]["ENGINE"]
    assert engine.endswith("postgresql") if os.environ.get("DATABASE_URL", "").startswith("postgres") else engine.endswith("sqlite3")


def test_vietnamese_language_time_zone_and_formats(settings):
    import datetime
    from decimal import Decimal

    from django.utils import formats, translation

    assert settings.LANGUAGE_CODE == "vi" and settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2024, 2, 23), "SHORT_DATE_FORMAT") == "23/02/2024"
        assert formats.number_format(Decimal("88.35"), 2) == "88,35"
