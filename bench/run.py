"""Server time and SQL queries of the pages that grow with the number of units, on data made by
`manage.py bench_seed` (see bench/README.md):

    DATABASE_URL=postgres://… .venv/bin/python bench/run.py --units 250 [--requests 30] [--pdf]

Each page is requested through Django's test Client (the whole middleware stack and template
rendering, no network), signed in as the user who uses it. The first request of each page is a
warm-up whose SQL queries are counted; the timed requests run without query capture, which would
add its own cost. Two floors are timed alone: the live aggregate of every score row,
`assessment_totals_for_period` (what the ranking was computed from before the totals were stored
on each assessment), and the ranking query the page runs now (one page of `ranked_lines`)."""

import argparse
import math
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import logging

    import django

    django.setup()
    # django-axes logs every force_login at INFO: noise around the table.
    logging.getLogger("axes").setLevel(logging.WARNING)


@dataclass
class Result:
    name: str
    who: str
    samples: list[float]
    queries: int | None
    status: int | None = None
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        # Nearest rank: with 30 samples, the second slowest.
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds * 1000:,.0f}"


def format_table(results: list[Result], *, units: int, criteria: int) -> str:
    lines = [
        f"N = {units} units, M = {criteria} sub-criteria per framework",
        "",
        "| what | as | requests | p50 ms | p95 ms | SQL queries | status | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        queries = "" if r.queries is None else str(r.queries)
        status = "" if r.status is None else str(r.status)
        lines.append(f"| {r.name} | {r.who} | {len(r.samples)} | {_ms(r.p50)} | {_ms(r.p95)} | {queries} | {status} | {r.note} |")
    return "\n".join(lines)


class PeakMemory:
    """The largest memory this process and its forks held at once while the block ran: their
    proportional set sizes (PSS: a page shared after a fork counts once in all), read from /proc
    twice a second. Where /proc has no smaps_rollup, the largest resident size of each instead."""

    def __init__(self):
        self.peak, self.processes, self._stop = 0, 0, threading.Event()

    def _tree(self, pid: int) -> list[int]:
        found = [pid]
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found += self._tree(int(child))
        return found

    @staticmethod
    def _pss_mib(pid: int) -> int:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:")) // 1024

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            try:
                pids = self._tree(os.getpid())
                total = sum(self._pss_mib(pid) for pid in pids)
            except (OSError, StopIteration, ValueError):
                continue  # a fork ended while it was read: the next sample counts
            if total > self.peak:
                self.peak, self.processes = total, len(pids)

    def __enter__(self):
        self.supported = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")
        if self.supported:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self.supported:
            self._stop.set()
            self._thread.join()

    def __str__(self) -> str:
        if self.supported:
            return f"peak memory {self.peak} MiB (PSS of {self.processes} processes)"
        own, forked = (resource.getrusage(who).ru_maxrss // 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return f"peak resident memory {own} MiB here, {forked} MiB in the largest fork"


def _measure(name: str, who: str, call: Callable[[], object], *, repeat: int, before_each: Callable[[], None] | None = None, note: str = "") -> Result:
    """Warm-up with the queries counted, then `repeat` timed calls. `call` returns a response (its
    status is kept, the last one) or anything else."""
    from django.db import connection

    if before_each:
        before_each()
    # A wrapper, not CaptureQueriesContext: the test Client's request_started signal resets the
    # connection's query log in the middle of the capture.
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        first = call()
    status = getattr(first, "status_code", None)
    samples = []
    for _ in range(repeat):
        if before_each:
            before_each()
        start = time.perf_counter()
        response = call()
        samples.append(time.perf_counter() - start)
        status = getattr(response, "status_code", status)
    return Result(name, who, samples, len(captured), status, note)


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def run_benchmarks(*, repeat: int = 30, pdf: bool = False, pdf_repeat: int = 3, xlsx_repeat: int | None = None) -> tuple[list[Result], dict]:
    """Every measurement on the seeded data; returns the results and what they were run on."""
    from django.conf import settings
    from django.urls import reverse

    from bench.seed import COUNCIL, EDITOR, STAFF, TITLE_PREFIX, UNIT_PREFIX, bench_unit
    from scoring.models import Assessment, Kind, Period, Phase, Score
    from scoring.selectors import assessment_totals_for_period, lines_of, ranked_lines
    from scoring.views.results import RANKING_PAGE_SIZE
    from units.models import Unit, User

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    periods = list(Period.objects.filter(title__startswith=TITLE_PREFIX).order_by("-year"))
    if not periods:
        raise SystemExit("Không có dữ liệu benchmark: chạy `manage.py bench_seed` trước.")
    period = periods[0]
    approved = next((p for p in periods if p.phase == Phase.APPROVED), None)
    unit = bench_unit()
    block = unit.block
    staff, council, editor = (User.objects.get(username=name) for name in (STAFF, COUNCIL, EDITOR))
    assessment = Assessment.objects.get(period=period, unit=unit)
    units = Unit.objects.filter(code__startswith=UNIT_PREFIX).count()
    in_block = Unit.objects.filter(code__startswith=UNIT_PREFIX, block=block).count()
    sheet_rows = Score.objects.filter(assessment=assessment).count()
    info = {"units": units, "criteria": sheet_rows, "block": block.code, "in_block": in_block, "year": period.year}

    as_staff, as_council, as_editor = _client(staff), _client(council), _client(editor)
    results = []

    if pdf:
        # First, so that the peak memory read after it is the decision's, not the XLSX export's.
        from reports.registry import KINDS

        spec = KINDS["decision"]
        subject = approved or period
        outcome = {}

        def decision():
            outcome["pages"] = spec.render(spec.build_context(subject))[1]

        # Memory is read in a rendering of its own: reading /proc takes CPU from the timed ones.
        with PeakMemory() as memory:
            decision()
        measured = _measure("decision PDF (context + layout)", "— (worker)", decision, repeat=pdf_repeat)
        measured.note = f"{subject.year}, {units} ranked units, {outcome['pages']} pages; {memory}"
        results.append(measured)

    def get(client, url):
        return lambda: client.get(url)

    ranking_url = reverse("scoring:results_ranking", args=[period.year, block.code])
    last_page = math.ceil(in_block / RANKING_PAGE_SIZE)
    results.append(_measure(
        "ranking page (largest block)", "staff", get(as_staff, ranking_url),
        repeat=repeat, note=f"{block.code}: {in_block} units, {period.get_phase_display()}; page 1 of {last_page}",
    ))
    results.append(_measure(
        "ranking page, last page", "staff", get(as_staff, f"{ranking_url}?page={last_page}"),
        repeat=repeat, note=f"page {last_page}",
    ))
    results.append(_measure(
        "ranking page, find a unit", "staff", get(as_staff, f"{ranking_url}?don-vi={unit.code}"),
        repeat=repeat, note="the redirect to the unit's page",
    ))
    if approved is not None:
        dashboard = _measure(
            "unit dashboard", "unit editor",
            get(as_editor, reverse("scoring:results_unit", args=[approved.year, unit.pk])),
            repeat=repeat, note=f"{approved.year}, published; trend over {sum(p.phase == Phase.APPROVED for p in periods)} years",
        )
    else:
        dashboard = _measure(
            "unit dashboard", "staff", get(as_staff, reverse("scoring:results_unit", args=[period.year, unit.pk])),
            repeat=repeat, note=f"{period.year}, provisional (no approved year seeded)",
        )
    results.append(dashboard)
    results.append(_measure(
        "self-assessment page", "unit editor",
        get(as_editor, reverse("scoring:assessment_detail", args=[assessment.pk])),
        repeat=repeat, note=f"{sheet_rows} sub-criteria, {period.get_phase_display()} (read view)",
    ))
    results.append(_measure(
        "appraisal queue", "council (field 1, all units)", get(as_council, reverse("scoring:appraisal_queue")), repeat=repeat,
    ))
    xlsx = _measure(
        "score matrix XLSX", "staff", get(as_staff, reverse("scoring:results_matrix", args=[period.year])),
        repeat=repeat if xlsx_repeat is None else xlsx_repeat, note=f"{units} units × {sheet_rows} columns",
    )
    results.append(xlsx)

    # Inline saves (htmx), each on a real write: the value alternates so that every save changes it.
    # The seed returns some rows of field 1 (the council member's) to the appraiser; a save clears
    # the mark, so each timed save puts it back first, and the row is left returned at the end.
    own_rows = Score.objects.filter(assessment=assessment, criterion__kind=Kind.SELF, not_applicable=False).select_related("criterion")
    returned = (
        own_rows.filter(needs_reappraisal=True).order_by("criterion__order").first()
        or own_rows.filter(criterion__code__startswith="1.").order_by("criterion__order").first()
    )
    finals = (
        Score.objects.filter(assessment=assessment, not_applicable=False, criterion__kind=Kind.SELF)
        .select_related("criterion").order_by("criterion__order")
    )
    final_row = finals.filter(criterion__rule="").first() or finals.first()
    htmx = {"HTTP_HX_REQUEST": "true"}

    def save(client, name, row, *, reset=None):
        values = ["0", str(row.criterion.max_score)]
        turn = {"n": 0}

        def before():
            if reset:
                Score.objects.filter(pk=row.pk).update(**reset)
            turn["version"] = Score.objects.filter(pk=row.pk).values_list("version", flat=True).get()

        def call():
            turn["n"] += 1
            data = {"value": values[turn["n"] % 2], "note": "Benchmark: thẩm định lại.", "version": turn["version"]}
            return client.post(reverse(name, args=[row.pk]), data, **htmx)

        return call, before

    if returned is not None:
        call, before = save(as_council, "scoring:score_appraise", returned, reset={"needs_reappraisal": True})
        results.append(_measure(
            "inline save: score_appraise", "council", call, before_each=before, repeat=repeat,
            note=f"row {returned.criterion.code} returned to the appraiser, {period.get_phase_display()}",
        ))
        Score.objects.filter(pk=returned.pk).update(needs_reappraisal=True)
    call, before = save(as_staff, "scoring:score_finalize", final_row)
    results.append(_measure(
        "inline save: score_finalize", "staff", call, before_each=before, repeat=repeat, note=f"row {final_row.criterion.code}",
    ))
    results.append(_measure(
        "bare aggregate: assessment_totals_for_period", "—", lambda: assessment_totals_for_period(period), repeat=repeat,
        note=f"whole period: {units} units × {sheet_rows} rows; what the ranking read before totals were stored",
    ))
    results.append(_measure(
        "ranking query: one page of ranked_lines", "—",
        lambda: lines_of(ranked_lines(period, block=block)[:RANKING_PAGE_SIZE]), repeat=repeat,
        note=f"window RANK over the {in_block} stored indexes of the block",
    ))

    return results, info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, help="the N the data was seeded with (checked against the database)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--xlsx-requests", type=int, default=None, help="timed requests of the XLSX export (default: --requests)")
    parser.add_argument("--pdf", action="store_true", help="also time the decision PDF (slow: seconds to minutes)")
    parser.add_argument("--pdf-requests", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django()
    from cchc.gc_tuning import tune_for_requests

    tune_for_requests()  # as the web processes run (cchc/wsgi.py)
    results, info = run_benchmarks(repeat=args.requests, pdf=args.pdf, pdf_repeat=args.pdf_requests, xlsx_repeat=args.xlsx_requests)
    if args.units is not None and args.units != info["units"]:
        print(f"warning: --units {args.units} but the database holds {info['units']} benchmark units", file=sys.stderr)
    from django.db import connection

    print(f"{connection.vendor}, year {info['year']}, largest block {info['block']} ({info['in_block']} units)")
    print(format_table(results, units=info["units"], criteria=info["criteria"]))


if __name__ == "__main__":
    main()
