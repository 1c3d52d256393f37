import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.uploads import EvidencePath, attachment_response, clean_filename, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first))
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}, stored_first="mimetype")
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"}, stored_first="mimetype")


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("Báo cáo khắc phục.pdf", PDF, "pdf"),
        ("anh-chup.PNG", PNG, "png"),
        ("anh.jpeg", JPEG, "jpeg"),
        ("anh.jpg", JPEG, "jpeg"),
        ("so-do.gif", b"GIF89a" + b"\x00" * 20, "gif"),
        ("ke-hoach.docx", DOCX, "docx"),
        ("so-lieu.xlsx", XLSX, "xlsx"),
        ("van-ban.odt", ODT, "odt"),
        ("bang.ods", ODS, "ods"),
    ],
)
def test_accepted_types_are_recognised_by_their_content(name, content, kind):
    assert validate_upload(SimpleUploadedFile(name, content)) == kind


def test_an_executable_renamed_to_pdf_is_refused():
    upload = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120)
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload)
    assert "không đúng định dạng" in refused.value.messages[0] and "bao-cao.pdf" in refused.value.messages[0]


@pytest.mark.parametrize(
    "name, content",
    [
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("trang.pdf", b"<html><script>alert(1)</script></html>"),
        ("nen.zip", _zip({"a.txt": b"x"})),
        ("gia-docx.docx", _zip({"a.txt": b"x"})),
        ("hong.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_other_content_is_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile(name, content))


def test_the_extension_must_agree_with_the_content():
    with pytest.raises(ValidationError, match="không khớp"):
        validate_upload(SimpleUploadedFile("anh.pdf", PNG))
    with pytest.raises(ValidationError, match="không khớp"):
        validate_upload(SimpleUploadedFile("bang.docx", XLSX))


def test_the_size_limit_comes_from_settings_and_empty_files_are_refused(settings):
    settings.UPLOAD_MAX_MB = 1
    validate_upload(SimpleUploadedFile("nho.pdf", PDF + b"0" * 1000))
    with pytest.raises(ValidationError, match="lớn hơn 1 MB"):
        validate_upload(SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024)))
    with pytest.raises(ValidationError, match="rỗng"):
        validate_upload(SimpleUploadedFile("rong.pdf", b""))


def test_the_file_is_left_ready_to_be_read_from_the_start():
    upload = SimpleUploadedFile("bao-cao.docx", DOCX)
    validate_upload(upload)
    assert upload.read() == DOCX


def test_stored_names_are_random_under_the_app_and_year_and_keep_a_safe_extension():
    path = EvidencePath("inspections")
    first, second = path(None, "Báo cáo.PDF"), path(None, "Báo cáo.PDF")
    assert first != second and first.startswith("evidence/inspections/") and first.endswith(".pdf")
    assert "Báo" not in first and "." not in path(None, "x.exe").rsplit("/", 1)[1]
    assert EvidencePath("inspections") == EvidencePath("inspections") != EvidencePath("scoring")


def test_original_names_lose_folders_and_control_characters():
    assert clean_filename("C:\\Users\\a\\Báo cáo\u0000.pdf") == "Báo cáo.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("") == "tep"


def test_files_are_served_as_attachments_that_the_browser_must_not_sniff(tmp_path, settings):
    from django.core.files.storage import default_storage
    from django.db import models
    from django.db.models.fields.files import FieldFile

    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("evidence/test/x.pdf", io.BytesIO(PDF))
    field_file = FieldFile(None, models.FileField(storage=default_storage), name)
    response = attachment_response(field_file, filename="Báo cáo.pdf", content_type="application/pdf")
    assert response["Content-Disposition"].startswith("attachment;") and "filename*=utf-8''B%C3%A1o" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
