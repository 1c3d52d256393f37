from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEvent
from audit.services import AuditEntry, audit_log, audit_log_many, save_audited, snapshot
from tests.factories import BlockFactory, UnitFactory
from units.models import Block, Unit

pytestmark = pytest.mark.django_db

FIELDS = ["name", "phone", "block"]


def _row(event: AuditEvent) -> tuple:
    return (event.actor_id, event.action, event.target_type_id, event.target_id, event.target_repr, event.changes, event.reason)


def test_many_rows_are_the_rows_audit_log_writes_one_by_one(sonv_staff):
    units = UnitFactory.create_batch(3)
    changes = {"score": [Decimal("1.50"), Decimal("2")], "block": [None, units[0].block]}
    one_by_one = [_row(audit_log(actor=sonv_staff, action="unit.update", target=u, changes=changes, reason="Rà soát")) for u in units]
    AuditEvent.objects.all().delete()
    audit_log_many(actor=sonv_staff, action="unit.update", entries=[AuditEntry(target=u, changes=changes, reason="Rà soát") for u in units])
    assert [_row(e) for e in AuditEvent.objects.order_by("id")] == one_by_one
    assert one_by_one[0][5] == {"score": ["1.50", "2"], "block": [None, str(units[0].block)]}


def test_many_rows_go_in_with_one_insert_and_the_content_type_looked_up_once(sonv_staff, django_assert_num_queries):
    units = UnitFactory.create_batch(5)
    blocks = BlockFactory.create_batch(2)
    ContentType.objects.clear_cache()
    entries = [AuditEntry(target=u, changes={"phone": ["", "1"]}) for u in units] + [AuditEntry(target=b) for b in blocks]
    with django_assert_num_queries(3):  # the content types of Unit and of Block, then the rows
        events = audit_log_many(actor=sonv_staff, action="unit.update", entries=entries)
    assert [e.target_id for e in events] == [str(t.pk) for t in units + blocks] and all(e.pk for e in events)


def test_an_anonymous_actor_is_recorded_as_the_system(unit_a):
    events = audit_log_many(actor=AnonymousUser(), action="unit.update", entries=[AuditEntry(target=unit_a)])
    assert events[0].actor is None and AuditEvent.objects.get().actor is None


def test_no_entries_write_nothing(sonv_staff, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert audit_log_many(actor=sonv_staff, action="unit.update", entries=iter([])) == []


def test_a_changed_row_is_saved_and_its_changes_recorded(sonv_staff, unit_a):
    before = snapshot(unit_a, FIELDS)
    unit_a.phone = "0239 3855 555"
    changes = save_audited(unit_a, before, actor=sonv_staff, action="unit.update", fields=FIELDS, reason="Đổi số máy")
    event = AuditEvent.objects.get()
    assert changes == {"phone": ["", "0239 3855 555"]} == event.changes
    assert (event.actor, event.action, event.target_id, event.reason) == (sonv_staff, "unit.update", str(unit_a.pk), "Đổi số máy")
    assert Unit.objects.get(pk=unit_a.pk).phone == "0239 3855 555"


def test_an_unchanged_row_is_neither_saved_nor_recorded(sonv_staff, unit_a, django_assert_num_queries):
    before = snapshot(unit_a, FIELDS)
    unit_a.phone = ""  # empty stays empty: no change to record
    with django_assert_num_queries(0):
        assert save_audited(unit_a, before, actor=sonv_staff, action="unit.update", fields=FIELDS) == {}
    assert not AuditEvent.objects.exists()


def test_a_new_row_is_always_saved_and_recorded(sonv_staff):
    block = Block(code="moi", name="Khối mới", order=9)
    changes = save_audited(block, {}, actor=sonv_staff, action="block.save", fields=["code", "name", "order", "active"])
    assert block.pk and changes == {"active": [None, True], "code": [None, "moi"], "name": [None, "Khối mới"], "order": [None, 9]}
    assert AuditEvent.objects.get().changes == changes


def test_the_event_can_be_the_parents_and_name_the_row_that_changed(sonv_staff, unit_a):
    before = snapshot(unit_a, ["phone"])
    unit_a.phone = "1"
    save_audited(unit_a, before, actor=sonv_staff, action="block.save", fields=["phone"], target=unit_a.block, extra={"code": [unit_a.code, unit_a.code]})
    event = AuditEvent.objects.get()
    assert event.target_type.model_class() is Block and event.target_id == str(unit_a.block_id)
    assert event.changes == {"phone": ["", "1"], "code": [unit_a.code, unit_a.code]}


def test_only_the_named_columns_are_written(sonv_staff, unit_a):
    Unit.objects.filter(pk=unit_a.pk).update(email="khac@example.vn")  # written by someone else meanwhile
    before = snapshot(unit_a, ["phone"])
    unit_a.phone = "1"
    save_audited(unit_a, before, actor=sonv_staff, action="unit.update", fields=["phone"], update_fields=["phone"])
    assert Unit.objects.filter(pk=unit_a.pk).values_list("phone", "email").get() == ("1", "khac@example.vn")
