from django.apps import AppConfig
from django.urls import reverse


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Kiểm tra CCHC"

    def menu_items(self, user):
        items = []
        if user.has_perm("inspections.view_inspections"):
            items.append(("Kiểm tra", reverse("inspections:plans"), "bi-clipboard-check", "inspections"))
        if user.has_perm("inspections.view_remediation"):
            items.append(("Khắc phục tồn tại", reverse("inspections:remediation"), "bi-wrench-adjustable", "remediation"))
        return items
