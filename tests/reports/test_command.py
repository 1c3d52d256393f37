import pytest
from django.core.management import CommandError, call_command

from reports.models import GeneratedDocument

from .conftest import pdf_text


@pytest.mark.django_db(transaction=True)
def test_the_command_renders_the_notice_in_process_and_writes_the_pdf(concluded_a, tmp_path, capsys):
    target = tmp_path / "thong-bao.pdf"
    call_command("render_document", "notice", "--visit", str(concluded_a.pk), "-o", str(target))
    doc = GeneratedDocument.objects.get()
    assert target.read_bytes().startswith(b"%PDF") and doc.status == "done" and doc.requested_by is None
    assert "Số: 45/TB-ĐKT" in pdf_text(target.read_bytes())
    assert doc.sha256 in capsys.readouterr().out
    # Run again with unchanged data: the same row, the same bytes.
    again = tmp_path / "lan-hai.pdf"
    call_command("render_document", "notice", "--visit", str(concluded_a.pk), "-o", str(again))
    assert again.read_bytes() == target.read_bytes() and GeneratedDocument.objects.count() == 1


@pytest.mark.django_db
def test_the_command_names_the_kinds_it_supports_and_the_options_they_need(visit_a, tmp_path):
    with pytest.raises(CommandError, match="“decision” chưa được hỗ trợ. Các loại hiện có: notice"):
        call_command("render_document", "decision", "-o", str(tmp_path / "qd.pdf"))
    with pytest.raises(CommandError, match="cần tham số --visit"):
        call_command("render_document", "notice", "-o", str(tmp_path / "tb.pdf"))
    with pytest.raises(CommandError, match="Không có cuộc kiểm tra số 999999"):
        call_command("render_document", "notice", "--visit", "999999", "-o", str(tmp_path / "tb.pdf"))
    with pytest.raises(CommandError, match="đã có kết luận"):
        call_command("render_document", "notice", "--visit", str(visit_a.pk), "-o", str(tmp_path / "tb.pdf"))
    assert not (tmp_path / "tb.pdf").exists()
