from django import template
from django.core.exceptions import FieldDoesNotExist

from audit.labels import action_label as _action_label

register = template.Library()

_BOOL = {True: "có", False: "không", "True": "có", "False": "không"}
_EXTRA = {"head": "người đứng đầu", "head_title": "chức vụ người đứng đầu", "phase": "giai đoạn"}


@register.filter
def action_label(code: str) -> str:
    return _action_label(code)


@register.filter
def change_rows(event) -> list[tuple[str, object, object]]:
    """(field label, old, new) for each change of an audit event, in the model's words."""
    model = event.target_type.model_class()
    rows = []
    for name, pair in (event.changes or {}).items():
        try:
            label = model._meta.get_field(name).verbose_name if model else name
        except FieldDoesNotExist:
            label = _EXTRA.get(name, name)
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((label, _BOOL.get(old, old), _BOOL.get(new, new)))
    return rows
