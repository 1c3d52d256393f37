from django.apps import AppConfig
from django.urls import reverse


def _hand_over_findings(sender, *, links, actor, **kwargs):
    """After a lineage import, the closed units' open shortcomings go to their successors (the
    rule is the service's)."""
    from .services import findings_hand_over

    findings_hand_over(actor=actor, links=links)


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Kiểm tra CCHC"

    def ready(self):
        from units.signals import lineage_imported

        lineage_imported.connect(_hand_over_findings, dispatch_uid="inspections.hand_over_findings")

    def menu_items(self, user):
        items = []
        if user.has_perm("inspections.view_inspections"):
            items.append(("Kiểm tra", reverse("inspections:plans"), "bi-clipboard-check", "inspections"))
        if user.has_perm("inspections.view_remediation"):
            items.append(("Khắc phục tồn tại", reverse("inspections:remediation"), "bi-wrench-adjustable", "remediation"))
        return items
