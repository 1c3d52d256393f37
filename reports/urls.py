from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/tai-ve/", views.document_download, name="download"),
    path("bang/<slug:kind>/<int:subject_id>/", views.document_panel, name="panel"),
    path("tao/<slug:kind>/<int:subject_id>/", views.document_request, name="request"),
]
