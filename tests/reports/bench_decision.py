"""Time and peak memory of rendering the approval decision for N ranked units.

    DATABASE_URL=sqlite:////tmp/cchc-bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/cchc-bench.sqlite3 .venv/bin/python tests/reports/bench_decision.py 250 2000

Each size runs in a child process of its own, so that its peak resident memory (ru_maxrss) is its
own and not that of an earlier, larger run. The child builds the data through the scoring services
(units, period, scores, the council's approval, the decision, publication) inside a transaction
that it rolls back, then measures the context and the PDF separately."""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(count: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from django.db import transaction

    from reports.registry import KINDS
    from tests.factories import make_user
    from tests.reports.builders import approve, many_units, open_year, score_everyone
    from units import roles

    spec = KINDS["decision"]

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            staff = make_user(roles.STAFF, None, username="bench-staff")
            many_units(count, prefix="B")
            period = open_year(staff, year=2090)
            score_everyone(period)
            period = approve(period, staff)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            context = spec.build_context(period)
            built = time.perf_counter()
            pdf, pages = spec.render(context)
            done = time.perf_counter()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            # The flows laid out in forked processes (rendering.py): the largest of them.
            forked = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            print(
                f"| {count} | {pages} | {len(pdf) / 1024:.0f} KiB | {built - start:.2f} s | {done - built:.2f} s | "
                f"{done - start:.2f} s | {before / 1024:.0f} MiB | {peak / 1024:.0f} MiB | {forked / 1024:.0f} MiB |"
            )
            raise Rollback
    except Rollback:
        pass


def main(sizes: list[int]) -> None:
    print("| ranked units | pages | PDF size | context | WeasyPrint | total | RSS before | peak RSS | peak RSS, forked |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        subprocess.run([sys.executable, __file__, "--child", str(size)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
    else:
        main([int(a) for a in sys.argv[1:]] or [250, 2000])
