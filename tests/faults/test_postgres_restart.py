"""PostgreSQL restarted under a running web server: error pages while it is down, never a hang,
and the same server process serves again once it is back (CONN_HEALTH_CHECKS)."""

import pytest

from .conftest import Browser, WebServer, app_env, manage

pytestmark = pytest.mark.faults

PASSWORD = "khoi-phuc-sau-su-co-2024"


@pytest.fixture(scope="module")
def web(postgres_cluster, tmp_path_factory):
    """The app on its own cluster, with one administrator, for the tests of this module.
    CONN_MAX_AGE stays at the production default: the server keeps its database connection
    between requests, the connection that a restart of PostgreSQL kills."""
    folder = tmp_path_factory.mktemp("postgres-restart")
    env = app_env(DATABASE_URL=postgres_cluster.url, CELERY_BROKER_URL="", MEDIA_ROOT=str(folder / "media"))
    manage(env, "shell", "-c", (
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        f"from units.models import User; User.objects.create_superuser('quantri', 'quantri@example.org', '{PASSWORD}')"
    ))
    server = WebServer(env, folder)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def signed_in(postgres_cluster, web):
    if not postgres_cluster.running():
        postgres_cluster.start()  # a test that failed midway left it stopped
    browser = Browser(web.url)
    assert browser.log_in("quantri", PASSWORD).status == 302
    assert browser.get("/").status == 200
    return browser


def test_after_a_postgresql_restart_between_two_requests_the_next_one_succeeds(postgres_cluster, web, signed_in):
    serving = web.worker_pid()
    postgres_cluster.stop()
    postgres_cluster.start()

    # The connection the server kept is dead; the health check finds it so before the request
    # uses it, and connects again, instead of answering this request with an error.
    home = signed_in.get("/")
    assert home.status == 200, f"{home.status}; see {web.log}"
    assert web.worker_pid() == serving, "gunicorn replaced its worker process"


def test_while_postgresql_is_down_pages_fail_at_once_and_the_same_server_serves_again_when_it_is_back(postgres_cluster, web, signed_in):
    serving = web.worker_pid()
    postgres_cluster.stop()

    # The session lives in the database, so even the home page needs it.
    for attempt in (1, 2):
        page = signed_in.get("/")
        assert page.status == 500 and "Hệ thống đang gặp sự cố" in page.body, f"attempt {attempt}: {page.status}"
        assert page.seconds < 5, f"attempt {attempt} took {page.seconds:.1f} s"
    login = Browser(web.url)
    login.get("/dang-nhap/")
    refused = login.post("/dang-nhap/", {"username": "quantri", "password": PASSWORD})
    assert refused.status == 500 and refused.seconds < 5
    assert "OperationalError" in web.log_text(), "the error pages should come from the lost database"

    postgres_cluster.start()

    # The session made before the outage is still valid: nothing was lost or half-written.
    home = signed_in.get("/")
    assert home.status == 200, f"{home.status}; see {web.log}"
    assert Browser(web.url).log_in("quantri", PASSWORD).status == 302
    assert web.worker_pid() == serving, "gunicorn replaced its worker process"
