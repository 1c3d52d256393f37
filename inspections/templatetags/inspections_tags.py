from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ warnings|get_item:visit.pk }}: look up a dict by a key held in a variable."""
    if not mapping:
        return []
    return mapping.get(key, [])
