"""Reads of the registry of models and initiatives: the searchable list, one initiative, the export."""

from django.db.models import Prefetch, Q, QuerySet

from units.models import Unit
from units.text import search_words

from ..models import Initiative, InitiativeEvidence
from ..scope import initiatives_for_user

EXPORT_COLUMNS = [
    "nam", "don_vi", "ten_don_vi", "ten_mo_hinh_sang_kien", "linh_vuc", "tinh_trang", "trien_khai_tu",
    "so_quyet_dinh", "ngay_quyet_dinh", "don_vi_nhan_rong", "mo_ta",
]


def _with_context(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return initiatives.select_related("unit").prefetch_related(Prefetch("adopters", queryset=Unit.objects.order_by("code")))


def initiative_list(*, user, q: str = "", year: int | None = None, field: str = "", status: str = "", unit: Unit | None = None) -> QuerySet[Initiative]:
    """The initiatives the user may see, narrowed by year, field, status, unit and by words found
    at the start of a word of the title, the description or the unit's name, accents or not
    ("mot cua" finds "Một cửa"), as the units directory searches."""
    initiatives = initiatives_for_user(user)
    if year:
        initiatives = initiatives.filter(year=year)
    if field:
        initiatives = initiatives.filter(field=field)
    if status:
        initiatives = initiatives.filter(status=status)
    if unit is not None:
        initiatives = initiatives.filter(unit=unit)
    for word in search_words(q):
        initiatives = initiatives.filter(
            Q(search_key__startswith=word) | Q(search_key__contains=" " + word)
            | Q(unit__search_key__startswith=word) | Q(unit__search_key__contains=" " + word)
        )
    return _with_context(initiatives).order_by("-year", "unit__code", "id")


def initiative_detail(*, initiative: Initiative) -> Initiative:
    evidence = InitiativeEvidence.objects.select_related("uploaded_by").order_by("id")
    return _with_context(Initiative.objects.filter(pk=initiative.pk)).prefetch_related(Prefetch("evidence", queryset=evidence)).get()


def initiative_export_rows(initiatives) -> list[list]:
    rows = []
    for item in initiatives:
        rows.append(
            [
                item.year,
                item.unit.code,
                item.unit.name,
                item.title,
                f"{item.field}. {item.get_field_display()}",
                item.get_status_display(),
                item.implementing_since.strftime("%d/%m/%Y") if item.implementing_since else "",
                item.decision_number,
                item.decision_date.strftime("%d/%m/%Y") if item.decision_date else "",
                ", ".join(u.code for u in item.adopters.all()),
                item.description,
            ]
        )
    return rows
