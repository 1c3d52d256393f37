"""Evidence files that units upload (remediation reports, self-assessment evidence).

Files are checked by what they contain, not by their name: a renamed executable must not be
stored as "bao-cao.pdf" and later handed to a reviewer. They are stored under a random name and
served only by views that check the reader's scope, always as a download.

Every file the app hands out (evidence, documents, exports) is named by `content_disposition`,
so that no name (a block code from the query string, a file's original name) can split or forge
a response header.
"""

import os
import posixpath
import unicodedata
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

# kind → (accepted extensions, content type served)
KINDS = {
    "pdf": ((".pdf",), "application/pdf"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "gif": ((".gif",), "image/gif"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": ((".odt",), "application/vnd.oasis.opendocument.text"),
    "ods": ((".ods",), "application/vnd.oasis.opendocument.spreadsheet"),
}
ACCEPTED_EXTENSIONS = sorted({ext for exts, _ in KINDS.values() for ext in exts})
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_EXTENSIONS)  # for <input type=file accept=...>
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
REFUSED = (
    "Tệp “{name}” không đúng định dạng được chấp nhận. Chỉ nhận PDF, ảnh (PNG, JPEG, GIF), "
    "Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods)."
)


def max_upload_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_MB", 20) * 1024 * 1024


def max_import_bytes() -> int:
    """The size of one CSV/XLSX file an import page takes."""
    return getattr(settings, "IMPORT_MAX_MB", 10) * 1024 * 1024


def _detect_zip_kind(uploaded_file) -> str | None:
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
            # ODF requires "mimetype" to be the first entry, stored uncompressed; reading a few
            # bytes of it costs nothing even for a crafted archive.
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as member:
                    return ODF_MIMETYPES.get(member.read(100).strip())
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def detect_kind(uploaded_file) -> str | None:
    """The file's type from its first bytes (and, for Office/ODF, its zip directory)."""
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        kind = "gif"
    elif head.startswith(b"PK\x03\x04"):
        kind = _detect_zip_kind(uploaded_file)
    uploaded_file.seek(0)
    return kind


def validate_upload(uploaded_file) -> str:
    """Check size and type of an uploaded file; return its kind ("pdf", "docx", ...).

    Raises ValidationError with a Vietnamese message, so it also serves as a form validator."""
    name = clean_filename(getattr(uploaded_file, "name", "") or "")
    limit_mb = getattr(settings, "UPLOAD_MAX_MB", 20)
    if not uploaded_file.size:
        raise ValidationError(f"Tệp “{name}” rỗng.", code="empty")
    if uploaded_file.size > max_upload_bytes():
        raise ValidationError(f"Tệp “{name}” lớn hơn {limit_mb} MB.", code="too_large")
    kind = detect_kind(uploaded_file)
    if kind is None:
        raise ValidationError(REFUSED.format(name=name), code="type")
    extension = os.path.splitext(name)[1].lower()
    if extension not in KINDS[kind][0]:
        raise ValidationError(
            f"Tên tệp “{name}” không khớp với nội dung (nội dung là tệp {kind.upper()}). Hãy đặt lại đuôi tệp cho đúng.",
            code="extension",
        )
    return kind


def content_type_of(kind: str) -> str:
    return KINDS[kind][1]


def clean_filename(name: str) -> str:
    """The name to show and to offer on download: no folders, no control characters, NFC."""
    name = posixpath.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or "tep"


@deconstructible
class EvidencePath:
    """upload_to for evidence: evidence/<app>/<yyyy>/<random><ext>. The random name keeps one unit
    from guessing another's file and keeps Vietnamese names out of the file system."""

    def __init__(self, app: str):
        self.app = app

    def __call__(self, instance, filename: str) -> str:
        extension = os.path.splitext(filename)[1].lower()
        if extension not in ACCEPTED_EXTENSIONS:
            extension = ""
        return f"evidence/{self.app}/{timezone.localdate():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, EvidencePath) and other.app == self.app


def content_disposition(name: str) -> str:
    """The Content-Disposition of a download called `name`: control characters (a newline would
    end the header) dropped, quotes escaped, a Vietnamese name sent as RFC 6266 `filename*`."""
    return content_disposition_header(True, clean_filename(name))


def download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A file made for this request (an export) as a download."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def attachment_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Serve a stored evidence file as a download, never rendered inline by the browser."""
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
