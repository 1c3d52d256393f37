import time
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from cchc.tabular import ImportRejected, write_xlsx
from scoring.models import Criterion, Framework, Period, Phase
from scoring.selectors import FRAMEWORK_COLUMNS, criteria_tree_for_framework
from scoring.services import FrameworkLocked, framework_import

from .conftest import HEADER, generated_csv, import_text, sample_text, table_of

pytestmark = pytest.mark.django_db


def _errors(text: str, year: int = 2024):
    with pytest.raises(ImportRejected) as caught:
        import_text(text, year=year)
    return caught.value.errors


def _nothing_written():
    return not Period.objects.exists() and not Criterion.objects.exists()


def test_the_sample_framework_imports_into_a_new_draft_period_with_a_total_of_100():
    result = import_text(sample_text())
    period = Period.objects.get(year=2024)
    assert result.period_created and period.phase == Phase.DRAFT
    framework = Framework.objects.get(period=period, block__code="so-nganh")
    tree = criteria_tree_for_framework(framework)
    assert tree.total == Decimal("100") and tree.is_consistent
    assert len(tree.rows) == 58 and [r.code for r in tree.roots] == [str(i) for i in range(1, 10)]
    node = Criterion.objects.get(framework=framework, code="1.2.1")
    assert node.parent.code == "1.2" and node.rule == "1.5=Đầy đủ, đúng hạn; 0.75=Đầy đủ nhưng có báo cáo chậm; 0=Thiếu báo cáo"
    assert node.evidence_required and not node.na_allowed
    assert "100 điểm" in str(result)
    assert AuditEvent.objects.filter(action="framework.import").count() == 1


def test_the_deduction_field_counts_outside_the_hundred():
    import_text(sample_text())
    tree = criteria_tree_for_framework(Framework.objects.get())
    assert tree.deduction_total == Decimal("5")
    assert Criterion.objects.get(code="9").max_score == 0


def test_a_remediation_criterion_is_recognised_by_its_title():
    import_text(sample_text())
    assert list(Criterion.objects.filter(is_remediation=True).values_list("code", flat=True)) == ["1.6"]


def test_a_child_max_changed_is_refused_naming_that_row_and_nothing_is_written():
    lines = sample_text().splitlines()
    assert lines[3].startswith("so-nganh,1.1.1,")  # row 4 of the file
    lines[3] = lines[3].replace("tỉnh,1,,", "tỉnh,1.5,,").replace('"1=Đầy đủ', '"1.5=Đầy đủ')
    errors = _errors("\n".join(lines) + "\n")
    assert {(e.row, e.column) for e in errors} >= {(4, "max_score"), (3, "max_score")}
    parent = next(e for e in errors if e.row == 3)
    assert "1.1 là 2" in parent.message and "1.1.1: 1,5" in parent.message and "2,5" in parent.message
    assert "Dòng 4, cột max_score" in "\n".join(str(e) for e in errors)
    assert _nothing_written()


def test_a_duplicate_code_is_refused():
    text = HEADER + "so-nganh,1,Lĩnh vực,1,,,,,\nso-nganh,1.1,A,1,,,,,\nso-nganh,1.1,B,1,,,,,\n"
    errors = _errors(text)
    assert any(e.row == 4 and e.column == "code" and "trùng với dòng 3" in e.message for e in errors)
    assert _nothing_written()


def test_a_missing_parent_is_refused():
    errors = _errors(HEADER + "so-nganh,1,Lĩnh vực,1,,,,,\nso-nganh,1.1,A,1,,,,,\nso-nganh,2.1,B,1,,,,,\n")
    assert [(e.row, e.column) for e in errors] == [(4, "code")]
    assert "'2'" in errors[0].message


def test_a_bad_number_is_refused():
    errors = _errors(HEADER + "so-nganh,1,Lĩnh vực,một,,,,,\nso-nganh,1.1,A,0.125,,,,,\n")
    assert [(e.row, e.column) for e in errors] == [(2, "max_score"), (3, "max_score")]


def test_a_bad_rule_is_refused():
    errors = _errors(HEADER + 'so-nganh,1,Lĩnh vực,1,,"1 Đầy đủ",,,\nso-nganh,2,Lĩnh vực,1,,"2=Vượt; 0=Không",,,\n')
    assert [(e.row, e.column) for e in errors] == [(2, "rule"), (3, "rule")]
    assert "vượt điểm tối đa" in errors[1].message


def test_unknown_block_kind_and_boolean_are_refused_together():
    errors = _errors(HEADER + "khoi-la,1,A,1,,,,,\nso-nganh,1,B,1,tudanhgia,,,maybe,\n")
    assert [(e.row, e.column) for e in errors] == [(2, "block"), (3, "kind"), (3, "evidence_required")]


def test_a_decimal_comma_is_accepted_in_max_score():
    import_text(HEADER + 'so-nganh,1,Lĩnh vực,"1,5",,,,,\nso-nganh,1.1,A,"0,5",,,,,\nso-nganh,1.2,B,1,,,,,\n')
    assert Criterion.objects.get(code="1.1").max_score == Decimal("0.5")


def test_importing_into_a_period_past_draft_is_refused_and_changes_nothing():
    period = import_text(sample_text()).period
    Period.objects.filter(pk=period.pk).update(phase=Phase.SELF_ASSESSMENT)
    before = list(Criterion.objects.values_list("code", "max_score"))
    with pytest.raises(FrameworkLocked, match="đã qua giai đoạn dự thảo"):
        import_text(generated_csv(2, 2, 1))
    assert list(Criterion.objects.values_list("code", "max_score")) == before


def test_a_reimport_replaces_the_blocks_framework_and_leaves_other_blocks_alone():
    import_text(sample_text())
    import_text(generated_csv(2, 2, 2, block="ubnd-xa"))
    import_text(generated_csv(1, 1, 2))
    assert Criterion.objects.filter(framework__block__code="so-nganh").count() == 4
    assert Criterion.objects.filter(framework__block__code="ubnd-xa").count() == 14
    assert Framework.objects.count() == 2


def test_one_file_may_hold_several_blocks():
    text = generated_csv(1, 1, 1) + generated_csv(1, 2, 1, block="co-quan-tw").split("\n", 1)[1]
    result = import_text(text)
    assert [(count, total) for _, count, total in result.frameworks] == [(3, Decimal("1")), (5, Decimal("2"))]


def test_an_xlsx_file_imports_like_the_csv():
    rows = [line.split(",") for line in generated_csv(2, 2, 1).replace('"1=Đạt; 0,5=Đạt một phần; 0=Không đạt"', "1=Đạt").splitlines()[1:]]
    for row in rows:
        row[3] = float(row[3])
    data = write_xlsx({"Bộ chỉ số": (FRAMEWORK_COLUMNS, rows)})
    framework_import(table=table_of(data, "bo-chi-so.xlsx"), year=2025, actor=None)
    assert Criterion.objects.filter(framework__period__year=2025).count() == 10


def test_a_framework_of_a_hundred_sub_criteria_imports_well_under_a_second():
    text = generated_csv(10, 5, 2)  # 10 fields, 50 criteria, 100 sub-criteria
    start = time.perf_counter()
    result = import_text(text)
    elapsed = time.perf_counter() - start
    assert result.frameworks[0][1:] == (160, Decimal("100"))
    assert elapsed < 2, f"import took {elapsed:.2f}s"
