from django.apps import AppConfig
from django.urls import reverse


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Theo dõi CCHC trong năm"

    def menu_items(self, user):
        if not user.has_perm("monitoring.view"):
            return []
        return [("Theo dõi CCHC", reverse("monitoring:home"), "bi-calendar2-check", "monitoring")]
