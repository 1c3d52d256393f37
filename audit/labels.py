"""How the change log names actions and changed fields to people. Unknown ones show their code."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

ACTION_LABELS = {
    # units
    "unit.create": "Thêm đơn vị",
    "unit.update": "Sửa thông tin đơn vị",
    "unit.import_create": "Thêm đơn vị (nhập từ tệp)",
    "unit.import_update": "Cập nhật đơn vị (nhập từ tệp)",
    "unit.head_appoint": "Thay đổi người đứng đầu",
    "block.save": "Lưu khối",
    "lineage.import": "Nhập sự kiện sắp xếp đơn vị",
    "unit.lineage_close": "Ngừng hoạt động theo sự kiện sắp xếp",
    "unit.lineage_parent": "Chuyển cấp trên theo sự kiện sắp xếp",
    "unit.members_transfer": "Chuyển người dùng của đơn vị đã ngừng hoạt động",
    "user.unit_transfer": "Chuyển đơn vị công tác hoặc khóa tài khoản (đơn vị ngừng hoạt động)",
    # periods and frameworks
    "period.create": "Tạo kỳ đánh giá",
    "period.update": "Sửa thông tin kỳ đánh giá",
    "period.settings": "Đổi số chữ số thập phân, cách xếp hạng của kỳ đánh giá",
    "period.phase": "Chuyển giai đoạn",
    "readiness.override": "Bỏ qua mục chưa hoàn thành (có lý do)",
    "reminder.send": "Gửi thư nhắc hạn ngay",
    "period.clone": "Tạo kỳ đánh giá từ bộ chỉ số năm trước",
    "period.import": "Nhập kỳ đánh giá từ bản lưu trữ",
    "roster.add": "Thêm đơn vị vào danh sách được đánh giá",
    "roster.move": "Chuyển khối của đơn vị trong danh sách được đánh giá",
    "roster.remove": "Bỏ đơn vị khỏi danh sách được đánh giá",
    "roster.fill": "Thêm các đơn vị đang hoạt động vào danh sách được đánh giá",
    "roster.copy": "Sao chép danh sách đơn vị được đánh giá năm trước",
    "framework.create": "Tạo bộ chỉ số",
    "framework.clone": "Sao chép bộ chỉ số năm trước",
    "framework.delete": "Xóa bộ chỉ số",
    "framework.import": "Nhập bộ chỉ số từ tệp",
    "criterion.create": "Thêm tiêu chí",
    "criterion.update": "Sửa tiêu chí",
    "criterion.delete": "Xóa tiêu chí",
    "criterion.move": "Đổi thứ tự tiêu chí",
    # assessments and scores
    "assessment.open": "Tạo phiếu đánh giá",
    "assessment.submit": "Nộp bản tự đánh giá",
    "assessment.close": "Khóa phiếu chưa nộp (hết hạn)",
    "assessment.reopen": "Mở lại phiếu tự đánh giá",
    "assignment.create": "Phân công thẩm định",
    "assignment.delete": "Xóa phân công thẩm định",
    "conflict.declare": "Khai báo xung đột lợi ích",
    "score.self": "Tự đánh giá",
    "score.appraisal": "Thẩm định",
    "score.explanation": "Giải trình",
    "score.final": "Hoàn thiện điểm cuối cùng",
    "score.return": "Trả lại người thẩm định",
    "score.import": "Nhập điểm từ tệp",
    "evidence.add": "Thêm tài liệu kiểm chứng",
    "evidence.delete": "Xóa tài liệu kiểm chứng",
    # results
    "approval.record": "Ghi nhận kết quả Hội đồng thông qua",
    "approval.decision": "Nhập quyết định phê duyệt",
    "approval.void": "Hủy kết quả Hội đồng thông qua",
    "head_rating.override": "Điều chỉnh đánh giá người đứng đầu",
    "head_rating.override_remove": "Bỏ điều chỉnh đánh giá người đứng đầu",
    # inspections
    "plan.create": "Tạo kế hoạch kiểm tra",
    "plan.update": "Sửa kế hoạch kiểm tra",
    "delegation.member_add": "Thêm thành viên đoàn kiểm tra",
    "delegation.member_update": "Sửa thông tin thành viên đoàn kiểm tra",
    "delegation.member_remove": "Đưa thành viên ra khỏi đoàn kiểm tra",
    "team.save": "Lưu tổ công tác",
    "team.delete": "Xóa tổ công tác",
    "visit.create": "Lên lịch kiểm tra",
    "visit.update": "Sửa lịch kiểm tra",
    "visit.done": "Đánh dấu đã kiểm tra",
    "visit.conclude": "Ghi thông báo kết luận kiểm tra",
    "finding.create": "Ghi kết quả kiểm tra",
    "finding.update": "Sửa kết quả kiểm tra",
    "finding.delete": "Xóa kết quả kiểm tra",
    "finding.report": "Đơn vị báo cáo khắc phục",
    "finding.accept": "Sở Nội vụ xác nhận đã khắc phục",
    "finding.return": "Sở Nội vụ trả lại báo cáo",
    "finding.overdue": "Quá thời hạn khắc phục",
    "finding.import_status": "Cập nhật tình trạng từ tệp",
    "finding.hand_over": "Chuyển tồn tại cho đơn vị kế thừa",
    "finding.handover_propose": "Đề xuất đơn vị kế thừa tiếp nhận tồn tại (chia tách)",
    "finding.handover_confirm": "Xác nhận đơn vị kế thừa tiếp nhận tồn tại",
    # year-round monitoring (monitoring/)
    "reform_plan.create": "Tạo kế hoạch CCHC năm",
    "reform_plan.update": "Sửa kế hoạch CCHC năm",
    "plan_task.create": "Thêm nhiệm vụ của kế hoạch CCHC",
    "plan_task.update": "Sửa nhiệm vụ của kế hoạch CCHC",
    "plan_task.import_create": "Thêm nhiệm vụ (nhập từ tệp)",
    "plan_task.import_update": "Cập nhật nhiệm vụ (nhập từ tệp)",
    "plan_task.report": "Đơn vị báo cáo thực hiện nhiệm vụ",
    "plan_task.accept": "Sở Nội vụ xác nhận hoàn thành nhiệm vụ",
    "plan_task.return": "Sở Nội vụ trả lại báo cáo hoàn thành",
    "plan_task.overdue": "Nhiệm vụ quá hạn",
    "report_due.set": "Đặt hạn gửi báo cáo định kỳ",
    "report.submit": "Đơn vị gửi báo cáo định kỳ",
    "report.remind": "Gửi thư nhắc báo cáo định kỳ ngay",
    "initiative.register": "Đăng ký mô hình, sáng kiến",
    "initiative.update": "Sửa mô hình, sáng kiến",
    "initiative.start": "Bắt đầu triển khai mô hình, sáng kiến",
    "initiative.recognise": "Công nhận mô hình, sáng kiến",
    "initiative.replicate": "Ghi nhận nhân rộng mô hình, sáng kiến",
    "subunit.add": "Thêm phòng, đơn vị trực thuộc vào danh sách",
    "subunit.update": "Sửa phòng, đơn vị trực thuộc",
    "subunit.remove": "Bỏ phòng, đơn vị trực thuộc khỏi danh sách",
    "self_inspection_target.set": "Đặt tỷ lệ tự kiểm tra tối thiểu",
    "self_inspection.plan": "Thêm vào kế hoạch tự kiểm tra",
    "self_inspection.update": "Sửa kế hoạch tự kiểm tra",
    "self_inspection.record": "Ghi kết quả tự kiểm tra",
    "self_inspection.finding_add": "Ghi ưu điểm, tồn tại khi tự kiểm tra",
    "emulation_rule.set": "Đặt tiêu chí đề nghị khen thưởng (hồ sơ thi đua)",
    # documents
    "document.request": "Yêu cầu tạo văn bản",
    "document.requeue": "Gửi lại yêu cầu tạo văn bản",
}

# Changes recorded on a parent about one of its rows use that row's field names: a criterion's
# on its framework, an approval's on its period, a delegation member's on the plan.
CHANGED_ROWS_OF = {
    "scoring.framework": "scoring.criterion",
    "scoring.period": "scoring.approval",
    "inspections.inspectionplan": "inspections.delegationmember",
}

# Changes that are not a field of the target nor of its rows: names, counts and links.
FIELD_LABELS = {
    "head": "người đứng đầu",
    "head_title": "chức vụ người đứng đầu",
    "lineage": "quan hệ kế thừa và thay đổi cấp trên",
    "members": "người dùng của đơn vị",
    "phase": "giai đoạn",
    "source": "sao chép từ năm",
    "framework": "bộ chỉ số",
    "criteria": "số tiêu chí",
    "descendants": "số tiêu chí con",
    "total": "tổng điểm tối đa",
    "approval": "kết quả Hội đồng thông qua",
    "rows": "số đơn vị được xếp hạng",
    "archive": "bản lưu trữ",
    "exported_at": "thời điểm xuất bản lưu trữ",
    "assessments": "số phiếu đánh giá",
    "units": "các đơn vị",
    "unit": "đơn vị",
    "block": "khối",
    "assignment": "phân công thẩm định",
    "head_rating": "đánh giá người đứng đầu",
    "member": "thành viên đoàn",
    "team": "tổ công tác",
    "conclusion": "thông báo kết luận",
    "finding": "kết quả kiểm tra",
    "evidence": "tài liệu khắc phục",
    "responsible_unit": "đơn vị khắc phục",
    "candidates": "đơn vị kế thừa được đề xuất",
    "step": "bước",
    "items": "mục chưa hoàn thành",
    "recipients": "người nhận",
    "files": "tệp đính kèm",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def changed_models(model: type[models.Model] | None) -> list[type[models.Model]]:
    """The models whose field names the changes of an event on `model` use, in lookup order."""
    if model is None:
        return []
    rows = CHANGED_ROWS_OF.get(model._meta.label_lower)
    return [model, apps.get_model(rows)] if rows else [model]


def model_field(candidates: list[type[models.Model]], name: str) -> models.Field | None:
    """The first of `candidates`' own fields called `name` (reverse relations are not fields)."""
    for model in candidates:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not (field.auto_created and not field.concrete):
            return field
    return None


def field_label(candidates: list[type[models.Model]], name: str) -> str:
    field = model_field(candidates, name)
    return str(field.verbose_name) if field is not None else FIELD_LABELS.get(name, name)
