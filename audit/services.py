from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


def _plain(value: Any) -> Any:
    # JSON keeps Decimal scores exact only as strings; dates and model instances likewise.
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _same(a, b) -> bool:
    # An empty text field and a missing value are the same thing to the person reading the log.
    return (_plain(a) in (None, "")) and (_plain(b) in (None, "")) or _plain(a) == _plain(b)


def diff_fields(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if not _same(before.get(key), after.get(key))
    }


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """Field values as people read them: related objects by name, not by id."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            related = getattr(instance, name)
            values[name] = str(related) if related is not None else None
        else:
            values[name] = getattr(instance, field.attname)
    return values


def audit_log(*, actor, action: str, target: models.Model, changes: dict | None = None, reason: str = "") -> AuditEvent:
    """Record one change. Call it inside the transaction that makes the change."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=_plain(changes or {}),
        reason=reason,
    )
