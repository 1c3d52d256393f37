"""Demo documents: the conclusion notice of the 2023 visit to Vũ Quang, so that the visit page and
the documents list show a finished PDF from the start. Asking again with the same data returns
the same row, so a second seed changes nothing."""

from inspections.models import Visit

from . import services


def seed(stdout) -> None:
    visit = Visit.objects.filter(conclusion__number="45/TB-ĐKT", plan__year=2023).first()
    if visit is None:
        stdout.write("Văn bản: chưa có cuộc kiểm tra mẫu đã kết luận, bỏ qua.")
        return
    doc = services.document_request(actor=None, kind="notice", subject=visit)
    doc.refresh_from_db()
    stdout.write(f"Văn bản: {doc.title} — {doc.get_status_display()}{f', {doc.pages} trang' if doc.pages else ''}.")
