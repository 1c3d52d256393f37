from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("ke-hoach/them/", views.plan_edit, name="plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/doan-kiem-tra/", views.plan_delegation, name="delegation"),
    path("ke-hoach/<int:pk>/thanh-vien/<int:member_pk>/sua/", views.member_edit, name="member_edit"),
    path("ke-hoach/<int:pk>/thanh-vien/<int:member_pk>/xoa/", views.member_remove, name="member_remove"),
    path("ke-hoach/<int:pk>/to/them/", views.team_edit, name="team_create"),
    path("ke-hoach/<int:pk>/to/<int:team_pk>/sua/", views.team_edit, name="team_edit"),
    path("ke-hoach/<int:pk>/to/<int:team_pk>/xoa/", views.team_delete, name="team_delete"),
    path("ke-hoach/<int:plan_pk>/cuoc-kiem-tra/them/", views.visit_edit, name="visit_create"),
    path("lich/", views.schedule, name="schedule"),
    path("cuoc-kiem-tra/<int:pk>/", views.visit_detail, name="visit"),
    path("cuoc-kiem-tra/<int:pk>/sua/", views.visit_edit, name="visit_edit"),
    path("cuoc-kiem-tra/<int:pk>/da-kiem-tra/", views.visit_done, name="visit_done"),
    path("cuoc-kiem-tra/<int:pk>/ket-luan/", views.visit_conclude, name="visit_conclude"),
    path("cuoc-kiem-tra/<int:pk>/ket-qua/", views.visit_findings, name="visit_findings"),
    path("cuoc-kiem-tra/<int:pk>/ket-qua/them/", views.finding_add, name="finding_add"),
    path("ket-qua/<int:pk>/", views.finding_detail, name="finding"),
    path("ket-qua/<int:pk>/sua/", views.finding_edit, name="finding_edit"),
    path("ket-qua/<int:pk>/xoa/", views.finding_delete, name="finding_delete"),
    path("ket-qua/<int:pk>/bao-cao-khac-phuc/", views.finding_report, name="finding_report"),
    path("ket-qua/<int:pk>/xac-nhan/", views.finding_decide, {"decision": "accept"}, name="finding_accept"),
    path("ket-qua/<int:pk>/tra-lai/", views.finding_decide, {"decision": "return"}, name="finding_return"),
    path("ket-qua/<int:pk>/giao-don-vi-tiep-nhan/", views.handover_confirm, name="handover_confirm"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence"),
    path("khac-phuc/", views.remediation_list, name="remediation"),
    path("xet-duyet/", views.review_queue, name="review"),
    path("chuyen-giao/", views.handovers, name="handovers"),
    path("qua-han/", views.overdue_list, name="overdue"),
    path("theo-doi/", views.tracker, name="tracker"),
    path("theo-doi/xuat/", views.tracker_export, name="tracker_export"),
    path("theo-doi/nhap/", views.tracker_import, name="tracker_import"),
]
