from django.contrib import admin

from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the request service and the rendering task."""

    list_display = ["title", "kind", "status", "requested_by", "requested_at", "pages", "size"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "sha256", "fingerprint"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
