from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.home, name="home"),
    # 1. Kế hoạch CCHC năm
    path("ke-hoach/", views.plan_list, name="plans"),
    path("ke-hoach/them/", views.plan_edit, name="plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/nhap/", views.plan_import, name="plan_import"),
    path("ke-hoach/<int:pk>/xuat/", views.plan_export, name="plan_export"),
    path("ke-hoach/<int:plan_pk>/nhiem-vu/them/", views.task_edit, name="task_create"),
    path("nhiem-vu/", views.my_tasks, name="my_tasks"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.task_report, name="task_report"),
    path("nhiem-vu/<int:pk>/xac-nhan/", views.task_decide, {"decision": "accept"}, name="task_accept"),
    path("nhiem-vu/<int:pk>/tra-lai/", views.task_decide, {"decision": "return"}, name="task_return"),
    path("minh-chung/<int:pk>/", views.task_evidence, name="task_evidence"),
    # 2. Báo cáo định kỳ
    path("bao-cao-dinh-ky/", views.reports_home, name="reports_home"),
    path("bao-cao-dinh-ky/nhac-han/", views.report_remind, name="report_remind"),
    path("bao-cao-dinh-ky/<int:year>/", views.report_year, name="reports"),
    path("bao-cao-dinh-ky/<int:year>/lich/", views.report_calendar, name="report_calendar"),
    path("bao-cao-dinh-ky/ky/<int:pk>/gui/", views.report_submit, name="report_submit"),
    path("bao-cao-dinh-ky/tep/<int:pk>/", views.report_file, name="report_file"),
    # 3. Mô hình, sáng kiến
    path("sang-kien/", views.initiative_list, name="initiatives"),
    path("sang-kien/xuat/", views.initiative_export, name="initiative_export"),
    path("sang-kien/dang-ky/", views.initiative_register, name="initiative_register"),
    path("sang-kien/<int:pk>/", views.initiative_detail, name="initiative"),
    path("sang-kien/<int:pk>/sua/", views.initiative_edit, name="initiative_edit"),
    path("sang-kien/<int:pk>/trien-khai/", views.initiative_start, name="initiative_start"),
    path("sang-kien/<int:pk>/cong-nhan/", views.initiative_recognise, name="initiative_recognise"),
    path("sang-kien/<int:pk>/nhan-rong/", views.initiative_replicate, name="initiative_replicate"),
    path("sang-kien/tai-lieu/<int:pk>/", views.initiative_evidence, name="initiative_evidence"),
    # 4. Tự kiểm tra của đơn vị
    path("tu-kiem-tra/", views.self_home, name="self_home"),
    path("tu-kiem-tra/tong-hop/<int:year>/", views.self_overview, name="self_overview"),
    path("tu-kiem-tra/tong-hop/<int:year>/ty-le/", views.self_target, name="self_target"),
    path("tu-kiem-tra/don-vi/<int:unit_pk>/<int:year>/", views.self_unit, name="self_unit"),
    path("tu-kiem-tra/don-vi/<int:unit_pk>/danh-sach/them/", views.subunit_add, name="subunit_add"),
    path("tu-kiem-tra/don-vi/<int:unit_pk>/<int:year>/ke-hoach/them/", views.self_inspection_edit, name="self_inspection_create"),
    path("tu-kiem-tra/danh-sach/<int:pk>/sua/", views.subunit_edit, name="subunit_edit"),
    path("tu-kiem-tra/danh-sach/<int:pk>/bo/", views.subunit_remove, name="subunit_remove"),
    path("tu-kiem-tra/cuoc/<int:pk>/", views.self_inspection_detail, name="self_inspection"),
    path("tu-kiem-tra/cuoc/<int:pk>/sua/", views.self_inspection_edit, name="self_inspection_edit"),
    path("tu-kiem-tra/cuoc/<int:pk>/ket-qua/", views.self_inspection_result, name="self_inspection_result"),
    path("tu-kiem-tra/cuoc/<int:pk>/ket-qua/them/", views.self_inspection_finding_add, name="self_inspection_finding_add"),
    # 5. Hồ sơ thi đua, khen thưởng
    path("thi-dua/", views.emulation_home, name="emulation_home"),
    path("thi-dua/<int:year>/", views.emulation, name="emulation"),
    path("thi-dua/<int:year>/tieu-chi/", views.emulation_rule, name="emulation_rule"),
    path("thi-dua/<int:year>/tai-ve.xlsx", views.emulation_file, {"fmt": "xlsx"}, name="emulation_xlsx"),
    path("thi-dua/<int:year>/tai-ve.docx", views.emulation_file, {"fmt": "docx"}, name="emulation_docx"),
]
