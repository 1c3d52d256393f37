from django.apps import AppConfig


_SHEET = ("self", "appraisal", "periods")
_RESULTS = ("results",)


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm Chỉ số CCHC"
    # The menu entry a page belongs to (units/context_processors.py): every page lives under
    # /chi-so/, the address of "Kỳ đánh giá", so the address alone would light that entry.
    nav_sections = {
        "scoring:my_assessment": _SHEET,
        "scoring:assessment_detail": _SHEET,
        "scoring:assessment_explanation": _SHEET,
        "scoring:score_history": _SHEET,
        "scoring:appraisal_queue": ("appraisal",),
        "scoring:appraisal_sheet": ("appraisal", "periods"),
        "scoring:assessment_finalization": ("appraisal", "periods"),
        "scoring:results_home": _RESULTS,
        "scoring:results_ranking_first": _RESULTS,
        "scoring:results_ranking": _RESULTS,
        "scoring:results_unit": _RESULTS,
        "scoring:results_overview": _RESULTS,
    }

    def menu_items(self, user):
        from django.urls import reverse

        items = []
        if user.has_perm("scoring.self_assess"):
            items.append(("Tự đánh giá", reverse("scoring:my_assessment"), "bi-pencil-square", "self"))
        if user.has_perm("scoring.appraise") and not user.has_perm("scoring.manage_assessments"):
            items.append(("Thẩm định", reverse("scoring:appraisal_queue"), "bi-clipboard-check", "appraisal"))
        if user.has_perm("scoring.view_results"):
            own = user.has_perm("scoring.self_assess") and not user.has_perm("scoring.view_results_unpublished") and not user.has_perm("scoring.view_overview")
            items.append(("Kết quả của đơn vị" if own else "Kết quả", reverse("scoring:results_home"), "bi-trophy", "results"))
        if user.has_perm("scoring.view_periods"):
            items.append(("Kỳ đánh giá", reverse("scoring:period_list"), "bi-calendar3", "periods"))
        return items
