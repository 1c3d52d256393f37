"""A period's tie rule (issue #18, part 2): "displayed" (units whose index shows the same share a
rank — today's rule) or "exact" (the exact score/max ratio ranks, a shared rank only for exactly
equal ratios); the settings on the command line, the period's form and page; and the README's
pipeline of commands reproducing a small published-style result with 3 decimals and the exact
rule. Every expected figure is worked out here, by hand or with fractions."""

import datetime
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from cchc.tabular import read_table
from reports.registry import KINDS
from scoring.models import Approval, Assessment, Criterion, Period, Phase
from scoring.selectors import block_leader, past_results, ranked_position, ranking_for_period, ranking_row
from scoring.services import (
    SCORE_COLUMNS,
    SCORE_REQUIRED,
    ScoringError,
    approval_record,
    framework_import,
    period_advance,
    period_settings_update,
    scores_import,
)
from tests.factories import BlockFactory, UnitFactory, make_user, roles

from .conftest import HEADER, approve, move, table_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sonv_staff(db):
    """Sở Nội vụ's staff without a unit here: the staff's unit would be on the test years' roster."""
    return make_user(roles.STAFF, None, username="sonv_staff")

# 1000 points in two halves, each of which a unit may have as not applicable.
FRAMEWORK = HEADER + """khoi-xep-hang,1,Chỉ đạo điều hành,1000,,,,,
khoi-xep-hang,1.1,Kế hoạch,500,,,,no,yes
khoi-xep-hang,1.2,Kiểm tra,500,,,,no,yes
"""
# U-B 900,24 and U-C 900,16 of 1000 both show 90,02 % (90,024 and 90,016); U-D 450,12 of 500
# (1.2 not applicable) is exactly U-B's ratio, 0,90024; U-E has nothing applicable (max 0).
SCORES = {
    "U-A": ("500", "500"),
    "U-B": ("450.24", "450"),
    "U-C": ("450.16", "450"),
    "U-D": ("450.12", "NA"),
    "U-E": ("NA", "NA"),
}


def ranked_year(tie_rule: str | None, codes: list[str], *, decimals: int | None = None, year: int = 2024) -> Period:
    """A year of the test block with the given units, scored as SCORES say, in finalisation."""
    block = BlockFactory(code="khoi-xep-hang", name="Khối thử xếp hạng", order=90)
    for code in codes:
        UnitFactory(code=code, name=f"Đơn vị {code}", block=block)
    period = framework_import(table=table_of(FRAMEWORK), year=year, actor=None, decimals=decimals, tie_rule=tie_rule).period
    period = move(period_advance(actor=None, period=period), Phase.FINALIZATION)
    lines = "".join(f"{code},1.1,{SCORES[code][0]},\n{code},1.2,{SCORES[code][1]},\n" for code in codes)
    table = read_table(("unit_code,criterion_code,score,note\n" + lines).encode(), "diem.csv", SCORE_COLUMNS, required=SCORE_REQUIRED)
    scores_import(table=table, period=period, stage="final", actor=None)
    return Period.objects.get(pk=period.pk)


def places(period: Period) -> list[tuple[str, int, str]]:
    return [(r.unit.code, r.rank, f"{r.index}") for r in ranking_for_period(period)]


def exact_ratio(code: str) -> Fraction:
    applicable = [Fraction(v) for v in SCORES[code] if v != "NA"]
    return sum(applicable, Fraction(0)) / (500 * len(applicable)) if applicable else Fraction(0)


# --- Ranking ------------------------------------------------------------------------------------------


def test_under_the_exact_rule_two_units_shown_at_90_02_rank_second_and_third_by_their_exact_ratios(db):
    period = ranked_year("exact", ["U-A", "U-B", "U-C"])
    assert exact_ratio("U-B") == Fraction(90024, 100000) > exact_ratio("U-C") == Fraction(90016, 100000)
    assert places(period) == [("U-A", 1, "100.00"), ("U-B", 2, "90.02"), ("U-C", 3, "90.02")]


