"""The roles of the product, kept as auth groups (created by a data migration).

Group names are stable codes; the Vietnamese labels are what people see.
"""

STAFF = "sonv_staff"
COUNCIL = "council_member"
UNIT_EDITOR = "unit_editor"
INSPECTOR = "inspector"
LEADER = "leader"

LABELS = {
    STAFF: "Cán bộ Sở Nội vụ (thường trực)",
    COUNCIL: "Thành viên Hội đồng thẩm định",
    UNIT_EDITOR: "Cán bộ đầu mối CCHC của đơn vị",
    INSPECTOR: "Thành viên Đoàn kiểm tra",
    LEADER: "Lãnh đạo (chỉ xem)",
}

ALL = list(LABELS)


def roles_of(user) -> frozenset[str]:
    """The user's role codes, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_cchc_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {STAFF}
        user._cchc_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def labels_of(user) -> list[str]:
    return [LABELS[r] for r in ALL if r in roles_of(user)]
