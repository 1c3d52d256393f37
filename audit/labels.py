"""How the change log names actions to people. Unknown actions show their code."""

ACTION_LABELS = {
    "unit.create": "Thêm đơn vị",
    "unit.update": "Sửa thông tin đơn vị",
    "unit.import_create": "Thêm đơn vị (nhập từ tệp)",
    "unit.import_update": "Cập nhật đơn vị (nhập từ tệp)",
    "unit.head_appoint": "Thay đổi người đứng đầu",
    "block.save": "Lưu khối",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)
