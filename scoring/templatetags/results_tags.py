from django import template

register = template.Library()

BAND_CLASSES = {"Xuất sắc": "xuat-sac", "Tốt": "tot", "Khá": "kha", "Trung bình": "trung-binh", "Yếu": "yeu"}


@register.filter
def band_class(label: str) -> str:
    """'Trung bình' → 'band-trung-binh', the badge colour of a classification."""
    return "band-" + BAND_CLASSES.get(label, "yeu")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
