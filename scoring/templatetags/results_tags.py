from decimal import ROUND_HALF_UP, Decimal

from django import template

CENT = Decimal("0.01")

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
def points(value) -> str:
    """12.5 → '12,50': what floatformat:2 prints in Vietnamese, without its per-call locale work,
    which the ranking's hundreds of numbers per page made the page's largest cost."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value:.2f}".replace(".", ",")
