from django.contrib import admin

from .models import DelegationMember, Finding, InspectionPlan, RemediationEvidence, RemediationReport, Team, Visit, VisitConclusion


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    raw_id_fields = ["unit", "user"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "number", "issued_on"]
    inlines = [DelegationMemberInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "leader"]
    list_select_related = ["plan", "leader"]
    filter_horizontal = ["members"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["plan", "team", "unit", "start_date", "end_date", "form", "status"]
    list_filter = ["plan", "status", "form"]
    list_select_related = ["plan", "team", "unit"]
    raw_id_fields = ["unit", "also_units"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["id", "visit", "field", "kind", "owner_unit", "deadline", "status", "overdue_since"]
    list_filter = ["kind", "status", "field"]
    list_select_related = ["visit", "visit__unit", "owner_unit"]
    search_fields = ["text", "recommendation", "owner_unit__name"]
    raw_id_fields = ["visit", "owner_unit", "created_by"]
    # Status changes go through the services (audit, state checks), not through the admin.
    readonly_fields = ["status", "overdue_since", "review_comment", "reviewed_at"]


class RemediationEvidenceInline(admin.TabularInline):
    model = RemediationEvidence
    extra = 0
    readonly_fields = ["file", "original_name", "size", "content_type"]


@admin.register(RemediationReport)
class RemediationReportAdmin(admin.ModelAdmin):
    list_display = ["id", "finding", "created_by", "created_at"]
    list_select_related = ["finding", "created_by"]
    raw_id_fields = ["finding"]
    inlines = [RemediationEvidenceInline]


@admin.register(VisitConclusion)
class VisitConclusionAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "visit", "signer_name"]
    list_select_related = ["visit", "visit__unit"]