def test_under_the_displayed_rule_the_same_units_share_the_second_rank_as_today(db):
    period = ranked_year(None, ["U-A", "U-B", "U-C"])
    assert period.tie_rule == Period.TieRule.DISPLAYED
    assert places(period) == [("U-A", 1, "100.00"), ("U-B", 2, "90.02"), ("U-C", 2, "90.02")]


def test_under_the_exact_rule_exactly_equal_ratios_share_a_rank_whatever_their_maxima(db):
    period = ranked_year("exact", ["U-A", "U-B", "U-C", "U-D"])
    # 900,24 / 1000 = 450,12 / 500: the same ratio with two different maxima.
    assert exact_ratio("U-B") == exact_ratio("U-D")
    assert places(period) == [("U-A", 1, "100.00"), ("U-B", 2, "90.02"), ("U-D", 2, "90.02"), ("U-C", 4, "90.02")]
    keys = dict(Assessment.objects.filter(period=period).values_list("unit__code", "total_ratio"))
    assert keys["U-B"] == keys["U-D"] > keys["U-C"]


def test_a_unit_with_no_maximum_ranks_last_under_either_rule(db):
    period = ranked_year("exact", ["U-A", "U-C", "U-E"])
    assert places(period) == [("U-A", 1, "100.00"), ("U-C", 2, "90.02"), ("U-E", 3, "0.00")]
    period_settings_update(actor=None, period=period, tie_rule="displayed")
    assert places(Period.objects.get(pk=period.pk)) == [("U-A", 1, "100.00"), ("U-C", 2, "90.02"), ("U-E", 3, "0.00")]


def test_one_units_row_its_past_results_the_leader_and_find_a_unit_follow_the_tie_rule(db):
    period = ranked_year("exact", ["U-A", "U-B", "U-C", "U-D"])
    block = BlockFactory(code="khoi-xep-hang")
    c = Assessment.objects.select_related("period", "framework__block").get(period=period, unit__code="U-C")
    assert ranking_row(c).rank == 4
    assert [(r.rank, r.of) for r in past_results([c.unit_id], [period])] == [(4, 4)]
    assert block_leader(c).unit.code == "U-A"
    # "Find a unit" opens the line after U-A, U-B and U-D.
    assert ranked_position(period, block, "U-C") == (3, c.pk)
    period_settings_update(actor=None, period=period, tie_rule="displayed")
    c = Assessment.objects.select_related("period", "framework__block").get(pk=c.pk)
    assert ranking_row(c).rank == 2 and [r.rank for r in past_results([c.unit_id], [c.period])] == [2]


# --- The settings -------------------------------------------------------------------------------------


def test_the_tie_rule_changes_until_approval_and_is_audited(db, sonv_staff):
    period = ranked_year(None, ["U-A", "U-B", "U-C"])
    period_settings_update(actor=sonv_staff, period=period, tie_rule="exact")
    assert [rank for _, rank, _ in places(Period.objects.get(pk=period.pk))] == [1, 2, 3]
    event = AuditEvent.objects.get(action="period.settings")
    assert event.changes == {"tie_rule": ["displayed", "exact"]} and event.actor == sonv_staff
    approved = approve(Period.objects.get(pk=period.pk), sonv_staff)
    with pytest.raises(ScoringError, match="đã được phê duyệt"):
        period_settings_update(actor=sonv_staff, period=approved, tie_rule="displayed")
    assert Period.objects.get(pk=period.pk).tie_rule == "exact"


def test_a_tie_rule_change_that_would_move_a_rank_the_council_approved_is_refused_without_voiding_anything(db, sonv_staff):
    period = ranked_year(None, ["U-A", "U-B", "U-C"])
    approval_record(actor=sonv_staff, period=period, council_approved_on=datetime.date(2025, 2, 20), minutes_ref="Biên bản", override_reason="Thử")
    with pytest.raises(ScoringError, match="làm thay đổi thứ hạng .* của 1 đơn vị \\(U-C\\)"):
        period_settings_update(actor=sonv_staff, period=period, tie_rule="exact")
    assert Period.objects.get(pk=period.pk).tie_rule == "displayed" and Approval.objects.get().voided_at is None
    assert not AuditEvent.objects.filter(action="period.settings").exists()


