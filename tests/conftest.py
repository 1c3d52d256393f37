"""Personas and switches shared by every test.

Tests that need PostgreSQL or a real Celery worker are skipped on the embedded default, and fail
instead of skipping when CCHC_REQUIRE_SERVICES=1 (as in CI), so a missing service is never silent.
"""

import os

import pytest
from django.conf import settings

from tests.factories import UnitFactory, make_user
from units import roles

REQUIRE_SERVICES = os.environ.get("CCHC_REQUIRE_SERVICES") == "1"


def require_or_skip(condition: bool, reason: str):
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"Required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


_skipped: list[str] = []


def database_url() -> str:
    """The address of the database this test process uses (its test database, once set up), for
    the servers and workers a test starts in other processes."""
    from django.db import connections

    db = connections["default"].settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or 'x'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.hookimpl(trylast=True)  # after `-m` has deselected
def pytest_collection_modifyitems(config, items):
    # Two pytest-xdist processes would start two Celery workers on one broker, and either could
    # take the other's task (and read the wrong test database); the fault tests stop and start
    # services and time their answers. `make test` runs both kinds apart, in one process.
    if getattr(config, "workerinput", None) is not None:
        serial = [item for item in items if item.get_closest_marker("worker") or item.get_closest_marker("faults")]
        if serial:
            raise pytest.UsageError("tests marked `worker` or `faults` must run without -n: pytest -m 'worker or faults'")


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # In CI every test must run: a skip there means something the product needs was missing.
    if REQUIRE_SERVICES and _skipped and exitstatus == 0:
        session.exitstatus = 1
        print(f"\n{len(_skipped)} test(s) skipped with CCHC_REQUIRE_SERVICES=1: " + ", ".join(_skipped[:10]))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    if request.node.get_closest_marker("worker"):
        require_or_skip(bool(settings.CELERY_BROKER_URL), "needs a Celery broker (set CELERY_BROKER_URL)")


@pytest.fixture
def unit_a(db):
    return UnitFactory(code="UNIT-A", name="Sở Khoa học và Công nghệ thử nghiệm")


@pytest.fixture
def unit_b(db):
    return UnitFactory(code="UNIT-B", name="Sở Ngoại vụ thử nghiệm")


@pytest.fixture
def sonv_staff(db):
    from units.models import Unit

    snv = Unit.objects.filter(code="SNV").first() or UnitFactory(code="SNV", name="Sở Nội vụ")
    return make_user(roles.STAFF, snv, username="sonv_staff", full_name="Cán bộ Sở Nội vụ")


@pytest.fixture
def council_member(db):
    return make_user(roles.COUNCIL, UnitFactory(code="STP-T", name="Sở Tư pháp thử nghiệm"), username="council")


@pytest.fixture
def unit_a_editor(unit_a):
    return make_user(roles.UNIT_EDITOR, unit_a, username="editor_a")


@pytest.fixture
def unit_b_editor(unit_b):
    return make_user(roles.UNIT_EDITOR, unit_b, username="editor_b")


@pytest.fixture
def inspector(db):
    return make_user(roles.INSPECTOR, UnitFactory(code="INSP", name="Đơn vị của thành viên đoàn kiểm tra"), username="inspector")


@pytest.fixture
def leader(db):
    return make_user(roles.LEADER, None, username="leader")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role and no unit."""
    return make_user(None, None, username="outsider")


@pytest.fixture
def client_of(client):
    """client_of(user) → a test client signed in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    """A real Celery worker on the real broker, reading the test database.

    The worker tests run in one pytest process of their own (`make test` runs them after the
    rest), so there is one worker, reading that process's test database. Tests using it must
    use `django_db(transaction=True)` so the worker sees their rows."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connections

    from cchc.celery import app as celery_app

    require_or_skip(bool(settings.CELERY_BROKER_URL), "needs a Celery broker (set CELERY_BROKER_URL)")
    require_or_skip(connections["default"].vendor == "postgresql", "the worker tests share a PostgreSQL test database")

    broker = settings.CELERY_BROKER_URL
    # Messages left by an earlier, interrupted run would be delivered to this worker.
    celery_app.control.purge()
    media = tmp_path_factory.mktemp("worker-media")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(media),
        "CONN_MAX_AGE": "0",
        # Every decision the worker renders is laid out on two processes (forked from the worker).
        "DOCUMENT_PARALLEL_FROM_PIECES": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(tmp_path_factory.mktemp("worker-log") / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cchc", "worker", "-Q", "celery,documents", "--pool", "solo",
         "--loglevel", "info", "--without-gossip", "--without-mingle", "--hostname", f"test-{worker_id}@%h"],
        cwd=Path(__file__).resolve().parents[1], env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited at start; see {log.name}")
        if celery_app.control.ping(timeout=1):
            break
    else:
        process.kill()
        pytest.fail("the Celery worker did not answer within 60 s")
    yield {"process": process, "media_root": media, "broker": broker, "log": log.name}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
