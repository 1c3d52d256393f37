"""The benchmark keeps working: a tiny data set through `bench_seed`, then every measurement of
bench/run.py with two repetitions. Figures are not checked — only that each row is there."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.run import format_table, run_benchmarks
from bench.seed import TITLE_PREFIX, UNIT_PREFIX, is_bench_data_only
from scoring.models import Approval, Assessment, Period, Phase, Score
from scoring.selectors import assessment_totals_for_period, framework_trees_for_period, ranking_for_period
from tests.factories import UnitFactory
from units.models import Unit

EXPECTED = [
    "ranking page (largest block)",
    "ranking page, last page",
    "ranking page, find a unit",
    "unit dashboard",
    "self-assessment page",
    "appraisal queue",
    "score matrix XLSX",
    "inline save: score_appraise",
    "inline save: score_finalize",
    "bare aggregate: assessment_totals_for_period",
    "ranking query: one page of ranked_lines",
]


@pytest.mark.django_db
def test_seed_and_run_tiny_benchmark():
    call_command("bench_seed", units=12, criteria=10, years=2, last_year=2090)

    periods = list(Period.objects.filter(title__startswith=TITLE_PREFIX).order_by("year"))
    assert [(p.year, p.phase) for p in periods] == [(2089, Phase.APPROVED), (2090, Phase.FINALIZATION)]
    assert Unit.objects.filter(code__startswith=UNIT_PREFIX).count() == 12
    assert Score.objects.filter(assessment__period=periods[-1]).count() == 12 * 10
    assert all(not tree.problems for period in periods for tree in framework_trees_for_period(period))
    assert Approval.objects.get(period=periods[0], voided_at__isnull=True).has_decision
    assert len(ranking_for_period(periods[-1])) == 12
    # Rows went in past the services; the seed stores each assessment's totals like they do.
    live = assessment_totals_for_period(periods[-1])
    assert {a.pk: a.total_index for a in Assessment.objects.filter(period=periods[-1])} == {pk: t.index for pk, t in live.items()}

    results, info = run_benchmarks(repeat=2)

    assert [r.name for r in results] == EXPECTED
    for result in results:
        assert len(result.samples) == 2 and result.p95 >= result.p50 > 0
        assert isinstance(result.queries, int) and result.queries > 0, result.name
        assert result.status in ((302,) if result.name == "ranking page, find a unit" else (None, 200)), (result.name, result.status)
    table = format_table(results, units=info["units"], criteria=info["criteria"])
    assert all(f"| {name} |" in table for name in EXPECTED)


@pytest.mark.django_db
def test_seed_refuses_real_data_and_clean_keeps_it():
    UnitFactory(code="REAL-1")
    assert not is_bench_data_only()
    with pytest.raises(CommandError, match="dữ liệu thật"):
        call_command("bench_seed", units=4, criteria=5, years=1)

    call_command("bench_seed", units=4, criteria=5, years=1, last_year=2090, force=True)
    call_command("bench_seed", clean=True)
    assert list(Unit.objects.values_list("code", flat=True)) == ["REAL-1"]
    assert not Period.objects.exists()
