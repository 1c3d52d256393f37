"""What every import command does with its file: read it (bounded, CSV or XLSX), hand the table to
the app's import service, and print each refused row in Vietnamese on stderr, writing nothing."""

from pathlib import Path

from django.core.management.base import CommandError

from cchc.errors import DomainError
from cchc.tabular import ImportRejected, read_table


def import_file(command, file: Path, columns: list[str], service, *, required=None, nothing: str = "dữ liệu"):
    """`service(table)`'s result; CommandError for a missing file, a refused file (its rows
    listed first) or any other refusal of the service."""
    if not file.is_file():
        raise CommandError(f"Không tìm thấy tệp {file}")
    try:
        return service(read_table(file.read_bytes(), file.name, columns, required=required))
    except ImportRejected as exc:
        for error in exc.errors:
            command.stderr.write(str(error))
        raise CommandError(f"Tệp {file.name} có {len(exc.errors)} lỗi; không có {nothing} nào được ghi.") from None
    except DomainError as exc:
        raise CommandError(str(exc)) from None