def test_a_tie_rule_change_that_moves_no_approved_rank_is_kept_with_the_approval(db, sonv_staff):
    period = ranked_year(None, ["U-A", "U-C"])
    approval_record(actor=sonv_staff, period=period, council_approved_on=datetime.date(2025, 2, 20), minutes_ref="Biên bản", override_reason="Thử")
    period_settings_update(actor=sonv_staff, period=period, tie_rule="exact")
    assert Period.objects.get(pk=period.pk).tie_rule == "exact" and Approval.objects.get().voided_at is None


def test_the_precision_changes_only_in_draft(unit_a, sonv_staff):
    period = framework_import(table=table_of(FRAMEWORK.replace("khoi-xep-hang", "so-nganh")), year=2024, actor=None).period
    period_settings_update(actor=sonv_staff, period=period, decimals=3)
    assert Period.objects.get(pk=period.pk).decimals == 3
    opened = period_advance(actor=None, period=Period.objects.get(pk=period.pk))
    with pytest.raises(ScoringError, match="chỉ đổi số chữ số thập phân khi kỳ đánh giá ở giai đoạn dự thảo"):
        period_settings_update(actor=sonv_staff, period=opened, decimals=2)
    assert Period.objects.get(pk=period.pk).decimals == 3


def test_import_framework_sets_the_settings_of_a_new_year_and_refuses_a_mismatch_writing_nothing(tmp_path, capsys):
    path = tmp_path / "bo-chi-so.csv"
    path.write_text(FRAMEWORK.replace("khoi-xep-hang", "so-nganh"), encoding="utf-8")
    call_command("import_framework", str(path), "--year", "2026", "--decimals", "3", "--tie-rule", "exact")
    period = Period.objects.get(year=2026)
    assert (period.decimals, period.tie_rule) == (3, "exact")
    # The same settings again: imported; other settings: refused, the criteria as they were.
    call_command("import_framework", str(path), "--year", "2026", "--decimals", "3")
    changed = tmp_path / "bo-chi-so-moi.csv"
    changed.write_text(HEADER + "so-nganh,1,Một lĩnh vực khác,10,,,,,\nso-nganh,1.1,Một tiêu chí,10,,,,no,no\n", encoding="utf-8")
    for wrong, said in ((["--decimals", "2"], "3 chữ số thập phân"), (["--tie-rule", "displayed"], "cách xếp hạng exact")):
        with pytest.raises(CommandError, match=said):
            call_command("import_framework", str(changed), "--year", "2026", *wrong)
    assert list(Criterion.objects.filter(framework__period=period).order_by("code").values_list("code", flat=True)) == ["1", "1.1", "1.2"]
    assert (Period.objects.get(year=2026).decimals, Period.objects.get(year=2026).tie_rule) == (3, "exact")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_framework", str(path), "--year", "2027", "--decimals", "4")
    assert not Period.objects.filter(year=2027).exists()


def test_period_settings_prints_the_settings_changes_them_and_refuses_after_approval(db, sonv_staff, capsys):
    period = ranked_year(None, ["U-A", "U-B", "U-C"])
    call_command("period_settings", "--year", "2024")
    assert "Năm 2024: 2 chữ số thập phân; xếp hạng: Đồng hạng khi chỉ số (đã làm tròn) bằng nhau (displayed)" in capsys.readouterr().out
    call_command("period_settings", "--year", "2024", "--tie-rule", "exact", "--user", "sonv_staff")
    changed = capsys.readouterr().out
    assert "xếp hạng: Xếp theo tỷ lệ điểm chính xác, chỉ đồng hạng khi bằng nhau tuyệt đối (exact)" in changed and "(trước: 2 chữ số" in changed
    assert AuditEvent.objects.get(action="period.settings").actor == sonv_staff
    with pytest.raises(CommandError, match="chỉ đổi số chữ số thập phân khi kỳ đánh giá ở giai đoạn dự thảo"):
        call_command("period_settings", "--year", "2024", "--decimals", "3")
    approve(Period.objects.get(pk=period.pk), sonv_staff)
    with pytest.raises(CommandError, match="đã được phê duyệt"):
        call_command("period_settings", "--year", "2024", "--tie-rule", "displayed")
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 2030"):
        call_command("period_settings", "--year", "2030")


