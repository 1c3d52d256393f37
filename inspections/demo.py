"""Demo data of inspections: Hà Tĩnh's 2022 visit to Thạch Hà and its 2023 plan (two teams, three
districts with their communes), with findings like those reported and remediation in every state."""

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
