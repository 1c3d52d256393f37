from django.urls import reverse

from . import roles


def navigation(request):
    """The menu shows each role what it may use; the views still check on every request."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Đơn vị", reverse("units:list"), "bi-building", "units")]
    if user.has_perm("units.manage_units"):
        items.append(("Khối", reverse("units:blocks"), "bi-diagram-3", "blocks"))
    for extra in _app_menus(user):
        items.append(extra)
    prefixes = [url for _, url, _, _ in items if request.path.startswith(url)]
    active = max(prefixes, key=len) if prefixes else None
    return {"nav_items": items, "nav_active": active, "user_role_labels": roles.labels_of(user)}


def _app_menus(user):
    """Menu entries contributed by the other apps, each guarded by its own permission."""
    from django.apps import apps

    entries = []
    for config in apps.get_app_configs():
        menu = getattr(config, "menu_items", None)
        if menu:
            entries.extend(menu(user))
    return entries
