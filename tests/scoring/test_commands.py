from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from scoring.models import Criterion, Framework, Period, Phase
from scoring.selectors import framework_trees_for_period

from tests.factories import UnitFactory

from .conftest import SAMPLE, generated_csv

pytestmark = pytest.mark.django_db


def test_import_framework_creates_the_period_and_reports_the_totals(capsys):
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    assert "58 tiêu chí, tổng 100 điểm" in capsys.readouterr().out
    assert Period.objects.get(year=2024).phase == Phase.DRAFT


def test_import_framework_with_a_bad_row_exits_non_zero_names_the_row_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "bo-chi-so.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",1.5,,", ",2,,")  # 1.2, the parent of one 1.5-point criterion
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không có dữ liệu nào được ghi"):
        call_command("import_framework", str(path), "--year", "2024")
    err = capsys.readouterr().err
    assert "Dòng 6, cột max_score: Điểm tối đa của 1.2 là 2" in err and "Dòng 7, cột max_score" in err
    assert not Period.objects.exists() and not Criterion.objects.exists()


def test_export_then_import_then_export_gives_the_same_bytes(tmp_path):
    call_command("seed_demo")
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    # The demo's 2024 is being appraised (its framework frozen): the round trip goes through 2025.
    call_command("export_framework", "--year", "2024", "-o", str(first))
    call_command("import_framework", str(first), "--year", "2025")
    call_command("export_framework", "--year", "2025", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().count(b"\n") == 1 + Criterion.objects.filter(framework__period__year=2025).count()


def test_the_xlsx_export_round_trips_too(tmp_path):
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    csv1, xlsx, csv2 = tmp_path / "1.csv", tmp_path / "b.xlsx", tmp_path / "2.csv"
    call_command("export_framework", "--year", "2024", "-o", str(csv1))
    call_command("export_framework", "--year", "2024", "-o", str(xlsx))
    call_command("import_framework", str(xlsx), "--year", "2024")
    call_command("export_framework", "--year", "2024", "-o", str(csv2))
    assert csv1.read_bytes() == csv2.read_bytes()


def test_import_framework_refuses_a_period_past_draft(tmp_path):
    UnitFactory(code="UNIT-A")  # a unit to assess: an empty roster cannot open
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    call_command("period_phase", "--year", "2024", "--to", "self_assessment")
    path = tmp_path / "f.csv"
    path.write_text(generated_csv(1, 1, 1), encoding="utf-8")
    with pytest.raises(CommandError, match="đã qua giai đoạn dự thảo"):
        call_command("import_framework", str(path), "--year", "2024")
    assert Criterion.objects.count() == 58


def test_period_phase_walks_forward_through_each_phase_and_back_only_with_a_reason(capsys, sonv_staff):
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    call_command("period_phase", "--year", "2024", "--to", "explanation", "--reason", "Hết hạn thẩm định", "--user", "sonv_staff")
    assert "Dự thảo → Giải trình" in capsys.readouterr().out
    events = AuditEvent.objects.filter(action="period.phase").order_by("id")
    assert [e.changes["phase"][1] for e in events] == ["self_assessment", "appraisal", "explanation"]
    assert all(e.actor == sonv_staff and e.reason == "Hết hạn thẩm định" for e in events)
    with pytest.raises(CommandError, match="lý do"):
        call_command("period_phase", "--year", "2024", "--to", "draft")
    call_command("period_phase", "--year", "2024", "--to", "appraisal", "--reason", "Thẩm định lại lĩnh vực 3")
    assert Period.objects.get().phase == Phase.APPRAISAL


def test_period_phase_refuses_to_open_an_inconsistent_framework(tmp_path):
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    Criterion.objects.filter(code="1.1.1").update(max_score=Decimal("1.5"), rule="")
    with pytest.raises(CommandError, match="bộ chỉ số còn lỗi"):
        call_command("period_phase", "--year", "2024", "--to", "approved")
    assert Period.objects.get().phase == Phase.DRAFT and not AuditEvent.objects.filter(action="period.phase").exists()


def test_clone_framework_starts_the_next_year(capsys):
    call_command("import_framework", str(SAMPLE), "--year", "2024")
    call_command("clone_framework", "--from", "2024", "--to", "2025")
    assert "1 bộ chỉ số" in capsys.readouterr().out
    assert Framework.objects.get(period__year=2025).criteria.count() == 58


def test_seed_demo_creates_2023_and_2024_with_every_blocks_framework_and_twice_changes_nothing(capsys):
    call_command("seed_demo")
    totals = {}
    for year in (2023, 2024):
        trees = framework_trees_for_period(Period.objects.get(year=year))
        totals[year] = {t.framework.block.code: t.total for t in trees}
        assert all(t.is_consistent for t in trees)
    expected = {"so-nganh": 100, "ubnd-huyen": 100, "ubnd-xa": 100, "co-quan-tw": 60}
    assert totals == {2023: expected, 2024: expected}
    counts = (Period.objects.count(), Framework.objects.count(), Criterion.objects.count(), AuditEvent.objects.count())
    capsys.readouterr()
    call_command("seed_demo")
    assert "Kỳ đánh giá 2024: đã có, giữ nguyên." in capsys.readouterr().out
    assert (Period.objects.count(), Framework.objects.count(), Criterion.objects.count()) == counts[:3]
    # Four blocks in 2023 and 2024, three in 2026 (after the 2025 reform), each imported once.
    assert AuditEvent.objects.filter(action__startswith="framework").count() == 4 + 4 + 3


def test_period_phase_keeps_the_voiding_of_an_approval_the_scores_no_longer_match(sonv_staff, unit_a):
    from scoring.models import Approval

    from .conftest import approve, open_period
    from .results_helpers import put

    period = open_period(actor=sonv_staff)
    approval = Approval.objects.get(pk=approve(period, sonv_staff).approvals.get().pk)
    call_command("period_phase", "--year", "2024", "--to", "finalization", "--reason", "Sửa điểm", "--user", "sonv_staff")
    approval.refresh_from_db()
    assert approval.voided_at is None  # going back keeps it: the scores still match
    # A score changed outside the services (a repair in the database) leaves the approval stale.
    put(period, unit_a, "1.1.1", final_score=Decimal("0"))
    with pytest.raises(CommandError, match="hủy"):
        call_command("period_phase", "--year", "2024", "--to", "approved", "--user", "sonv_staff")
    approval.refresh_from_db()
    assert approval.voided_at is not None and AuditEvent.objects.filter(action="approval.void").exists()
    assert Period.objects.get(year=2024).phase == Phase.FINALIZATION
