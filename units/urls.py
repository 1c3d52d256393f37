from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("them/", views.unit_create, name="create"),
    path("nhap/", views.units_import, name="import"),
    path("xuat/", views.units_export, name="export"),
    path("sap-xep/", views.lineage_import, name="lineage_import"),
    path("sap-xep/xuat/", views.lineage_export, name="lineage_export"),
    path("khoi/", views.block_list, name="blocks"),
    path("khoi/them/", views.block_edit, name="block_create"),
    path("khoi/<int:pk>/sua/", views.block_edit, name="block_edit"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/sua/", views.unit_edit, name="edit"),
    path("<int:pk>/nguoi-dung-dau/", views.unit_head_appoint, name="head_appoint"),
    path("<int:pk>/chuyen-nguoi-dung/", views.unit_members_transfer, name="members_transfer"),
]
