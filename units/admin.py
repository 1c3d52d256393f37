from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .forms import URL_FIELDS
from .models import Block, Unit, UnitHead, User


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "active"]
    list_display_links = ["code", "name"]


class UnitHeadInline(admin.TabularInline):
    model = UnitHead
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "block", "parent", "active"]
    list_filter = ["block", "active"]
    search_fields = ["code", "name", "search_key"]
    list_select_related = ["block", "parent"]
    raw_id_fields = ["parent"]
    inlines = [UnitHeadInline]
    formfield_overrides = URL_FIELDS


@admin.register(UnitHead)
class UnitHeadAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "unit", "start_date", "end_date"]
    search_fields = ["full_name", "unit__name"]
    list_select_related = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Đơn vị công tác", {"fields": ("full_name", "title", "unit")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Đơn vị công tác", {"fields": ("full_name", "title", "unit")}),)
    list_display = ["username", "full_name", "unit", "is_active", "is_superuser"]
    list_filter = BaseUserAdmin.list_filter + ("groups",)
    list_select_related = ["unit"]
    search_fields = ["username", "full_name", "email"]
