"""The pieces of a deployment, each in a process of its own, for the fault tests to break: a
throwaway PostgreSQL cluster, a throwaway Redis, the web app on gunicorn and Celery workers.

Nothing here touches the machine's shared PostgreSQL or Redis: a test that stops a service stops
one it started, on a free port of its own. The tests that need rows (documents) use this
process's PostgreSQL test database, committed (`django_db(transaction=True)`), so that the web
server and the workers see them."""

import glob
import http.cookiejar
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
from kombu import Connection

from tests.conftest import database_url, require_or_skip
from tests.inspections.conftest import plan, team_1, team_2, visit_a  # noqa: F401  (fixtures)
from tests.reports.conftest import commune, concluded_a  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float, interval: float = 0.1, what: str):
    """The first truthy value of `check()` within `timeout` seconds, else the test fails."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def broker(url: str) -> Connection:
    """A connection to this broker. Celery takes CELERY_BROKER_URL from the environment over the
    broker it is given, and this process's environment names the broker of the other tests."""
    return Connection(url)


class Process:
    """A child process whose output goes to a log file the failure messages point at."""

    def __init__(self, name: str, argv: list[str], *, env: dict | None = None, log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self):
        handle = open(self.log, "a")
        self.popen = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT)
        handle.close()
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def expect_running(self):
        if not self.running():
            pytest.fail(f"{self.name} exited (code {self.popen.returncode}); see {self.log}")

    def kill(self):
        """SIGKILL: no clean-up, no acknowledgement, as when the machine or the OOM killer does it."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self):
        if not self.running():
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


# --- PostgreSQL -------------------------------------------------------------------------------


def _postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: [int(n) for n in Path(p).parts[-3].split(".") if n.isdigit()])
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PostgresCluster:
    """A cluster of its own in a temporary folder, on a free port, with trust authentication.

    PostgreSQL refuses to run as root; as root (CI) its commands run as the `postgres` account."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="cchc-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as = []
        if os.geteuid() == 0:
            os.chown(self.root, pwd.getpwnam("postgres").pw_uid, -1)
            self._as = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str):
        subprocess.run([*self._as, str(self.bindir / argv[0]), *argv[1:]], check=True, capture_output=True, timeout=60)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync")
        return self

    def start(self):
        # fsync off: this cluster holds nothing worth keeping, and the test waits for its start-ups.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def stop(self, mode: str = "fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def remove(self):
        if self.running():
            try:
                self.stop("immediate")
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_cluster():
    """One per test module: setting a cluster up and migrating it takes seconds."""
    bindir = _postgres_bindir()
    require_or_skip(bindir is not None, "needs the PostgreSQL server programs (initdb, pg_ctl)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            require_or_skip(False, "PostgreSQL will not run as root, and there is no `postgres` account")
    cluster = PostgresCluster(bindir)
    try:
        cluster.init().start()
        yield cluster
    finally:
        cluster.remove()


# --- Redis ------------------------------------------------------------------------------------


class RedisServer(Process):
    """A Redis of its own that keeps nothing on disk, as the machine's: a restart empties it."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        super().__init__("redis", argv, log_dir=log_dir)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        super().start()
        wait_until(lambda: _port_open(self.port) or self.expect_running(), timeout=10, what="Redis to listen")
        return self

    def pause(self):
        """Still accepting connections, never answering: a hung server, or a network that drops packets."""
        self.popen.send_signal(signal.SIGSTOP)

    def resume(self):
        self.popen.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path):
    require_or_skip(shutil.which("redis-server") is not None, "needs redis-server")
    server = RedisServer(tmp_path).start()
    yield server
    if server.running():
        server.resume()  # a stopped process ignores SIGTERM until it is continued
    server.stop()


# --- The application ----------------------------------------------------------------------------


def app_env(**values: str) -> dict:
    """The environment of a deployment: this one's, without what the test run itself set for its
    own process, plus `values`."""
    env = {key: value for key, value in os.environ.items() if key not in {"CONN_MAX_AGE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}}
    return {**env, "PYTHONUNBUFFERED": "1", **values}


def manage(env: dict, *args: str):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


class WebServer(Process):
    """The app on gunicorn as the Dockerfile runs it, with one worker process so that every
    request goes through the same process and the same database connection."""

    def __init__(self, env: dict, log_dir: Path):
        self.port = free_port()
        argv = [sys.executable, "-m", "gunicorn", "cchc.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", "1", "--timeout", "30", "--graceful-timeout", "5", "--access-logfile", "-"]
        super().__init__("web", argv, env=env, log_dir=log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        super().start()
        wait_until(lambda: _port_open(self.port) or self.expect_running(), timeout=30, what=f"gunicorn to listen; see {self.log}")
        wait_until(self.worker_pid, timeout=30, what="gunicorn's worker process")
        return self

    def worker_pid(self) -> int | None:
        """The process that serves the requests (gunicorn's master would replace a dead one)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return int(children[0]) if len(children) == 1 else None


class CeleryWorker(Process):
    """A worker as `docker-compose.yml` runs one, on both queues; solo, so that killing the
    process kills the task it is running."""

    def __init__(self, name: str, env: dict, log_dir: Path):
        argv = [sys.executable, "-m", "celery", "-A", "cchc", "worker", "-Q", "celery,documents", "--pool", "solo",
                "--loglevel", "info", "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname", f"{name}@%h"]
        super().__init__(name, argv, env=env, log_dir=log_dir)

    def start(self):
        super().start()
        wait_until(lambda: " ready." in self.log_text() or self.expect_running(), timeout=60, what=f"{self.name} to start; see {self.log}")
        return self


@pytest.fixture
def processes():
    """The processes a test starts, stopped at its end (those it killed are already gone)."""
    started: list[Process] = []
    yield started
    for process in reversed(started):
        process.stop()


class Deployment:
    """A web server and workers on this process's test database and a Redis of the test's own,
    sharing the test's media folder."""

    def __init__(self, redis: RedisServer, env: dict, log_dir: Path, processes: list[Process]):
        self.redis, self.env, self.log_dir, self.processes = redis, env, log_dir, processes

    def _start(self, process):
        self.processes.append(process)  # before start(): one that fails to start is stopped all the same
        return process.start()

    def web(self) -> WebServer:
        return self._start(WebServer(self.env, self.log_dir))

    def worker(self, name: str, **extra_env: str) -> CeleryWorker:
        return self._start(CeleryWorker(name, {**self.env, **extra_env}, self.log_dir))


@pytest.fixture
def deployment(redis_server, settings, tmp_path, processes):
    env = app_env(DATABASE_URL=database_url(), CELERY_BROKER_URL=redis_server.url, MEDIA_ROOT=str(settings.MEDIA_ROOT))
    return Deployment(redis_server, env, tmp_path, processes)


@pytest.fixture(autouse=True)
def _rows_of_data_migrations(request):
    """An earlier transactional test emptied the tables, the blocks and roles of the data migration included."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.apps import apps

    import_module("units.migrations.0002_blocks_and_roles").create(apps, None)


# --- A browser without a browser ------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: str
    headers: dict
    seconds: float


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, the CSRF token and a timeout, over plain HTTP: what a user's browser sends."""

    def __init__(self, base_url: str, *, timeout: float = 15):
        self.base_url, self.timeout = base_url, timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())

    def signed_in_as(self, user) -> "Browser":
        """The session of `user`, made in the database as a login would (no password needed)."""
        from django.test import Client

        client = Client()
        client.force_login(user)
        morsel = client.cookies["sessionid"]
        host = urllib.parse.urlsplit(self.base_url).hostname
        self.cookies.set_cookie(http.cookiejar.Cookie(
            0, "sessionid", morsel.value, None, False, host, False, False, "/", True, False, None, False, None, None, {},
        ))
        return self

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def get(self, path: str) -> Response:
        return self._send("GET", path, None, {})

    def post(self, path: str, data: dict | None = None, *, htmx: bool = False) -> Response:
        token = self.cookie("csrftoken") or ""
        fields = {"csrfmiddlewaretoken": token, **(data or {})}
        headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if htmx else {})}
        return self._send("POST", path, urllib.parse.urlencode(fields).encode(), headers)

    def log_in(self, username: str, password: str) -> Response:
        self.get("/dang-nhap/")
        return self.post("/dang-nhap/", {"username": username, "password": password})

    def _send(self, method, path, data, headers) -> Response:
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                status, body, answer_headers = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            status, body, answer_headers = error.code, error.read(), dict(error.headers)
        except (TimeoutError, urllib.error.URLError) as error:
            pytest.fail(f"{method} {path}: no answer after {time.monotonic() - started:.1f} s ({error})")
        return Response(status, body.decode("utf-8", errors="replace"), answer_headers, time.monotonic() - started)
