from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("them/", views.period_create, name="period_create"),
    path("sao-chep/", views.period_clone, name="period_clone"),
    path("nhap-bo-chi-so/", views.framework_import, name="framework_import"),
    path("<int:year>/", views.period_detail, name="period_detail"),
    path("<int:year>/sua/", views.period_edit, name="period_edit"),
    path("<int:year>/giai-doan/", views.period_transition, name="period_transition"),
    path("<int:year>/them-bo-chi-so/", views.framework_add, name="framework_add"),
    path("<int:year>/xuat/", views.framework_export, name="framework_export"),
    path("bo-chi-so/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("bo-chi-so/<int:pk>/xoa/", views.framework_delete, name="framework_delete"),
    path("bo-chi-so/<int:pk>/them-tieu-chi/", views.criterion_add, name="criterion_add"),
    path("tieu-chi/<int:pk>/sua/", views.criterion_edit, name="criterion_edit"),
    path("tieu-chi/<int:pk>/xoa/", views.criterion_delete, name="criterion_delete"),
    path("tieu-chi/<int:pk>/di-chuyen/", views.criterion_move, name="criterion_move"),
]
