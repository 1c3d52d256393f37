from functools import cache

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
    return {"nav_items": items, "nav_active": _active(request, items), "user_role_labels": roles.labels_of(user)}


def _active(request, items) -> str | None:
    """The entry the page belongs to: the first entry of the menu its view is filed under (an
    app's `nav_sections`: view name → entry keys, in order); otherwise the entry with the longest
    address the page's address starts with."""
    match = getattr(request, "resolver_match", None)
    by_key = {key: url for _, url, _, key in items}
    for section in _nav_sections().get(match.view_name, ()) if match else ():
        if section in by_key:
            return by_key[section]
    prefixes = [url for _, url, _, _ in items if request.path.startswith(url)]
    return max(prefixes, key=len) if prefixes else None


@cache
def _nav_sections() -> dict[str, tuple[str, ...]]:
    """Read once: the installed apps do not change while the process runs."""
    from django.apps import apps

    sections = {}
    for config in apps.get_app_configs():
        sections.update(getattr(config, "nav_sections", {}))
    return sections


def _app_menus(user):
    """Menu entries contributed by the other apps, each guarded by its own permission."""
    from django.apps import apps

    entries = []
    for config in apps.get_app_configs():
        menu = getattr(config, "menu_items", None)
        if menu:
            entries.extend(menu(user))
    return entries
