from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from cchc.tabular import ImportRejected, read_table
from scoring.models import Phase, Score
from scoring.services import SCORE_COLUMNS, SCORE_REQUIRED, scores_import

from .conftest import fill_self, move, row

pytestmark = pytest.mark.django_db

HEADER = "unit_code,criterion_code,score,note\n"


def table(text):
    return read_table((HEADER + text).encode("utf-8"), "diem.csv", SCORE_COLUMNS, required=SCORE_REQUIRED)


def run(cycle, text, stage="survey"):
    return scores_import(table=table(text), period=cycle.period, stage=stage, actor=cycle.staff, source="diem.csv")


def test_survey_scores_write_the_appraised_and_final_scores_and_are_audited(cycle):
    move(cycle.period, Phase.APPRAISAL)
    result = run(cycle, "UNIT-A,8.1,\"10,5\",SIPAS 2024\nUNIT-A,8.2,5.25,\nUNIT-B,8.1,12,\n")
    assert result.rows == 3 and result.changed == 3
    score = row(cycle.a, "8.1")
    assert score.appraised_score == score.final_score == Decimal("10.5") and score.version == 2
    event = AuditEvent.objects.get(action="score.import", target_id=str(score.pk))
    assert event.actor == cycle.staff and event.changes["final_score"] == [None, "10,5"] and "dòng 2" in event.reason
    assert run(cycle, "UNIT-A,8.1,10.5,SIPAS 2024\n").changed == 0


def test_one_bad_row_writes_nothing_and_every_error_names_its_row(cycle):
    move(cycle.period, Phase.APPRAISAL)
    text = (
        "UNIT-A,8.1,10,\n"  # row 2: fine
        "NOPE,8.1,10,\n"  # row 3: unknown unit
        "UNIT-A,99.9,1,\n"  # row 4: unknown criterion
        "UNIT-A,8.2,7,\n"  # row 5: over the max of 6
        "UNIT-A,8,10,\n"  # row 6: not a leaf
        "UNIT-A,1.1.1,1,\n"  # row 7: not a survey leaf
        "UNIT-A,8.1,9,\n"  # row 8: duplicate of row 2
        "UNIT-B,8.3,NA,\n"  # row 9: NA not allowed
        "UNIT-B,8.4,,\n"  # row 10: no score
    )
    with pytest.raises(ImportRejected) as caught:
        run(cycle, text)
    errors = {e.row: e for e in caught.value.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Không có đơn vị mã 'NOPE'" in errors[3].message
    assert "không có tiêu chí '99.9'" in errors[4].message
    assert "vượt điểm tối đa 6" in errors[5].message
    assert "có tiêu chí con" in errors[6].message
    assert "không nhập ở giai đoạn điều tra xã hội học" in errors[7].message
    assert "dòng 2" in errors[8].message
    assert "không được đánh dấu “không áp dụng”" in errors[9].message and errors[10].column == "score"
    assert not Score.objects.filter(appraised_score__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="score.import").exists()


def test_a_stage_that_is_not_open_is_refused(cycle):
    with pytest.raises(ImportRejected, match="đang ở giai đoạn Tự đánh giá"):
        run(cycle, "UNIT-A,8.1,10,\n")
    with pytest.raises(ImportRejected, match="Chưa thể nhập điểm thẩm định"):
        run(cycle, "UNIT-A,2.3,3,\n", stage="appraisal")


def test_appraisal_scores_below_the_self_score_need_a_reason_in_the_note(cycle):
    fill_self(cycle.a)
    move(cycle.period, Phase.APPRAISAL)
    with pytest.raises(ImportRejected) as caught:
        run(cycle, "UNIT-A,2.3,\"1,5\",\n", stage="appraisal")
    assert caught.value.errors[0].row == 2 and caught.value.errors[0].column == "note"
    run(cycle, "UNIT-A,2.3,1.5,Thiếu báo cáo\nUNIT-A,1.3.1,NA,Đơn vị không có đơn vị trực thuộc\n", stage="appraisal")
    assert row(cycle.a, "2.3").appraisal_reason == "Thiếu báo cáo" and row(cycle.a, "2.3").appraised_at
    assert row(cycle.a, "1.3.1").not_applicable


def test_self_scores_of_an_earlier_year_are_migrated_in_the_self_assessment_phase(cycle):
    result = run(cycle, "UNIT-A,1.1.1,\"0,5\",Theo Excel 2024\nUNIT-A,1.3.1,na,\n", stage="self")
    assert result.changed == 2 and row(cycle.a, "1.1.1").self_score == Decimal("0.5") and row(cycle.a, "1.3.1").not_applicable


def test_a_unit_without_an_assessment_in_the_period_is_named(cycle):
    from tests.factories import UnitFactory

    UnitFactory(code="UNIT-C")
    with pytest.raises(ImportRejected, match="Đơn vị 'UNIT-C' không có phiếu đánh giá trong kỳ đánh giá năm 2024"):
        run(cycle, "UNIT-C,1.1.1,1,\n", stage="self")


def test_the_command_imports_a_file_and_reports_errors_without_writing(cycle, tmp_path):
    move(cycle.period, Phase.APPRAISAL)
    good = tmp_path / "dieu-tra.csv"
    good.write_text(HEADER + "UNIT-A,8.1,11,\n", encoding="utf-8")
    call_command("import_scores", str(good), "--year", "2024", "--stage", "survey")
    assert row(cycle.a, "8.1").final_score == 11
    bad = tmp_path / "sai.csv"
    bad.write_text(HEADER + "UNIT-A,8.1,12,\nUNIT-A,8.2,60,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_scores", str(bad), "--year", "2024", "--stage", "survey")
    assert row(cycle.a, "8.1").final_score == 11


def test_the_upload_page_imports_for_staff_and_lists_errors(cycle, client_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    move(cycle.period, Phase.APPRAISAL)
    client = client_of(cycle.staff)
    url = reverse("scoring:score_import", args=[2024])
    bad = SimpleUploadedFile("diem.csv", (HEADER + "UNIT-A,8.1,10,\nUNIT-A,8.1,11,\n").encode())
    response = client.post(url, {"stage": "survey", "file": bad})
    assert response.status_code == 400 and "Tệp chưa được nhập" in response.content.decode() and "dòng 2" in response.content.decode()
    assert row(cycle.a, "8.1").final_score is None
    good = SimpleUploadedFile("diem.csv", (HEADER + "UNIT-A,8.1,10,\n").encode())
    response = client.post(url, {"stage": "survey", "file": good})
    assert response.status_code == 302 and row(cycle.a, "8.1").final_score == 10
    assert client_of(cycle.member).get(url).status_code == 403
