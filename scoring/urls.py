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
    # The scoring cycle
    path("tu-danh-gia/", views.my_assessment, name="my_assessment"),
    path("tham-dinh/", views.appraisal_queue, name="appraisal_queue"),
    path("<int:year>/phan-cong/", views.assignments, name="assignments"),
    path("phan-cong/<int:pk>/xoa/", views.assignment_delete, name="assignment_delete"),
    path("<int:year>/tien-do/", views.appraisal_progress, name="appraisal_progress"),
    path("<int:year>/tao-phieu/", views.assessments_create_missing, name="assessments_create_missing"),
    path("<int:year>/nhap-diem/", views.score_import, name="score_import"),
    path("phieu/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("phieu/<int:pk>/nop/", views.assessment_submit, name="assessment_submit"),
    path("phieu/<int:pk>/mo-lai/", views.assessment_reopen, name="assessment_reopen"),
    path("phieu/<int:pk>/tham-dinh/<str:field>/", views.appraisal_sheet, name="appraisal_sheet"),
    path("phieu/<int:pk>/xung-dot/", views.conflict_declare, name="conflict_declare"),
    path("phieu/<int:pk>/giai-trinh/", views.assessment_explanation, name="assessment_explanation"),
    path("phieu/<int:pk>/hoan-thien/", views.assessment_finalization, name="assessment_finalization"),
    path("diem/<int:pk>/tu-danh-gia/", views.score_self, name="score_self"),
    path("diem/<int:pk>/tham-dinh/", views.score_appraise, name="score_appraise"),
    path("diem/<int:pk>/giai-trinh/", views.score_explain, name="score_explain"),
    path("diem/<int:pk>/hoan-thien/", views.score_finalize, name="score_finalize"),
    path("diem/<int:pk>/tra-lai/", views.score_return, name="score_return"),
    path("diem/<int:pk>/lich-su/", views.score_history, name="score_history"),
    path("diem/<int:pk>/tai-lieu/", views.evidence_upload, name="evidence_upload"),
    path("tai-lieu/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("tai-lieu/<int:pk>/xoa/", views.evidence_delete, name="evidence_delete"),
]
