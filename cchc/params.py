"""Numbers read from a query string or a form: an id, a year.

A view that hands such a value straight to `int()` or to the database answers 500 for "abc",
for "²" (a digit to `str.isdigit`, not to `int`) or for a number no database column can hold
(SQLite and PostgreSQL stop at 2**63 - 1). Read them here instead.
"""

from django.http import Http404

LARGEST_ID = 2**63 - 1


def int_param(query, name: str, default: int | None = None) -> int | None:
    """The whole number `query[name]` holds, or `default` when it is absent or empty.

    Anything else (letters, signs, other scripts' digits, more than a database can hold) names a
    row that cannot exist, and is answered like one: 404."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > LARGEST_ID:
        raise Http404(f"Tham số “{name}” không hợp lệ.")
    return int(raw)
