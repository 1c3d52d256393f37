import shutil
import time

from django.core.management.base import BaseCommand, CommandError

from reports.models import GeneratedDocument
from reports.registry import KINDS, spec_for
from reports.services import DocumentError, document_request
from reports.tasks import render_document_task


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


class Command(BaseCommand):
    help = (
        "Tạo một văn bản PDF như khi bấm nút trên giao diện (qua hàng đợi Celery nếu có broker, "
        "nếu không thì tạo ngay trong tiến trình) và ghi ra tệp. Ví dụ: render_document notice --visit 12 -o tb.pdf"
    )

    def add_arguments(self, parser):
        kinds = "; ".join(f"{kind} ({spec.label})" for kind, spec in KINDS.items())
        parser.add_argument("kind", help=f"loại văn bản: {kinds}")
        parser.add_argument("-o", "--output", required=True, help="đường dẫn tệp PDF sẽ ghi")
        parser.add_argument("--timeout", type=int, default=300, help="số giây chờ tạo xong khi chạy qua hàng đợi (mặc định 300)")
        # Each kind brings its own options (--visit, later --year/--unit); kinds sharing a flag share its meaning.
        users: dict[str, list[str]] = {}
        options = {}
        for kind, spec in KINDS.items():
            for option in spec.cli_options:
                users.setdefault(option.flag, []).append(kind)
                options.setdefault(option.flag, option)
        for flag, option in options.items():
            parser.add_argument(flag, type=option.type, help=f"{option.help} — dùng cho: {', '.join(users[flag])}")

    def handle(self, *args, kind, output, timeout, **options):
        spec = spec_for(kind)
        if spec is None:
            supported = ", ".join(KINDS)
            raise CommandError(f"Loại văn bản “{kind}” chưa được hỗ trợ. Các loại hiện có: {supported}.")
        missing = [o.flag for o in spec.cli_options if options.get(_dest(o.flag)) is None]
        if missing:
            raise CommandError(f"Văn bản {kind} cần tham số {', '.join(missing)}.")
        try:
            subject = spec.subject_from_cli({_dest(o.flag): options[_dest(o.flag)] for o in spec.cli_options})
            document = document_request(actor=None, kind=kind, subject=subject)
        except DocumentError as exc:
            raise CommandError(str(exc)) from None
        if not render_document_task.app.conf.task_always_eager:
            self.stdout.write(f"Đã đưa vào hàng đợi “documents”: văn bản #{document.pk}; đang chờ worker tạo…")
        document = self._wait(document, timeout)
        with document.file.open("rb") as source, open(output, "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi {output}: {document.title} — {document.pages} trang, {document.size} byte, SHA-256 {document.sha256}."
            )
        )

    def _wait(self, document: GeneratedDocument, timeout: int) -> GeneratedDocument:
        deadline = time.monotonic() + timeout
        while True:
            document.refresh_from_db()
            if document.status == GeneratedDocument.Status.DONE:
                return document
            if document.status == GeneratedDocument.Status.FAILED:
                raise CommandError(f"Không tạo được văn bản #{document.pk}: {document.error}")
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Văn bản #{document.pk} chưa tạo xong sau {timeout} giây (trạng thái: {document.get_status_display()}). "
                    "Kiểm tra worker Celery của hàng đợi “documents”."
                )
            time.sleep(0.5)
