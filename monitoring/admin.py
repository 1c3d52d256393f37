from django.contrib import admin

from .models import (
    EmulationRule,
    Initiative,
    PlanTask,
    ReformPlan,
    ReportDue,
    ReportSubmission,
    SelfInspection,
    SelfInspectionTarget,
    SubUnit,
)


@admin.register(ReformPlan)
class ReformPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "issued_on", "title"]


@admin.register(PlanTask)
class PlanTaskAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "field", "lead_unit", "deadline", "status", "overdue_since"]
    list_filter = ["plan", "status", "field"]
    list_select_related = ["plan", "lead_unit"]
    raw_id_fields = ["lead_unit", "supporting_units"]


@admin.register(ReportDue)
class ReportDueAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "due_date"]


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(admin.ModelAdmin):
    list_display = ["due", "unit", "original_name", "uploaded_at"]
    list_select_related = ["due", "unit"]
    raw_id_fields = ["unit"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["year", "unit", "title", "field", "status"]
    list_filter = ["year", "status", "field"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit", "adopters"]


@admin.register(SubUnit)
class SubUnitAdmin(admin.ModelAdmin):
    list_display = ["unit", "name", "kind", "listed_on", "removed_on"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]


@admin.register(SelfInspection)
class SelfInspectionAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "subunit", "planned_date", "form", "status"]
    list_select_related = ["unit", "subunit"]
    raw_id_fields = ["unit", "subunit"]


admin.site.register(SelfInspectionTarget)


@admin.register(EmulationRule)
class EmulationRuleAdmin(admin.ModelAdmin):
    list_display = ["period", "classifications", "top_n_per_block", "updated_at"]
    list_select_related = ["period"]
