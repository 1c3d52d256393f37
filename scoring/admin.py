from django.contrib import admin

from .models import Criterion, Framework, Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "phase", "self_assessment_deadline", "appraisal_deadline"]
    list_filter = ["phase"]
    # The phase moves only through the audited services (the period page or `period_phase`).
    readonly_fields = ["phase"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["code", "title", "max_score", "kind", "order"]
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "period", "block"]
    list_filter = ["period", "block"]
    list_select_related = ["period", "block"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "max_score", "kind", "framework"]
    list_filter = ["framework__period", "framework__block", "kind"]
    list_select_related = ["framework__period", "framework__block"]
    search_fields = ["code", "title"]
    raw_id_fields = ["parent"]
