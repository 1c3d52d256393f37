"""Two people save one score row at the same moment on the demo's SQLite file; run as
`python -m tests.security._sqlite_race FOLDER [deferred]` (by test_concurrent_saves.py), it prints
the two answers as JSON.

Its own process, because the tests' SQLite database lives in memory, where locks behave unlike a
file's. "deferred" opens transactions as SQLite does by default, to show what the setting fixes.
"""

import json
import os
import sys
import threading
import time


def main(folder: str, mode: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cchc.settings",
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        MEDIA_ROOT=f"{folder}/media",
        CELERY_BROKER_URL="",
        DEBUG="false",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    if mode == "deferred":
        connections.settings["default"]["OPTIONS"].pop("transaction_mode", None)
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)

    from scoring.models import Score
    from tests.factories import UnitFactory, make_user
    from tests.scoring.conftest import open_period
    from units import roles

    unit = UnitFactory(code="UNIT-A", name="Sở thử nghiệm")
    editor = make_user(roles.UNIT_EDITOR, unit, username="editor_a")
    open_period(actor=None)
    row = Score.objects.filter(assessment__unit=unit, criterion__kind="self", criterion__children__isnull=True).order_by("criterion__code").first()
    url = reverse("scoring:score_self", args=[row.pk])
    # A 500 comes back as a response: the test client's re-raising listens to every thread's
    # exceptions, and would pin one request's error on both.
    clients = [Client(raise_request_exception=False), Client(raise_request_exception=False)]
    for client in clients:
        client.force_login(editor)
    connections.close_all()

    barrier = threading.Barrier(2)
    answers = {}

    def slow_first_write(execute, sql, params, many, context):
        # Both requests have read the row before either writes: the moment a race happens.
        if sql.lstrip().upper().startswith("UPDATE") and "scoring_score" in sql:
            time.sleep(0.5)
        return execute(sql, params, many, context)

    def save(name: str, client: Client, value: str):
        try:
            with connection.execute_wrapper(slow_first_write):
                barrier.wait(timeout=10)
                response = client.post(url, {"value": value, "note": "", "version": row.version}, HTTP_HX_REQUEST="true")
            answers[name] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name, client, value)) for name, client, value in (("first", clients[0], "1"), ("second", clients[1], "0"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = Score.objects.get(pk=row.pk)
    print(json.dumps({"answers": answers, "version": [row.version, saved.version], "self_score": str(saved.self_score)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
