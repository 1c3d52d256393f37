from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from units import views as unit_views

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("nhac-han/", unit_views.remind_now, name="remind_now"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("don-vi/", include("units.urls")),
    path("chi-so/", include("scoring.urls")),
    path("ket-qua/", include("scoring.public_urls")),
    path("kiem-tra/", include("inspections.urls")),
    path("van-ban/", include("reports.urls")),
    path("theo-doi/", include("monitoring.urls")),
    path("quan-tri/", admin.site.urls),
]

admin.site.site_header = "Quản trị hệ thống Chỉ số CCHC"
admin.site.site_title = "Quản trị CCHC"
admin.site.index_title = "Dữ liệu hệ thống"
