from django import template

from scoring.models import display_score

register = template.Library()

BAND_CLASSES = {"Xuất sắc": "xuat-sac", "Tốt": "tot", "Khá": "kha", "Trung bình": "trung-binh", "Yếu": "yeu"}


@register.filter
def band_class(label: str) -> str:
    """'Trung bình' → 'band-trung-binh', the badge colour of a classification."""
    return "band-" + BAND_CLASSES.get(label, "yeu")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def points(value, decimals=2) -> str:
    """12.5 → '12,50' (`{{ x|points:period.decimals }}`: '12,500' in a 3-decimal period): what
    floatformat prints in Vietnamese, without its per-call locale work, which the ranking's
    hundreds of numbers per page made the page's largest cost."""
    if value is None or value == "":
        return ""
    return display_score(str(value), int(decimals or 2))
