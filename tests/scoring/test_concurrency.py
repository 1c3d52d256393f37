"""Two people save the same score row at once: one wins, the other is told what the row now holds
instead of silently overwriting it."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from scoring.models import Score
from scoring.services import StaleScore, score_set_self

from .conftest import row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rows_of_data_migrations(request):
    # A transactional test empties every table when it ends, the blocks and roles of the data
    # migration included; put them back for this one (as tests/e2e does).
    if request.node.get_closest_marker("postgres") is None:
        return
    from importlib import import_module

    from django.apps import apps

    import_module("units.migrations.0002_blocks_and_roles").create(apps, None)


def test_a_save_of_a_stale_form_is_refused_with_the_current_value_and_who_set_it(cycle):
    cycle.editor_a.full_name = "Nguyễn Văn A"
    cycle.editor_a.save()
    loaded = row(cycle.a, "1.1.1")
    score_set_self(actor=cycle.editor_a, score=loaded, value="0,5", expected_version=loaded.version)
    with pytest.raises(StaleScore) as caught:
        score_set_self(actor=cycle.editor_a, score=loaded, value="1", expected_version=loaded.version)
    message = str(caught.value)
    assert message.startswith("Điểm này vừa được Nguyễn Văn A cập nhật lúc ") and "thành 0,5. Hãy xem lại trước khi lưu." in message
    assert caught.value.score.self_score == Decimal("0.5")
    assert row(cycle.a, "1.1.1").self_score == Decimal("0.5") and row(cycle.a, "1.1.1").version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_row_one_succeeds_and_the_other_gets_the_conflict(cycle):
    loaded = row(cycle.a, "1.1.1")
    version = loaded.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(name: str, value: str):
        try:
            barrier.wait(timeout=10)
            score = Score.objects.select_related("criterion").get(pk=loaded.pk)
            score_set_self(actor=cycle.editor_a, score=score, value=value, expected_version=version)
            outcomes[name] = "saved"
        except StaleScore as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=("first", "1")), threading.Thread(target=save, args=("second", "0"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["StaleScore", "str"]
    winner = next(name for name, o in outcomes.items() if o == "saved")
    loser = next(o for o in outcomes.values() if isinstance(o, StaleScore))
    current = Score.objects.get(pk=loaded.pk)
    expected = Decimal("1") if winner == "first" else Decimal("0")
    assert current.self_score == expected and current.version == version + 1
    assert f"thành {'1' if winner == 'first' else '0'}." in str(loser)
