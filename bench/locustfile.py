"""Load test: people using the app at once, against gunicorn + PostgreSQL on data made by
`manage.py bench_seed` (see bench/README.md, "Load test", for the commands).

Two kinds of simulated people, each with a session of its own as one of the seeded users:

- unit officials (4 in 5): open the home page, their unit's results page of the last published
  year, their block's ranking, read for a while between pages (LOAD_WAIT, 5–15 s by default);
- council and staff (1 in 5): give a final score inline (htmx POST, a real write that also
  refreshes the unit's stored totals) on a row of their own — each simulated person keeps to one
  unit's row, as two people do not score the same row at the same moment — then read the
  ranking, with the same reading time.

Before the users start, their sessions are made and the rows to score are picked, through
Django in this process."""

import os
import random
import re
import sys
from itertools import count
from pathlib import Path

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r'name="version" value="(\d+)"')
TARGETS: dict = {}
_next_row = count()
_next_session = count()


@events.init.add_listener
def prepare(environment, **kwargs):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from django.urls import reverse

    from bench.seed import EDITOR, STAFF, TITLE_PREFIX, bench_unit
    from scoring.models import Kind, Period, Phase, Score
    from units.models import User

    # Signed in already, as people are during the day: a login costs a password hash (about half
    # a second of CPU by design), and 200 of them at once would measure the hasher, not the app.
    from django.test import Client

    def sessions(username: str, how_many: int) -> list[str]:
        user = User.objects.get(username=username)
        made = []
        for _ in range(how_many):
            client = Client()
            client.force_login(user)
            made.append(client.cookies["sessionid"].value)
        return made

    users = environment.parsed_options.num_users if environment.parsed_options else 200
    periods = list(Period.objects.filter(title__startswith=TITLE_PREFIX).order_by("-year"))
    if not periods:
        raise SystemExit("Không có dữ liệu benchmark: chạy `manage.py bench_seed` trước.")
    latest = periods[0]
    published = next(p for p in periods if p.phase == Phase.APPROVED)
    unit = bench_unit()
    rows = (
        Score.objects.filter(assessment__period=latest, criterion__kind=Kind.SELF, criterion__rule="", not_applicable=False)
        .order_by("assessment_id", "criterion__order")
        .distinct("assessment_id")
        .values_list("pk", "criterion__max_score")[:500]
    )
    TARGETS.update(
        staff=sessions(STAFF, users),
        editor=sessions(EDITOR, users),
        dashboard=reverse("scoring:results_unit", args=[published.year, unit.pk]),
        ranking=reverse("scoring:results_ranking", args=[published.year, unit.block.code]),
        ranking_latest=reverse("scoring:results_ranking", args=[latest.year, unit.block.code]),
        rows=[(pk, str(maximum)) for pk, maximum in rows],
    )


# Seconds a person reads a page before the next one: LOAD_WAIT="5,15" by default.
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "5,15").split(","))


class Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    username = ""

    def on_start(self):
        session = TARGETS[self.username][next(_next_session) % len(TARGETS[self.username])]
        self.client.cookies.set("sessionid", session, domain="127.0.0.1")
        self.client.get("/", name="home")  # also sets the CSRF cookie the saves send back


class UnitOfficial(Person):
    weight = 4
    username = "editor"

    @task(2)
    def dashboard(self):
        self.client.get(TARGETS["dashboard"], name="unit dashboard")

    @task(1)
    def home(self):
        self.client.get("/", name="home")

    @task(1)
    def ranking(self):
        self.client.get(TARGETS["ranking"], name="ranking (published)")


class Scorer(Person):
    weight = 1
    username = "staff"

    def on_start(self):
        super().on_start()
        from django.urls import reverse

        self.row, self.maximum = TARGETS["rows"][next(_next_row) % len(TARGETS["rows"])]
        self.url = reverse("scoring:score_finalize", args=[self.row])
        self.version = None
        self.turn = random.randint(0, 1)

    @task(3)
    def save(self):
        if self.version is None:
            # The first save learns the row's version from the refusal (409 shows the current row).
            data = {"value": "0", "note": "", "version": "0"}
        else:
            self.turn += 1
            data = {"value": ("0", self.maximum)[self.turn % 2], "note": "Tải thử: hoàn thiện điểm.", "version": self.version}
        headers = {"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken"), "Referer": self.host + "/"}
        with self.client.post(self.url, data, headers=headers, name="inline save (score_finalize)", catch_response=True) as response:
            found = VERSION.search(response.text or "")
            if found:
                self.version = found.group(1)
            if response.status_code == 409 and data["version"] == "0":
                response.success()  # the version probe, not an error
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def ranking(self):
        self.client.get(TARGETS["ranking_latest"], name="ranking (finalisation)")
