"""The ranking export (CSV, XLSX, command) and the score matrix, on a hand-built data set loaded
with the documented import commands — as the results are verified."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from scoring.exports import RANKING_COLUMNS, ranking_xlsx, score_matrix_xlsx
from scoring.models import Period

pytestmark = pytest.mark.django_db

UNITS = """code,name,block,parent_code,head_name,head_title
S-D,Sở D,so-nganh,,,
S-C,Sở C,so-nganh,,,
S-B,Sở B,so-nganh,,Trần Thị B,Giám đốc
S-A,"Sở A, thử nghiệm",so-nganh,,Nguyễn Văn A,Giám đốc
C-1,Cục 1,co-quan-tw,,,
C-2,Cục 2,co-quan-tw,,,
"""

# Sở: 1.2 may be not applicable, 2.1 is a deduction. Cơ quan TW: one 3-point leaf (thirds).
FRAMEWORK = """block,code,title,max_score,kind,rule,guidance,evidence_required,na_allowed
so-nganh,1,Chỉ đạo điều hành,10,,,,,
so-nganh,1.1,Kế hoạch,6,,,,no,no
so-nganh,1.2,Kiểm tra,4,,,,no,yes
so-nganh,2,Điểm trừ,0,,,,,
so-nganh,2.1,Chậm báo cáo,2,deduction,,,no,no
co-quan-tw,1,Chỉ đạo điều hành,3,,,,,
co-quan-tw,1.1,Kế hoạch,3,,,,no,no
"""

# S-B (NA on 1.2, 0,5 deducted: 4.5 of 6) and S-C (7.5 of 10) tie at 75.00; S-D's deduction
# exceeds its points (floor at 0). C-1: 2.65 of 3 = 88.333… → 88.33; C-2: 2.66 → 88.666… → 88.67.
SCORES = """unit_code,criterion_code,score,note
S-A,1.1,6,
S-A,1.2,4,
S-A,2.1,0,
S-B,1.1,5,
S-B,1.2,NA,
S-B,2.1,"0,5",
S-C,1.1,6,
S-C,1.2,1.5,
S-C,2.1,0,
S-D,1.1,1,
S-D,1.2,0,
S-D,2.1,2,
C-1,1.1,2.65,
C-2,1.1,2.66,
"""

EXPECTED = """block,rank,unit_code,unit_name,score,max_score,index,classification,head_rating
so-nganh,1,S-A,"Sở A, thử nghiệm",10.00,10.00,100.00,Xuất sắc,Hoàn thành xuất sắc nhiệm vụ
so-nganh,2,S-B,Sở B,4.50,6.00,75.00,Khá,Hoàn thành nhiệm vụ
so-nganh,2,S-C,Sở C,7.50,10.00,75.00,Khá,Hoàn thành nhiệm vụ
so-nganh,4,S-D,Sở D,0.00,10.00,0.00,Yếu,Không hoàn thành nhiệm vụ
co-quan-tw,1,C-2,Cục 2,2.66,3.00,88.67,Tốt,Hoàn thành tốt nhiệm vụ
co-quan-tw,2,C-1,Cục 1,2.65,3.00,88.33,Tốt,Hoàn thành tốt nhiệm vụ
"""


@pytest.fixture
def loaded(tmp_path):
    """The documented sequence: units, framework, phases up to finalisation, final scores."""
    files = {name: tmp_path / name for name in ("units.csv", "framework.csv", "scores.csv")}
    for (name, path), text in zip(files.items(), (UNITS, FRAMEWORK, SCORES)):
        path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_units", str(files["units.csv"]), stdout=out)
    call_command("import_framework", str(files["framework.csv"]), "--year", "2024", stdout=out)
    call_command("period_phase", "--year", "2024", "--to", "finalization", stdout=out)
    call_command("import_scores", str(files["scores.csv"]), "--year", "2024", "--stage", "final", stdout=out)
    return Period.objects.get(year=2024)


def test_export_ranking_gives_exactly_the_expected_rows_after_the_documented_imports(loaded, capsys):
    call_command("export_ranking", "--year", "2024")
    captured = capsys.readouterr()
    assert captured.out == EXPECTED
    assert "tạm tính" in captured.err


def test_export_ranking_writes_csv_and_xlsx_files(loaded, tmp_path):
    call_command("export_ranking", "--year", "2024", "-o", str(tmp_path / "r.csv"))
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == EXPECTED
    call_command("export_ranking", "--year", "2024", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    sheet = load_workbook(tmp_path / "r.xlsx").active
    # The nine columns, then the penalties in a column of their own (the period has deduction rows).
    assert [c.value for c in sheet[1]] == RANKING_COLUMNS + ["deducted"]
    assert [c.value for c in sheet[3]] == ["so-nganh", 2, "S-B", "Sở B", 4.5, 6, 75, "Khá", "Hoàn thành nhiệm vụ", 0.5]


def test_xlsx_numbers_are_numbers_shown_with_two_decimals(loaded):
    sheet = load_workbook(io.BytesIO(ranking_xlsx(loaded))).active
    row = sheet[6]  # C-2
    assert isinstance(row[1].value, int)
    for cell in row[4:7]:
        assert cell.data_type == "n" and isinstance(cell.value, (int, float)) and cell.number_format == "0.00"
    assert row[6].value == pytest.approx(88.67)


def test_the_score_matrix_has_one_sheet_per_block_units_in_rank_order_and_kad_for_not_applicable(loaded):
    book = load_workbook(io.BytesIO(score_matrix_xlsx(loaded)))
    assert book.sheetnames == ["so-nganh", "co-quan-tw"]
    sheet = book["so-nganh"]
    assert [c.value for c in sheet[1]] == ["rank", "unit_code", "unit_name", "1.1", "1.2", "2.1 (trừ)", "score", "max_score", "index", "classification"]
    assert [c.value for c in sheet[2]][2:6] == ["Điểm tối đa", 6, 4, 2]
    assert [c.value for c in sheet[4]] == [2, "S-B", "Sở B", 5, "KAD", 0.5, 4.5, 6, 75, "Khá"]
    assert [c.value for c in sheet[6]][:6] == [4, "S-D", "Sở D", 1, 0, 2]
    assert sheet["D4"].number_format == "0.00" and sheet["I4"].number_format == "0.00"  # shown as 5,00 and 75,00
    assert sheet["A1"].font.bold and sheet["C2"].font.bold and not sheet["C4"].font.bold
    assert sheet.freeze_panes == "D3"


def test_export_ranking_refuses_an_unknown_year(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 2030"):
        call_command("export_ranking", "--year", "2030")


def test_downloads_follow_the_ranking_pages_visibility(loaded, client_of, sonv_staff, council_member, leader):
    from django.urls import reverse

    url = reverse("scoring:results_export", args=[2024])
    response = client_of(council_member).get(url + "?format=csv")
    assert response.status_code == 200 and response.content.decode("utf-8") == EXPECTED
    assert client_of(leader).get(url).status_code == 403
    matrix = client_of(sonv_staff).get(reverse("scoring:results_matrix", args=[2024]))
    assert matrix.status_code == 200 and matrix["Content-Disposition"].endswith('.xlsx"')


def test_a_unit_name_like_a_formula_is_text_in_the_ranking_and_the_score_matrix(loaded):
    from scoring.exports import ranking_csv
    from units.models import Unit

    name = '=HYPERLINK("http://x","Sở A")'
    Unit.objects.filter(code="S-A").update(name=name)
    assert 'so-nganh,1,S-A,"\'=HYPERLINK(""http://x"",""Sở A"")",10.00,10.00,100.00,' in ranking_csv(loaded).decode()
    ranking = load_workbook(io.BytesIO(ranking_xlsx(loaded))).active
    assert (ranking["D2"].value, ranking["D2"].data_type, ranking["E2"].data_type) == (name, "s", "n")
    matrix = load_workbook(io.BytesIO(score_matrix_xlsx(loaded)))["so-nganh"]
    assert (matrix["C3"].value, matrix["C3"].data_type, matrix["D3"].data_type) == (name, "s", "n")
