"""Demo data of inspections: Hà Tĩnh's 2022 visit to Thạch Hà and its 2023 plan (two teams, three
districts with their communes), with findings like those reported and remediation in every state;
after the 2025 reform, the 2026 plan of the two-tier province (`seed_2026`)."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from units.models import Unit, User

from . import services
from .models import DelegationMember, Field, Finding, InspectionPlan, Visit

D = datetime.date
ROLE = DelegationMember.Role
KIND = Finding.Kind
SEV = Finding.Severity

# A tiny valid PDF, so that the demo's evidence downloads open in a reader.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(stdout) -> None:
    if InspectionPlan.objects.filter(year__in=[2022, 2023]).exists():
        stdout.write("Kiểm tra CCHC: dữ liệu mẫu đã có, bỏ qua.")
        return
    with transaction.atomic():
        units = {u.code: u for u in Unit.objects.all()}
        users = {u.username: u for u in User.objects.filter(username__in=["kiemtra", "sonv", "dm.thachha", "dm.thachvan"])}
        _seed_2022(units, users)
        _seed_2023(units, users)
    marked = services.findings_mark_overdue(today=timezone.localdate())
    stdout.write(
        f"Kiểm tra CCHC: 2 kế hoạch, {Visit.objects.count()} cuộc kiểm tra, "
        f"{Finding.objects.count()} kết quả kiểm tra ({marked} tồn tại quá hạn)."
    )


def _report(finding, user, text, filename=None):
    files = [ContentFile(DEMO_PDF, name=filename)] if filename else []
    services.finding_report_remediation(actor=user, finding=finding, text=text, files=files)


def _seed_2022(units, users):
    staff = users.get("sonv")
    plan = services.plan_save(
        actor=None,
        year=2022,
        title="Kế hoạch kiểm tra công tác CCHC năm 2022",
        number="98/KH-UBND",
        issued_on=D(2022, 3, 15),
        issuer="UBND tỉnh Hà Tĩnh",
        purpose="Kiểm tra việc triển khai nhiệm vụ CCHC năm 2022 và việc khắc phục tồn tại, hạn chế qua thẩm định Chỉ số CCHC năm 2021.",
        all_districts=False,
        min_districts=1,
        min_communes_per_district=2,
        start_date=D(2022, 7, 1),
        end_date=D(2022, 9, 30),
    )
    head = services.member_save(actor=None, plan=plan, full_name="Lê Thị Thu", title="Phó Giám đốc Sở Nội vụ", unit=units["SNV"], role=ROLE.HEAD)
    member = services.member_save(actor=None, plan=plan, full_name="Nguyễn Thị Hà", title="Chuyên viên Phòng CCHC", unit=units["SNV"], user=staff, role=ROLE.SECRETARY)
    stttt = services.member_save(actor=None, plan=plan, full_name="Trần Quốc Khánh", title="Phó Chánh Văn phòng Sở", unit=units["STTTT"], role=ROLE.MEMBER)
    team = services.team_save(actor=None, plan=plan, number=1, leader=head, members=[member, stttt])
    visit = services.visit_save(
        actor=None,
        plan=plan,
        team=team,
        unit=units["H-TH"],
        also_units=[units["X-THACHLAC"], units["X-THACHVAN"]],
        start_date=D(2022, 7, 21),
        end_date=D(2022, 7, 21),
        form=Visit.Form.IN_PERSON,
        notes="Buổi sáng kiểm tra UBND xã Thạch Lạc và Thạch Văn; buổi chiều làm việc với UBND huyện Thạch Hà.",
    )
    add = lambda **kw: services.finding_create(actor=staff, visit=visit, **kw)  # noqa: E731
    add(field=Field.DIRECTION, kind=KIND.STRENGTH, text="Huyện ban hành kịp thời kế hoạch CCHC năm 2022; người đứng đầu quan tâm chỉ đạo.")
    add(field=Field.PROCEDURES, kind=KIND.STRENGTH, text="Bộ phận một cửa cấp huyện bố trí khoa học, niêm yết công khai đầy đủ thủ tục hành chính.")
    add(
        field=Field.DIRECTION, kind=KIND.SHORTCOMING, severity=SEV.HIGH, owner_unit=units["H-TH"], deadline=D(2022, 12, 31),
        text="Việc khắc phục tồn tại, hạn chế qua thẩm định Chỉ số CCHC năm 2021 còn hạn chế.",
        recommendation="Khắc phục dứt điểm các tồn tại, hạn chế năm 2021 và các tồn tại mới phát hiện qua kiểm tra.",
    )
    f2 = add(
        field=Field.DIGITAL_GOVERNMENT, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["X-THACHVAN"], deadline=D(2022, 12, 31),
        text="Tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3, 4 phát sinh trên tổng số hồ sơ còn thấp.",
        recommendation="Đẩy mạnh tuyên truyền, hướng dẫn người dân nộp hồ sơ dịch vụ công trực tuyến.",
    )
    add(
        field=Field.CIVIL_SERVICE, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["X-THACHLAC"], deadline=D(2022, 12, 31),
        text="Công tác đào tạo, bồi dưỡng cán bộ, công chức cấp xã chưa thường xuyên.",
        recommendation="Tổ chức đào tạo, bồi dưỡng, nhất là cho cán bộ, công chức cấp xã.",
    )
    f4 = add(
        field=Field.DIGITAL_GOVERNMENT, kind=KIND.SHORTCOMING, severity=SEV.LOW, owner_unit=units["H-TH"], deadline=D(2022, 12, 31),
        text="Việc ký số văn bản đi của một số phòng chuyên môn chưa đầy đủ.",
        recommendation="Chỉ đạo 100% văn bản đi được ký số và gửi trên hệ thống quản lý văn bản.",
    )
    services.visit_mark_done(actor=staff, visit=visit)
    services.visit_conclude(
        actor=staff, visit=visit, number="312/TB-ĐKT", date=D(2022, 8, 5), signer_name="Lê Thị Thu",
        signer_title="Phó Giám đốc Sở Nội vụ, Trưởng đoàn kiểm tra",
        summary="UBND huyện Thạch Hà đã triển khai tương đối đầy đủ nhiệm vụ CCHC; còn một số tồn tại cần khắc phục trước 31/12/2022.",
    )
    thachha, thachvan = users.get("dm.thachha"), users.get("dm.thachvan")
    # Thạch Hà remedied the digital-signature item; Sở Nội vụ accepted it.
    _report(f4, thachha, "Ban hành Công văn số 1520/UBND-VP ngày 10/10/2022; từ tháng 11/2022 100% văn bản đi được ký số.", "cong-van-1520-ky-so.pdf")
    services.finding_accept(actor=staff, finding=f4, comment="Đã kiểm tra trên hệ thống quản lý văn bản.")
    # Thạch Văn reported once, was returned, and has not reported again: open and overdue.
    _report(f2, thachvan, "Đã tuyên truyền trên loa truyền thanh xã.")
    services.finding_return(actor=staff, finding=f2, comment="Chưa có số liệu tỷ lệ hồ sơ trực tuyến sau khi tuyên truyền; bổ sung báo cáo số liệu quý IV.")
    # Thạch Hà's main shortcoming and Thạch Lạc's training item stay open past their deadline.


def _seed_2023(units, users):
    staff, kiemtra = users.get("sonv"), users.get("kiemtra")
    plan = services.plan_save(
        actor=None,
        year=2023,
        title="Kế hoạch kiểm tra công tác CCHC năm 2023",
        number="125/KH-UBND",
        issued_on=D(2023, 3, 20),
        issuer="UBND tỉnh Hà Tĩnh",
        purpose=(
            "Kiểm tra việc khắc phục tồn tại, hạn chế qua thẩm định Chỉ số CCHC năm 2022 và kết quả triển khai "
            "nhiệm vụ CCHC năm 2023 trên các lĩnh vực; kịp thời chấn chỉnh, đề xuất giải pháp nâng cao Chỉ số CCHC."
        ),
        all_districts=False,
        min_districts=3,
        min_communes_per_district=2,
        start_date=D(2023, 5, 25),
        end_date=D(2023, 5, 30),
    )
    person = lambda name, title, unit, role=ROLE.MEMBER, user=None: services.member_save(  # noqa: E731
        actor=None, plan=plan, full_name=name, title=title, unit=units[unit], role=role, user=user
    )
    head = person("Lê Thị Thu", "Phó Giám đốc Sở Nội vụ", "SNV", ROLE.HEAD)
    son = person("Bùi Văn Sơn", "Trưởng phòng CCHC", "SNV", ROLE.DEPUTY, kiemtra)
    ha = person("Nguyễn Thị Hà", "Chuyên viên Phòng CCHC", "SNV", ROLE.SECRETARY, staff)
    tc = person("Phạm Thị Hồng", "Phó Trưởng phòng Quản lý ngân sách", "STC")
    tttt = person("Trần Quốc Khánh", "Phó Chánh Văn phòng Sở", "STTTT")
    tp = person("Nguyễn Văn Lợi", "Trưởng phòng Xây dựng và kiểm tra văn bản", "STP")
    vp = person("Hồ Thị Thanh", "Phó Trưởng phòng Kiểm soát thủ tục hành chính", "VPUBND")
    team1 = services.team_save(actor=None, plan=plan, number=1, leader=son, members=[ha, tttt, vp])
    team2 = services.team_save(actor=None, plan=plan, number=2, leader=head, members=[tc, tp])

    def visit(team, unit, along, day):
        return services.visit_save(
            actor=None, plan=plan, team=team, unit=units[unit], also_units=[units[c] for c in along],
            start_date=D(2023, 5, day), end_date=D(2023, 5, day), form=Visit.Form.IN_PERSON, notes="",
        )

    vq = visit(team1, "H-VQ", ["X-DUCBONG", "X-DUCLINH"], 25)
    hk = visit(team1, "H-HK", ["X-HUONGTRA", "TT-HUONGKHE"], 26)
    lh = visit(team2, "H-LH", ["X-MAIPHU", "X-THACHKIM"], 29)
    year_end = D(timezone.localdate().year, 12, 31)

    def add(v, actor=kiemtra, **kw):
        return services.finding_create(actor=actor, visit=v, **kw)

    # Vũ Quang (team 1)
    add(vq, field=Field.DIRECTION, kind=KIND.STRENGTH, text="UBND huyện ban hành đầy đủ kế hoạch CCHC, kế hoạch tuyên truyền, kế hoạch kiểm tra năm 2023.")
    add(
        vq, field=Field.DIRECTION, kind=KIND.SHORTCOMING, severity=SEV.HIGH, owner_unit=units["H-VQ"], deadline=D(2023, 9, 30),
        text="Việc khắc phục tồn tại, hạn chế qua thẩm định Chỉ số CCHC năm 2022 còn chậm, một số nội dung chưa khắc phục.",
        recommendation="Rà soát, khắc phục dứt điểm các tồn tại năm 2022; báo cáo kết quả về Sở Nội vụ.",
    )
    vq2 = add(
        vq, field=Field.DIGITAL_GOVERNMENT, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["X-DUCBONG"], deadline=year_end,
        text="Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình của xã Đức Bồng thấp.",
        recommendation="Hướng dẫn, hỗ trợ người dân nộp hồ sơ trực tuyến tại bộ phận một cửa.",
    )
    add(
        vq, field=Field.CIVIL_SERVICE, kind=KIND.SHORTCOMING, severity=SEV.LOW, owner_unit=units["X-DUCLINH"], deadline=year_end,
        text="Chưa cử công chức tham gia bồi dưỡng kỹ năng giải quyết thủ tục hành chính.",
        recommendation="Cử công chức bộ phận một cửa tham gia các lớp bồi dưỡng do tỉnh tổ chức.",
    )
    # Hương Khê (team 1; done, awaiting the conclusion)
    add(hk, field=Field.PROCEDURES, kind=KIND.STRENGTH, text="Thị trấn Hương Khê giải quyết 100% hồ sơ đúng hạn, có xin lỗi khi trễ hạn theo quy định.")
    add(
        hk, field=Field.PROCEDURES, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["X-HUONGTRA"], deadline=year_end,
        text="Xã Hương Trà niêm yết thủ tục hành chính chưa cập nhật theo danh mục mới công bố.",
        recommendation="Cập nhật, niêm yết đầy đủ danh mục thủ tục hành chính mới.",
    )
    add(
        hk, field=Field.INSTITUTIONS, kind=KIND.SHORTCOMING, severity=SEV.LOW, owner_unit=units["H-HK"], deadline=year_end,
        text="Chưa ban hành kế hoạch rà soát văn bản quy phạm pháp luật năm 2023.",
        recommendation="Ban hành và triển khai kế hoạch rà soát văn bản trong quý III.",
    )
    # Lộc Hà (team 2)
    add(lh, actor=staff, field=Field.PUBLIC_FINANCE, kind=KIND.STRENGTH, text="Thực hiện tốt cơ chế tự chủ tài chính tại các đơn vị sự nghiệp trực thuộc.")
    lh1 = add(
        lh, actor=staff, field=Field.CIVIL_SERVICE, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["X-THACHKIM"], deadline=D(2023, 10, 31),
        text="Công tác đào tạo, bồi dưỡng cán bộ, công chức cấp xã chưa thường xuyên.",
        recommendation="Xây dựng kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm 2024.",
    )
    lh2 = add(
        lh, actor=staff, field=Field.DIGITAL_GOVERNMENT, kind=KIND.SHORTCOMING, severity=SEV.HIGH, owner_unit=units["H-LH"], deadline=year_end,
        text="Tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3, 4 phát sinh còn thấp so với chỉ tiêu của tỉnh.",
        recommendation="Đẩy mạnh dịch vụ công trực tuyến; giao chỉ tiêu cụ thể cho từng xã.",
    )
    for v, number, date in ((vq, "45/TB-ĐKT", D(2023, 6, 12)), (lh, "48/TB-ĐKT", D(2023, 6, 15))):
        services.visit_mark_done(actor=staff, visit=v)
        services.visit_conclude(
            actor=staff, visit=v, number=number, date=date, signer_name="Lê Thị Thu",
            signer_title="Phó Giám đốc Sở Nội vụ, Trưởng đoàn kiểm tra",
            summary="Đơn vị triển khai cơ bản đầy đủ nhiệm vụ CCHC năm 2023; cần khắc phục các tồn tại nêu tại thông báo này.",
        )
    services.visit_mark_done(actor=kiemtra, visit=hk)
    # Remediation in every state: reported (waiting for review), closed, returned.
    _report(vq2, None, "Bố trí công chức hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa; tỷ lệ quý III đạt 46%.", "bao-cao-dvc-truc-tuyen-duc-bong.pdf")
    _report(lh1, None, "Ban hành Kế hoạch số 15/KH-UBND về đào tạo, bồi dưỡng cán bộ, công chức xã năm 2024.", "ke-hoach-15-dao-tao.pdf")
    services.finding_accept(actor=staff, finding=lh1, comment="Kế hoạch phù hợp.")
    _report(lh2, None, "Đã tuyên truyền dịch vụ công trực tuyến.")
    services.finding_return(actor=staff, finding=lh2, comment="Chưa giao chỉ tiêu cho từng xã như kiến nghị; đề nghị bổ sung văn bản giao chỉ tiêu.")


# --- 2026: the first full year of the two-tier province ------------------------------------------


def seed_2026(stdout) -> None:
    """The 2026 plan (illustrative number), once the 2025 reform is loaded: no districts any more,
    so its scope is "ít nhất 8 xã, phường" and three sở; visits done and concluded in the first
    half of the year, one awaiting its conclusion, two ahead in December. Xã Đồng Tiến's visit
    also checks what it took over from Thạch Văn (the 2022 shortcoming handed over to it)."""
    if InspectionPlan.objects.filter(year=2026).exists():
        stdout.write("Kiểm tra CCHC năm 2026: dữ liệu mẫu đã có, bỏ qua.")
        return
    with transaction.atomic():
        units = {u.code: u for u in Unit.objects.all()}
        users = {u.username: u for u in User.objects.filter(username__in=["kiemtra", "sonv", "dm.dongtien"])}
        plan = _seed_2026(units, users)
    marked = services.findings_mark_overdue(today=timezone.localdate())
    stdout.write(
        f"Kiểm tra CCHC năm 2026: {plan.visits.count()} cuộc kiểm tra, "
        f"{Finding.objects.filter(visit__plan=plan).count()} kết quả kiểm tra ({marked} tồn tại quá hạn)."
    )


def _seed_2026(units, users):
    staff, kiemtra = users.get("sonv"), users.get("kiemtra")
    plan = services.plan_save(
        actor=None,
        year=2026,
        title="Kế hoạch kiểm tra công tác CCHC năm 2026",
        number="52/KH-UBND",
        issued_on=D(2026, 3, 12),
        issuer="UBND tỉnh Hà Tĩnh",
        purpose=(
            "Kiểm tra việc triển khai nhiệm vụ CCHC năm 2026, năm đầu tiên vận hành chính quyền địa phương hai cấp; "
            "việc tiếp nhận và khắc phục tồn tại, hạn chế của các đơn vị trước sắp xếp; hoạt động của Trung tâm phục vụ "
            "hành chính công cấp xã."
        ),
        all_districts=False,
        min_districts=0,
        min_communes_per_district=0,
        min_communes=8,
        min_departments=3,
        start_date=D(2026, 5, 4),
        end_date=D(2026, 12, 18),
    )
    person = lambda name, title, unit, role=ROLE.MEMBER, user=None: services.member_save(  # noqa: E731
        actor=None, plan=plan, full_name=name, title=title, unit=units[unit], role=role, user=user
    )
    head = person("Lê Thị Thu", "Phó Giám đốc Sở Nội vụ", "SNV", ROLE.HEAD)
    son = person("Bùi Văn Sơn", "Trưởng phòng CCHC", "SNV", ROLE.DEPUTY, kiemtra)
    ha = person("Nguyễn Thị Hà", "Chuyên viên Phòng CCHC", "SNV", ROLE.SECRETARY, staff)
    tc = person("Phạm Thị Hồng", "Phó Trưởng phòng Quản lý ngân sách", "STC")
    tp = person("Nguyễn Văn Lợi", "Trưởng phòng Xây dựng và kiểm tra văn bản", "STP")
    vp = person("Hồ Thị Thanh", "Phó Trưởng phòng Kiểm soát thủ tục hành chính", "VPUBND")
    team1 = services.team_save(actor=None, plan=plan, number=1, leader=son, members=[ha, vp])
    team2 = services.team_save(actor=None, plan=plan, number=2, leader=head, members=[tc, tp])

    def visit(team, unit, along, day, notes=""):
        return services.visit_save(
            actor=None, plan=plan, team=team, unit=units[unit], also_units=[units[c] for c in along],
            start_date=day, end_date=day, form=Visit.Form.IN_PERSON, notes=notes,
        )

    def add(v, actor=kiemtra, **kw):
        return services.finding_create(actor=actor, visit=v, **kw)

    def conclude(v, number, day):
        services.visit_mark_done(actor=staff, visit=v)
        services.visit_conclude(
            actor=staff, visit=v, number=number, date=day, signer_name="Lê Thị Thu",
            signer_title="Phó Giám đốc Sở Nội vụ, Trưởng đoàn kiểm tra",
            summary="Đơn vị triển khai cơ bản đầy đủ nhiệm vụ CCHC năm 2026; cần khắc phục các tồn tại nêu tại thông báo này.",
        )

    # Team 1: the two new phường of Hà Tĩnh city, then two coastal xã of Cẩm Xuyên.
    sen = visit(team1, "18073", ["18100"], D(2026, 5, 12))
    add(sen, field=Field.PROCEDURES, kind=KIND.STRENGTH, text="Trung tâm phục vụ hành chính công phường Thành Sen bố trí khoa học, niêm yết đầy đủ thủ tục hành chính.")
    add(
        sen, field=Field.DIGITAL_GOVERNMENT, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["18073"], deadline=D(2026, 9, 30),
        text="Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn thấp so với chỉ tiêu của tỉnh.",
        recommendation="Bố trí công chức số hóa hồ sơ ngay khi tiếp nhận; báo cáo kết quả hằng quý.",
    )
    tp1 = add(
        sen, field=Field.ORGANISATION, kind=KIND.SHORTCOMING, severity=SEV.LOW, owner_unit=units["18100"], deadline=D(2026, 8, 31),
        text="Chưa ban hành quy chế làm việc của UBND phường sau sắp xếp.",
        recommendation="Ban hành quy chế làm việc, phân công nhiệm vụ lãnh đạo UBND phường.",
    )
    conclude(sen, "21/TB-ĐKT", D(2026, 5, 26))
    _report(tp1, None, "Ban hành Quyết định số 12/QĐ-UBND ban hành Quy chế làm việc của UBND phường Trần Phú.", "quyet-dinh-12-quy-che.pdf")
    services.finding_accept(actor=staff, finding=tp1, comment="Quy chế phù hợp.")

    cx = visit(team1, "18673", ["18676"], D(2026, 6, 9))
    cx1 = add(
        cx, field=Field.CIVIL_SERVICE, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["18676"], deadline=D(2026, 10, 31),
        text="Một số công chức chuyên môn chưa được bồi dưỡng nghiệp vụ sau khi sắp xếp.",
        recommendation="Cử công chức tham gia các lớp bồi dưỡng do tỉnh tổ chức.",
    )
    conclude(cx, "27/TB-ĐKT", D(2026, 6, 22))
    _report(cx1, None, "Đã cử 6 công chức tham gia lớp bồi dưỡng nghiệp vụ tháng 9/2026.", "danh-sach-boi-duong.pdf")

    # Team 2: two xã in the hills, then the department of construction.
    hk = visit(team2, "18496", ["18133"], D(2026, 6, 16))
    add(hk, actor=staff, field=Field.DIRECTION, kind=KIND.STRENGTH, text="Xã Hương Khê ban hành kịp thời kế hoạch CCHC năm 2026 ngay sau khi kiện toàn bộ máy.")
    add(
        hk, actor=staff, field=Field.PROCEDURES, kind=KIND.SHORTCOMING, severity=SEV.HIGH, owner_unit=units["18133"], deadline=D(2026, 10, 15),
        text="Còn hồ sơ thủ tục hành chính giải quyết quá hạn nhưng chưa có văn bản xin lỗi người dân.",
        recommendation="Rà soát hồ sơ quá hạn, thực hiện xin lỗi theo quy định.",
    )
    conclude(hk, "29/TB-ĐKT", D(2026, 6, 30))
    sxd = visit(team2, "SXD", [], D(2026, 9, 15))
    add(sxd, actor=staff, field=Field.ORGANISATION, kind=KIND.STRENGTH, text="Sở Xây dựng hoàn thành kiện toàn các phòng chuyên môn sau khi hợp nhất với Sở Giao thông vận tải.")
    conclude(sxd, "41/TB-ĐKT", D(2026, 9, 28))

    # The department formed on 01/03/2025: inspected, its conclusion still being drafted.
    nnmt = visit(team1, "SNNMT", [], D(2026, 10, 20))
    add(
        nnmt, field=Field.DIGITAL_GOVERNMENT, kind=KIND.SHORTCOMING, severity=SEV.MEDIUM, owner_unit=units["SNNMT"], deadline=D(2027, 3, 31),
        text="Hệ thống quản lý văn bản của hai sở cũ chưa được hợp nhất.",
        recommendation="Hợp nhất dữ liệu văn bản, hồ sơ của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường trên một hệ thống.",
    )
    services.visit_mark_done(actor=kiemtra, visit=nnmt)

    # Ahead: Đồng Tiến (and Thạch Khê), then the department of science and technology.
    visit(
        team1, "18619", ["18604"], D(2026, 12, 8),
        notes="Kiểm tra cả việc khắc phục tồn tại, hạn chế mà xã Đồng Tiến tiếp nhận từ UBND xã Thạch Văn (kiểm tra năm 2022).",
    )
    visit(team2, "SKHCN", [], D(2026, 12, 10))
    return plan
