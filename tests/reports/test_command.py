import pytest
from django.core.management import CommandError, call_command

from reports.models import GeneratedDocument

from .builders import approve
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
    with pytest.raises(CommandError, match="“baocao” chưa được hỗ trợ. Các loại hiện có: notice, scorecard, decision"):
        call_command("render_document", "baocao", "-o", str(tmp_path / "bc.pdf"))
    with pytest.raises(CommandError, match="cần tham số --visit"):
        call_command("render_document", "notice", "-o", str(tmp_path / "tb.pdf"))
    with pytest.raises(CommandError, match="Không có cuộc kiểm tra số 999999"):
        call_command("render_document", "notice", "--visit", "999999", "-o", str(tmp_path / "tb.pdf"))
    with pytest.raises(CommandError, match="đã có kết luận"):
        call_command("render_document", "notice", "--visit", str(visit_a.pk), "-o", str(tmp_path / "tb.pdf"))
    assert not (tmp_path / "tb.pdf").exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_writes_the_scorecard_and_the_decision_in_process(scored, tmp_path):
    card = tmp_path / "phieu.pdf"
    call_command("render_document", "scorecard", "--year", "2023", "--unit", "unit-a", "-o", str(card))
    text = pdf_text(card.read_bytes())
    assert "PHIẾU CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023" in text and "Sở Khoa học và Công nghệ thử nghiệm" in text
    approve(scored.period, scored.staff)
    decision = tmp_path / "quyet-dinh.pdf"
    call_command("render_document", "decision", "--year", "2023", "-o", str(decision))
    assert "Số: 519/QĐ-UBND" in pdf_text(decision.read_bytes())
    assert sorted(GeneratedDocument.objects.values_list("kind", "status")) == [("decision", "done"), ("scorecard", "done")]


@pytest.mark.django_db
def test_the_command_says_what_the_scorecard_and_decision_need(scored, tmp_path):
    with pytest.raises(CommandError, match="cần tham số --unit"):
        call_command("render_document", "scorecard", "--year", "2023", "-o", str(tmp_path / "p.pdf"))
    with pytest.raises(CommandError, match="Không có phiếu đánh giá của đơn vị KHONGCO năm 2023"):
        call_command("render_document", "scorecard", "--year", "2023", "--unit", "KHONGCO", "-o", str(tmp_path / "p.pdf"))
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 1999"):
        call_command("render_document", "decision", "--year", "1999", "-o", str(tmp_path / "q.pdf"))
    with pytest.raises(CommandError, match="Hội đồng thẩm định đã thông qua"):
        call_command("render_document", "decision", "--year", "2023", "-o", str(tmp_path / "q.pdf"))
    assert not list(tmp_path.iterdir())
