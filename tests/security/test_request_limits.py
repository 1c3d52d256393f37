"""How much a request may carry: a page that takes evidence takes its files, an import page one
import file, every other page a form's worth. Anything larger is answered 413 before a byte of
the body is read, and the reverse proxy's configuration in docs/operations.md says the same."""

import ast
import inspect
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from cchc.middleware import IMPORT, UPLOAD, request_body_limit

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cchc", "units", "scoring", "inspections", "reports", "audit", "monitoring"]
MB = 1024 * 1024

pytestmark = pytest.mark.django_db


class Body:
    """A request body of `size` bytes that the server must not read: any read fails the test."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def read(self, size=-1):
        if size != 0:
            self.read_bytes += 1
            raise AssertionError("the server read the body")
        return b""

    readline = read


def _post(client, url, length: int, body: Body | None = None, **extra):
    body = body or Body(length)
    response = client.generic(
        "POST", url, CONTENT_TYPE="application/x-www-form-urlencoded", CONTENT_LENGTH=str(length), **{"wsgi.input": body}, **extra
    )
    return response, body


def _patterns(resolver=None, namespace="", converters=()):
    """(URL name, view, names of the URL's arguments) of every URL of the project."""
    for pattern in (resolver or get_resolver()).url_patterns:
        found = (*converters, *pattern.pattern.converters)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _patterns(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""), found)
        elif pattern.name:
            yield namespace + pattern.name, pattern.callback, found


def _sample_url(name: str, converters) -> str:
    kwargs = {key: ("notice" if key == "kind" else "so-nganh" if key in ("block", "field") else 1) for key in converters}
    return reverse(name, kwargs=kwargs)


DECLARED = [(name, view, converters) for name, view, converters in _patterns() if hasattr(view, "accepts_files")]


def test_an_anonymous_gigabyte_post_to_the_sign_in_page_is_refused_unread(client):
    response, body = _post(client, reverse("login"), 2**30)
    assert response.status_code == 413
    assert body.read_bytes == 0
    page = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in page and "không nhận tệp đính kèm" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_form_s_worth_still_reaches_the_sign_in_page(client, unit_a_editor):
    response = client.post(reverse("login"), {"username": "editor_a", "password": "mat-khau-thu-nghiem", "x": "a" * (MB - 1000)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    response, _ = _post(client, reverse("login"), settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert response.status_code == 413


def test_the_pages_that_take_files_are_the_evidence_and_import_pages():
    kinds = {name: view.accepts_files for name, view, _ in DECLARED}
    assert kinds == {
        "units:import": (IMPORT, 1),
        "units:lineage_import": (IMPORT, 1),
        "scoring:framework_import": (IMPORT, 1),
        "scoring:score_import": (IMPORT, 1),
        "scoring:evidence_upload": (UPLOAD, 1),
        "inspections:finding_report": (UPLOAD, 10),
        "inspections:tracker_import": (IMPORT, 1),
        "monitoring:plan_import": (IMPORT, 1),
        "monitoring:task_report": (UPLOAD, 10),
        "monitoring:report_submit": (UPLOAD, 1),
        "monitoring:initiative_register": (UPLOAD, 10),
        "monitoring:initiative_edit": (UPLOAD, 10),
    }


@pytest.mark.parametrize("name, view, converters", DECLARED, ids=[name for name, _, _ in DECLARED])
def test_a_page_that_takes_files_refuses_one_byte_more_than_its_limit_unread(client, name, view, converters):
    kind, files = view.accepts_files
    per_file = settings.UPLOAD_MAX_MB if kind == UPLOAD else settings.IMPORT_MAX_MB
    limit = files * per_file * MB + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert request_body_limit(view) == limit
    url = _sample_url(name, converters)
    refused, body = _post(client, url, limit + 1)
    assert refused.status_code == 413 and body.read_bytes == 0
    assert f"mỗi tệp tối đa {per_file} MB" in refused.content.decode()
    # At the limit the request goes on to the page (which sends a stranger to sign in).
    passed, _ = _post(client, url, limit)
    assert passed.status_code == 302 and passed["Location"].startswith(reverse("login"))


def test_evidence_of_two_megabytes_reaches_the_upload_page_but_not_the_sign_in_page(client_of, unit_a_editor, client):
    from tests.security.conftest import PDF

    from scoring.models import Score

    data = PDF + b"%" * (2 * MB)
    response = client.post(reverse("login"), {"username": "editor_a", "file": SimpleUploadedFile("bao-cao.pdf", data)})
    assert response.status_code == 413
    # No such row: the page itself answers (404), not the size check.
    missing = (Score.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    response = client_of(unit_a_editor).post(reverse("scoring:evidence_upload", args=[missing]), {"file": SimpleUploadedFile("bao-cao.pdf", data)})
    assert response.status_code == 404


def test_a_body_without_content_length_is_not_read_at_all(client, unit_a_editor):
    """Chunked: Django's WSGI request reads no more of a body than Content-Length announces, and
    without one nothing, so such a body is bounded too (at nothing)."""
    body = Body(2**30)
    response = client.generic(
        "POST", reverse("login"), CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": body},
    )
    assert response.status_code == 200  # the sign-in form again, empty
    assert body.read_bytes == 0


def _views_reading_files() -> set[tuple[str, str]]:
    """(module, function) of every function of the apps whose code reads request.FILES."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for function in ast.walk(ast.parse(source)):
                if isinstance(function, ast.FunctionDef) and any(
                    isinstance(node, ast.Attribute) and node.attr == "FILES" and isinstance(node.value, ast.Name) and node.value.id == "request"
                    for node in ast.walk(function)
                ):
                    found.add((module, function.name))
    return found


def test_every_view_that_reads_uploaded_files_declares_its_limit():
    readers = _views_reading_files()
    assert readers, "the scan found no view reading request.FILES"
    declared = {(inspect.unwrap(view).__module__, inspect.unwrap(view).__name__) for _, view, _ in DECLARED}
    undeclared = readers - declared
    assert not undeclared, f"read request.FILES without @accepts_files (their uploads would get the 1 MB of a form): {sorted(undeclared)}"
    stale = declared - readers
    assert not stale, f"declare @accepts_files but read no files: {sorted(stale)}"


def _documented_caps() -> tuple[int, list[tuple[re.Pattern, int]]]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    block = text.split("```nginx", 1)[1].split("```", 1)[0]
    locations = [(re.compile(regex), int(size)) for regex, size in re.findall(r"location ~ (\S+) \{[^}]*?client_max_body_size (\d+)m;", block)]
    outside = re.sub(r"location [^{]*\{[^}]*\}", "", block)
    default = int(re.search(r"client_max_body_size (\d+)m;", outside).group(1))
    return default, locations


def test_the_reverse_proxy_configuration_in_the_docs_has_the_same_caps():
    default, locations = _documented_caps()
    assert default * MB == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for name, view, converters in _patterns():
        url = _sample_url(name, converters)
        documented = next((size for regex, size in locations if regex.search(url)), default)
        assert documented * MB == request_body_limit(view), f"{name} ({url}): nginx {documented}m, app {request_body_limit(view) // MB} MB"
