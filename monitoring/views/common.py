"""What every monitoring view shares: the role check (403) and the year of a URL."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def require(request, perm: str) -> None:
    """Pages of a role the user lacks answer 403 (monitoring/rules.py)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


def checked_year(year: int) -> int:
    """A year in a URL: one the app can hold (2000–2100), else there is no such page."""
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ.")
    return year


def query_without(request, *names: str) -> str:
    """The page's query string without `names` (the page number, a filter a link replaces)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
