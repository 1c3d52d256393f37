from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm Chỉ số CCHC"

    def menu_items(self, user):
        from django.urls import reverse

        if user.has_perm("scoring.view_periods"):
            return [("Kỳ đánh giá", reverse("scoring:period_list"), "bi-calendar3", "periods")]
        return []
