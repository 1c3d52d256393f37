from django.apps import AppConfig
from django.urls import reverse


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo, văn bản"

    def menu_items(self, user):
        if user.has_perm("reports.view_documents"):
            return [("Văn bản", reverse("reports:list"), "bi-file-earmark-pdf", "documents")]
        return []
