"""How the change log names actions to people. Unknown actions show their code."""

ACTION_LABELS = {
    "unit.create": "Thêm đơn vị",
    "unit.update": "Sửa thông tin đơn vị",
    "unit.import_create": "Thêm đơn vị (nhập từ tệp)",
    "unit.import_update": "Cập nhật đơn vị (nhập từ tệp)",
    "unit.head_appoint": "Thay đổi người đứng đầu",
    "block.save": "Lưu khối",
    "score.self": "Tự đánh giá",
    "score.appraisal": "Thẩm định",
    "score.explanation": "Giải trình",
    "score.final": "Hoàn thiện điểm cuối cùng",
    "score.return": "Trả lại người thẩm định",
    "score.import": "Nhập điểm từ tệp",
    "evidence.add": "Thêm tài liệu kiểm chứng",
    "evidence.delete": "Xóa tài liệu kiểm chứng",
    "assessment.open": "Tạo phiếu đánh giá",
    "assessment.submit": "Nộp bản tự đánh giá",
    "assessment.close": "Khóa phiếu chưa nộp (hết hạn)",
    "assessment.reopen": "Mở lại phiếu tự đánh giá",
    "assignment.create": "Phân công thẩm định",
    "assignment.delete": "Xóa phân công thẩm định",
    "conflict.declare": "Khai báo xung đột lợi ích",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)
