from decimal import Decimal

from django import template

from scoring.tree import vn

register = template.Library()


@register.filter
def score(value):
    """2 → '2', Decimal('0.50') → '0,5': points as the province writes them."""
    if value in (None, ""):
        return ""
    return vn(Decimal(value))