def test_the_period_page_shows_the_settings_and_the_form_edits_the_tie_rule_but_not_the_precision_after_draft(db, sonv_staff, client_of):
    period = ranked_year("exact", ["U-A", "U-B"], decimals=3)
    client = client_of(sonv_staff)
    page = client.get(reverse("scoring:period_detail", args=[2024])).content.decode()
    assert 'data-period-decimals="3"' in page and "Xếp theo tỷ lệ điểm chính xác" in page
    form = client.get(reverse("scoring:period_edit", args=[2024])).context["form"]
    assert form.fields["decimals"].disabled and not form.fields["tie_rule"].disabled
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None and name != "decision_blocks"}
    data.update({"decimals": "2", "tie_rule": "displayed"})
    data.update({name: f"{value:%d/%m/%Y}" for name, value in data.items() if isinstance(value, datetime.date)})
    response = client.post(reverse("scoring:period_edit", args=[2024]), data)
    assert response.status_code == 302
    period = Period.objects.get(pk=period.pk)
    assert (period.decimals, period.tie_rule) == (3, "displayed")


# --- The README's pipeline -------------------------------------------------------------------------

UNITS = """code,name,block,parent_code,head_name,head_title
S-A,Sở A,so-nganh,,,
S-B,Sở B,so-nganh,,,
S-C,Sở C,so-nganh,,,
S-D,Sở D,so-nganh,,,
S-E,Sở E,so-nganh,,,
"""
PIPELINE_FRAMEWORK = HEADER + """so-nganh,1,Chỉ đạo điều hành,60,,,,,
so-nganh,1.1,Kế hoạch,40,,,,no,no
so-nganh,1.2,Kiểm tra,20,,,,no,yes
so-nganh,2,Tác động,40,,,,,
so-nganh,2.1,Hài lòng,40,survey,,,no,no
so-nganh,3,Điểm trừ,0,,,,,
so-nganh,3.1,Chậm báo cáo,2,deduction,,,no,no
"""
FINAL = """unit_code,criterion_code,score,note
S-A,1.1,"39,5",
S-A,1.2,19.75,
S-A,3.1,0,
S-B,1.1,36.019,
S-B,1.2,NA,
S-B,3.1,0,
S-C,1.1,"35,524",
S-C,1.2,18.5,
S-C,3.1,0,
S-D,1.1,30.5,
S-D,1.2,NA,
S-D,3.1,"1,5",
S-E,1.1,30,
S-E,1.2,15,
S-E,3.1,0.75,
"""
# Averages of the survey's answers, with more places than the period keeps.
SURVEY = """unit_code,criterion_code,score,note
S-A,2.1,"38,4345",
S-B,2.1,36,
S-C,2.1,36.0004,
S-D,2.1,31,
S-E,2.1,30.75,
"""
# S-A: 39,5 + 19,75 + 38,435 (38,4345 half-up) = 97,685 of 100.
# S-C: 35,524 + 18,5 + 36,000 = 90,024 of 100 → 90,024 %.
# S-B: 36,019 + 36 = 72,019 of 80 (1.2 not applicable) → 90,02375 % → 90,024 %: shown as S-C,
#      but 0,9002375 < 0,90024, so third under the exact rule.
# S-D: 30,5 + 31 − 1,5 = 60 of 80 → 75 %; S-E: 30 + 15 + 30,75 − 0,75 = 75 of 100 → 75 %: the same
#      exact ratio, a shared fourth rank (listed by unit code).
EXPECTED = """block,rank,unit_code,unit_name,score,max_score,index,classification,head_rating
so-nganh,1,S-A,Sở A,97.685,100.000,97.685,Xuất sắc,Hoàn thành xuất sắc nhiệm vụ
so-nganh,2,S-C,Sở C,90.024,100.000,90.024,Xuất sắc,Hoàn thành xuất sắc nhiệm vụ
so-nganh,3,S-B,Sở B,72.019,80.000,90.024,Xuất sắc,Hoàn thành xuất sắc nhiệm vụ
so-nganh,4,S-D,Sở D,60.000,80.000,75.000,Khá,Hoàn thành nhiệm vụ
so-nganh,4,S-E,Sở E,75.000,100.000,75.000,Khá,Hoàn thành nhiệm vụ
"""


