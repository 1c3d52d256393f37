import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test itself
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(autouse=True)
def _chromium_present():
    require_or_skip(Path(CHROMIUM).exists() or shutil.which("chromium") is not None, f"needs Debian's chromium at {CHROMIUM}")


@pytest.fixture
def screenshot(page, request):
    """screenshot("step") keeps a full-page PNG per step under test-artifacts/screenshots/."""

    def take(step: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}--{step}.png", full_page=True)

    return take


@pytest.fixture
def login(page, live_server):
    def as_user(username: str, password: str = "mat-khau-thu-nghiem"):
        # Leave the previous page first: a request of its still in flight (an htmx poll) could
        # otherwise answer after the login form was loaded and set a new CSRF cookie under it.
        page.goto("about:blank")
        page.goto(f"{live_server.url}/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")

    return as_user


@pytest.fixture(autouse=True)
def _rows_of_data_migrations(request):
    """A transactional test empties every table when it ends, the blocks and roles made by the
    data migration included; the next browser test in the same process needs them back."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from importlib import import_module

    from django.apps import apps

    import_module("units.migrations.0002_blocks_and_roles").create(apps, None)
