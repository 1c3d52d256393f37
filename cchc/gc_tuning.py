"""The garbage collector's settings of a web process.

A page builds many short-lived objects (querysets, model instances, template contexts, the
rendered text); with Python's default thresholds the cyclic collector runs every 700 new
containers and, now and then, through every object of the process, Django's own included. On the
benchmark's pages that made the slowest 5 % of requests 40–60 % slower than the median (the
ranking page 113 ms p95 for 61 ms p50, the self-assessment page 142 ms for 69 ms). Objects loaded at
start-up are frozen out of the collector's sight, and it runs less often."""

import gc

# Also while a PDF is rendered (reports/rendering.py), whatever the process.
THRESHOLDS = (50_000, 20, 100)


def tune_for_requests() -> None:
    """Call once the application is loaded (wsgi.py; the benchmark does the same)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