def test_the_readme_pipeline_reproduces_a_three_decimal_exact_rule_result(db, tmp_path, capsys):
    # People without a unit: a unit of theirs would be assessed in the block too.
    make_user(roles.STAFF, None, username="sonv_staff")
    make_user(roles.COUNCIL, None, username="council")
    files = {"units.csv": UNITS, "framework.csv": PIPELINE_FRAMEWORK, "final.csv": FINAL, "survey.csv": SURVEY}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_units", str(tmp_path / "units.csv"), stdout=out)
    call_command("import_framework", str(tmp_path / "framework.csv"), "--year", "2024", "--decimals", "3", "--tie-rule", "exact", stdout=out)
    call_command("period_phase", "--year", "2024", "--to", "finalization", "--reason", "Nhập kết quả", stdout=out)
    call_command("import_scores", str(tmp_path / "final.csv"), "--year", "2024", "--stage", "final", stdout=out)
    call_command("import_scores", str(tmp_path / "survey.csv"), "--year", "2024", "--stage", "survey", stdout=out)
    capsys.readouterr()
    call_command("export_ranking", "--year", "2024")
    captured = capsys.readouterr()
    assert captured.out == EXPECTED and "tạm tính" in captured.err
    # The figures of the comments above, as fractions.
    assert Fraction("72.019") / 80 * 100 == Fraction("90.02375") and Fraction("72.019") / 80 < Fraction("90.024") / 100
    assert Fraction(60, 80) == Fraction(75, 100)

    call_command("record_council_approval", "--year", "2024", "--date", "20/02/2025", "--minutes", "Biên bản họp số 05/BB-HĐTĐ", "--user", "council", stdout=out, stderr=out)
    call_command(
        "record_decision", "--year", "2024", "--number", "519/QĐ-UBND", "--date", "23/02/2025", "--signer", "Trần Báu Hà",
        "--signer-title", "Phó Chủ tịch", "--user", "sonv_staff", stdout=out,
    )
    call_command("period_phase", "--year", "2024", "--to", "approved", "--user", "sonv_staff", stdout=out, stderr=out)
    capsys.readouterr()
    call_command("export_ranking", "--year", "2024", "-o", str(tmp_path / "xep-hang-2024.csv"))
    assert (tmp_path / "xep-hang-2024.csv").read_text(encoding="utf-8") == EXPECTED
    assert "tạm tính" not in capsys.readouterr().err
    period = Period.objects.get(year=2024)
    printed = [(r["rank"], r["unit"], r["score"], r["max"], r["index"], r["classification"]) for r in KINDS["decision"].build_context(period)["results"][0]["rows"]]
    assert printed == [
        (1, "Sở A", "97,685", "100,000", "97,685", "Xuất sắc"),
        (2, "Sở C", "90,024", "100,000", "90,024", "Xuất sắc"),
        (3, "Sở B", "72,019", "80,000", "90,024", "Xuất sắc"),
        (4, "Sở D", "60,000", "80,000", "75,000", "Khá"),
        (4, "Sở E", "75,000", "100,000", "75,000", "Khá"),
    ]
    with pytest.raises(CommandError, match="đã được phê duyệt"):
        call_command("period_settings", "--year", "2024", "--tie-rule", "displayed")
    assert Decimal(Approval.objects.get(period=period).snapshot[2]["index"]) == Decimal("90.024")
