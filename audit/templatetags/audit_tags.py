from django import template
from django.contrib.contenttypes.models import ContentType

from audit.labels import action_label as _action_label
from audit.labels import changed_models, field_label, model_field

register = template.Library()

_BOOL = {True: "có", False: "không", "True": "có", "False": "không"}


@register.filter
def action_label(code: str) -> str:
    return _action_label(code)


def _shown(candidates, name: str, value):
    """A recorded value as people read it: yes/no, a choice by its label rather than its code, a
    list as one line; None for nothing (an empty text is no value either, but 0 is one)."""
    if value in (None, "") or value == []:
        return None
    if isinstance(value, bool) or value in ("True", "False"):
        return _BOOL[value]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    field = model_field(candidates, name)
    if field is not None and field.choices and isinstance(value, (str, int)):
        return dict(field.flatchoices).get(value, value)
    return value


def _pair(value) -> tuple[object, object]:
    return tuple((value + [None, None])[:2]) if isinstance(value, list) else (None, value)


@register.filter
def change_rows(event) -> list[tuple[str, object, object]]:
    """(field label, old, new) for each change of an audit event, in the model's words. Changes
    of one named row (a delegation member) come as `{name: {field: [old, new]}}`: one line each,
    labelled with the row's name."""
    # get_for_id is served from the content types' cache: no query per event.
    model = ContentType.objects.get_for_id(event.target_type_id).model_class()
    top = changed_models(model)
    rows = []
    for name, value in (event.changes or {}).items():
        if isinstance(value, dict):
            inner = top[::-1]
            for field, pair in value.items():
                old, new = _pair(pair)
                rows.append((f"{name} — {field_label(inner, field)}", _shown(inner, field, old), _shown(inner, field, new)))
            continue
        old, new = _pair(value)
        rows.append((field_label(top, name), _shown(top, name, old), _shown(top, name, new)))
    return rows
