"""The public results (no sign-in), as provinces publish them on their portals: only the years
whose results are published exist here."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.public_results_list, name="results_list"),
    path("<int:year>/", views.public_results, name="results"),
]
