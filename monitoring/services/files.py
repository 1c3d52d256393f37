"""Storing the files units hand in (evidence of a task, a periodic report, an initiative's
documents): checked by content (cchc.uploads), stored under a random name, always served as a
download by a view that checks the reader's scope."""

from django.core.exceptions import ValidationError

from cchc.uploads import clean_filename, content_type_of, validate_upload

from .errors import MonitoringError

MAX_FILES = 10


def check_files(files) -> list[str]:
    """The kind of each upload; refuses the lot on the first file that is not acceptable."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise MonitoringError(f"Gửi tối đa {MAX_FILES} tệp mỗi lần.")
    kinds = []
    for upload in files:
        try:
            kinds.append(validate_upload(upload))
        except ValidationError as exc:
            raise MonitoringError(" ".join(exc.messages)) from None
    return kinds


def store_files(model, files, kinds, *, actor, **parent) -> list:
    """Save each upload (checked by `check_files`) as a `model` row (a StoredFile) under `parent`,
    e.g. report=report.

    A service calls it last, once every check has passed: the rows roll back with a failed
    transaction, the files on disk would not, so the only failure left to clean up after is the
    storing itself."""
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    stored = []
    try:
        for upload, kind in zip(files, kinds):
            row = model(
                original_name=clean_filename(upload.name),
                size=upload.size,
                content_type=content_type_of(kind),
                uploaded_by=uploader,
                **parent,
            )
            row.file.save(upload.name, upload, save=False)
            stored.append(row)
            row.save()
    except Exception:
        for row in stored:
            row.file.delete(save=False)
        raise
    return stored
