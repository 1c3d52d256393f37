from decimal import Decimal

from django import template

from scoring.models import STORED_DECIMALS, format_score, parse_score
from scoring.tree import vn

register = template.Library()


@register.filter
def score(value):
    """2 → '2', Decimal('0.50') → '0,5': points as the province writes them."""
    if value in (None, ""):
        return ""
    try:
        return vn(Decimal(value))
    except ArithmeticError:  # what a person typed that is not a number ("1,2,3") is shown as typed
        return value


@register.filter
def plain(value):
    """A score as a form value ('0.5'), so that typed '0,5' and stored 0.50 compare equal."""
    if value in (None, ""):
        return ""
    try:
        return format_score(parse_score(value, STORED_DECIMALS))  # any stored value, whatever the period's places
    except (ValueError, ArithmeticError):
        return str(value)


@register.filter
def levels(criterion):
    """The rule's levels, or [] when the rule is free (or, in old data, malformed)."""
    try:
        return criterion.allowed_values()
    except ValueError:
        return []


@register.filter
def input_rows(criterion, figures):
    """A computed row's input boxes: each declared input with the figure to show in it ('12,5':
    as people type it), from a stage's stored figures or what was just typed."""
    figures = figures or {}
    return [
        {
            "name": spec.name,
            "label": spec.label,
            "unit": spec.unit,
            "type": spec.type,
            "placeholder": spec.placeholder,
            "value": str(figures.get(spec.name, "") or "").replace(".", ","),
        }
        for spec in criterion.input_specs
    ]
