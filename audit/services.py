from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

# Rows per INSERT in `audit_log_many`: well under every backend's limit on query parameters.
BULK_BATCH_SIZE = 500


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


def _actor(actor):
    # A task, a management command or an anonymous request acts as the system: no user recorded.
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _event(*, actor, action: str, target: models.Model, changes: dict | None, reason: str, target_type: ContentType) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=_plain(changes or {}),
        reason=reason,
    )


def audit_log(*, actor, action: str, target: models.Model, changes: dict | None = None, reason: str = "") -> AuditEvent:
    """Record one change. Call it inside the transaction that makes the change."""
    target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
    event = _event(actor=_actor(actor), action=action, target=target, changes=changes, reason=reason, target_type=target_type)
    event.save()
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One target's change in `audit_log_many`."""

    target: models.Model
    changes: dict | None = None
    reason: str = ""


def audit_log_many(*, actor, action: str, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """Record the same action by the same actor on many targets, in a few INSERTs: the rows are
    the ones `audit_log` would write one by one, in the order of `entries`. Call it inside the
    transaction that makes the changes."""
    actor = _actor(actor)
    target_types: dict[type, ContentType] = {}
    events = []
    for entry in entries:
        model = type(entry.target)
        if model not in target_types:
            target_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True)
        events.append(
            _event(
                actor=actor, action=action, target=entry.target, changes=entry.changes, reason=entry.reason,
                target_type=target_types[model],
            )
        )
    return AuditEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)


def save_audited(
    instance: models.Model,
    before: dict,
    *,
    actor,
    action: str,
    fields: list[str],
    target: models.Model | None = None,
    extra: dict | None = None,
    reason: str = "",
    update_fields: list[str] | None = None,
) -> dict:
    """Save `instance` and record what changed since `before`, its `snapshot` of `fields` taken
    once the row was locked (`{}` for a new row). Nothing is written when nothing changed; a new
    row is always saved and recorded. The event is about `target` (the instance itself unless
    given); `extra` entries go with the changes, to name what changed on that target. Returns the
    changes recorded, `{}` when there were none."""
    changes = diff_fields(before, snapshot(instance, fields))
    if not changes and not instance._state.adding:
        return {}
    instance.save(update_fields=update_fields)
    changes.update(extra or {})
    audit_log(actor=actor, action=action, target=target if target is not None else instance, changes=changes, reason=reason)
    return changes
