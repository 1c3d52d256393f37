from decimal import Decimal

from django import template

from scoring.models import format_score, parse_score
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
        return format_score(parse_score(value))
    except (ValueError, ArithmeticError):
        return str(value)


@register.filter
def levels(criterion):
    """The rule's levels, or [] when the rule is free (or, in old data, malformed)."""
    try:
        return criterion.allowed_values()
    except ValueError:
        return []
