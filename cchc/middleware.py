from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve

from .uploads import max_import_bytes, max_upload_bytes

# The kinds of file a view may take, each with its own size (see `accepts_files`).
UPLOAD = "upload"  # evidence: UPLOAD_MAX_MB per file
IMPORT = "import"  # one CSV/XLSX file of an import page: IMPORT_MAX_MB


def accepts_files(kind: str, *, files: int = 1):
    """Declare that a view reads `request.FILES`: up to `files` files of `kind` (UPLOAD or IMPORT).

    This is the only place a request may be larger than DATA_UPLOAD_MAX_MEMORY_SIZE; the
    middleware below reads the declaration through `resolve()` before anything reads the body."""
    if kind not in (UPLOAD, IMPORT):
        raise ValueError(f"unknown kind of file: {kind!r}")

    def declare(view):
        view.accepts_files = (kind, files)
        return view

    return declare


def _declared(view) -> tuple[str | None, int]:
    return getattr(view, "accepts_files", (None, 0))


def request_body_limit(view) -> int:
    """The bytes a request to `view` may carry: its files, and what any form may carry besides."""
    form = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    kind, files = _declared(view)
    if kind == UPLOAD:
        return files * max_upload_bytes() + form
    if kind == IMPORT:
        return files * max_import_bytes() + form
    return form


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over its page's limit, before anything
    (the CSRF check, the sign-in form) reads the body: an anonymous client could otherwise make
    the server take in a gigabyte and spool it to disk.

    A request without Content-Length (chunked) is read by Django's WSGI handler as having no
    body at all, so it cannot carry more than this either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty, too
        # Below the smallest limit there is nothing to look up.
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            try:
                view = resolve(request.path_info).func
            except Resolver404:
                view = None
            if length > request_body_limit(view):
                return too_large(request, view)
        return self.get_response(request)


def too_large(request, view):
    """The 413 page. It is answered before the middlewares that add the site's headers, so it
    sets the policy itself."""
    megabyte = 1024 * 1024
    kind, files = _declared(view)
    context = {
        "file_mb": {UPLOAD: max_upload_bytes(), IMPORT: max_import_bytes()}.get(kind, 0) // megabyte,
        "files": files,
        "form_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    }
    response = render(request, "413.html", context, status=413)
    response["Content-Security-Policy"] = content_security_policy()
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def content_security_policy() -> str:
    return "; ".join(f"{name} {value}" for name, value in settings.CONTENT_SECURITY_POLICY.items())


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy that allows only the app's own files.

    Scripts run only from our vendored static files (no inline script, no eval), so a stored
    `<script>` that slipped past escaping still cannot run. Style attributes stay allowed:
    Bootstrap's progress bars and Chart.js set widths through them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
