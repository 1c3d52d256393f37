"""On the demo's SQLite file, two people saving one score row at the same moment get one 200 and
one 409 (the row as the other left it), not a 500 "database is locked"; no save is lost."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _race(tmp_path, mode: str = "") -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "tests.security._sqlite_race", str(tmp_path), *([mode] if mode else [])],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_two_saves_of_one_row_on_sqlite_get_one_200_and_one_409(tmp_path):
    outcome = _race(tmp_path)
    assert sorted(outcome["answers"].values()) == [200, 409]
    winner = next(name for name, status in outcome["answers"].items() if status == 200)
    assert outcome["version"] == [1, 2]  # one write, on the version both forms were loaded with
    assert Decimal(outcome["self_score"]) == (Decimal("1") if winner == "first" else Decimal("0"))


def test_without_immediate_transactions_the_same_race_is_a_500(tmp_path):
    """What the setting fixes: the race above is real, and SQLite's default answer to it fails
    the second request at once."""
    outcome = _race(tmp_path, "deferred")
    assert sorted(outcome["answers"].values()) == [200, 500]
