"""Demo data of the monitoring app: the year-round follow-up of 2026 in the two-tier province, and
the rule of the 2023 emulation package.

Everything of 2026 here is made up (dữ liệu minh họa), and says so: Hà Tĩnh's 2026 CCHC plan is
QĐ 3369/QĐ-UBND of 31/12/2025, but its appendix of tasks was not transcribed, so the demo's plan
carries no number and its tasks are the demo's own; no person is named; the decision numbers of
recognised initiatives are marked as made up.

- The plan: tasks across the agencies and the new xã/phường, in every state — in progress on
  time, overdue (stamped by the daily check), waiting for Sở Nội vụ's review, accepted, returned.
  Only units with a demo login report on their tasks (Sở Khoa học và Công nghệ, `dm.skhcn`; Xã
  Đồng Tiến, `dm.dongtien`): reporting is the lead unit's contact's alone.
- Periodic reports: quý I, 6 tháng and 9 tháng due in 2026, the yearly report due in January 2027;
  the same two units send some on time, some late (the files' dates are the story's, since the
  first file's date decides lateness; the audit log keeps the day the demo was loaded).
- Initiatives at each stage: registered, under way, recognised, replicated to other communes.
- Self-inspection: a few units' standing lists, with coverage above and below 50 %; Sở Y tế has
  declared no list.
- 2023: the emulation rule, the default one (units classified Xuất sắc, no cap).

Each part is created once; a second run leaves what it finds."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from inspections.models import Finding
from scoring.models import Period
from units.models import Unit, User

from . import services
from .models import EmulationRule, Initiative, PlanTask, ReformPlan, ReportDue, ReportKind, ReportSubmission, SelfInspection, SubUnit, TaskReport

YEAR = 2026
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DEMO = "(dữ liệu minh họa)"
SKHCN, DONG_TIEN, THACH_LAC = "SKHCN", "18619", "18628"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def ahead(today: datetime.date) -> datetime.date:
    """A deadline still ahead when the demo is loaded: the plan year's end, or the end of the
    month a month after the day it is loaded if that is later (a plan's deadlines may reach into
    the next year)."""
    later = today + datetime.timedelta(days=30)
    month_end = (later.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return min(max(D(YEAR, 12, 31), month_end), D(YEAR + 1, 12, 31))


def seed(stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["sonv", "dm.skhcn", "dm.dongtien"])}
    units = {u.code: u for u in Unit.objects.all()}
    staff = users["sonv"]
    editors = {SKHCN: users["dm.skhcn"], DONG_TIEN: users["dm.dongtien"]}
    _seed_plan(stdout, staff, editors, units)
    _seed_reports(stdout, staff, editors)
    _seed_initiatives(stdout, staff, units)
    _seed_self_inspection(stdout, staff, units)
    _seed_emulation_rule(stdout, staff)


# --- 1. The plan -----------------------------------------------------------------------------------------------

# (number, field, lead unit, supporting units, title, product, deadline, story). A deadline of
# "ahead" is `ahead(today)`; None is a task done all year round (never overdue). The story is
# what the lead unit and Sở Nội vụ did: "" nothing yet, "progress" a progress report,
# "reported" a completion waiting for review, "accepted", "returned".
TASKS = [
    ("1", "1", "VPUBND", ["SNV"], "Tham mưu UBND tỉnh ban hành kế hoạch kiểm tra công tác CCHC năm 2026", "Kế hoạch kiểm tra", D(2026, 3, 31), ""),
    ("2", "1", SKHCN, [], "Ban hành Kế hoạch CCHC năm 2026 của đơn vị", "Kế hoạch CCHC của đơn vị", D(2026, 1, 31), "accepted"),
    ("3", "1", DONG_TIEN, [], "Ban hành Kế hoạch CCHC năm 2026 của xã sau sắp xếp", "Kế hoạch CCHC của xã", D(2026, 1, 31), "accepted"),
    ("4", "2", "STP", ["VPUBND"], "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh sau sắp xếp đơn vị hành chính", "Báo cáo kết quả rà soát", "ahead", ""),
    ("5", "3", "VPUBND", ["SKHCN"], "Duy trì Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh", "Báo cáo vận hành hằng quý", None, ""),
    ("6", "3", "SXD", [], "Rà soát, đề xuất đơn giản hóa thủ tục hành chính trong lĩnh vực xây dựng", "Phương án đơn giản hóa", D(2026, 6, 30), ""),
    ("7", "3", DONG_TIEN, [], "Kiện toàn bộ phận tiếp nhận và trả kết quả của Trung tâm Phục vụ hành chính công xã", "Quyết định kiện toàn", D(2026, 9, 30), "reported"),
    ("8", "4", "SYT", ["SNV"], "Sắp xếp các đơn vị sự nghiệp công lập trực thuộc theo đề án được phê duyệt", "Báo cáo kết quả sắp xếp", D(2026, 3, 31), ""),
    ("9", "4", DONG_TIEN, [], "Rà soát vị trí việc làm của cán bộ, công chức xã", "Danh mục vị trí việc làm", "ahead", "returned"),
    ("10", "5", "SNV", [], "Hướng dẫn đánh giá, xếp loại cán bộ, công chức, viên chức theo quy định mới", "Văn bản hướng dẫn", "ahead", ""),
    ("11", "6", "STC", ["SNV"], "Giao quyền tự chủ tài chính cho các đơn vị sự nghiệp công lập", "Báo cáo tình hình giao tự chủ", "ahead", ""),
    ("12", "7", SKHCN, ["VPUBND"], "Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu của tỉnh", "Nền tảng được nâng cấp", D(2026, 6, 30), "reported"),
    ("13", "7", SKHCN, [], "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực", "Báo cáo tỷ lệ số hóa", "ahead", "returned"),
    ("14", "7", THACH_LAC, [], "Số hóa sổ hộ tịch của các xã cũ trước sắp xếp", "Dữ liệu hộ tịch được số hóa", D(2026, 9, 30), ""),
    ("15", "7", DONG_TIEN, [SKHCN], "Hướng dẫn người dân nộp hồ sơ trực tuyến tại Trung tâm Phục vụ hành chính công xã", "Báo cáo kết quả", "ahead", "progress"),
    ("16", "8", SKHCN, [], "Tuyên truyền về cải cách hành chính trên cổng thông tin điện tử của đơn vị", "Tin, bài tuyên truyền", None, "accepted"),
]
# When each story's steps happened (the report, then Sở Nội vụ's review).
STORY_DAYS = {
    "2": (D(2026, 1, 26), D(2026, 2, 3)),
    "3": (D(2026, 1, 29), D(2026, 2, 5)),
    "7": (D(2026, 9, 24), None),
    "9": (D(2026, 8, 20), D(2026, 8, 28)),
    "12": (D(2026, 6, 25), None),
    "13": (D(2026, 10, 12), D(2026, 10, 20)),
    "15": (D(2026, 10, 5), None),
    "16": (D(2026, 6, 30), D(2026, 7, 8)),
}
PHUONG = "Phường"  # the phường whose task is overdue: the first of them in the list of 2025


def _plan_tasks(units) -> list[tuple]:
    """TASKS, and one task of a phường (its code is read from the units loaded in 2025)."""
    phuong = next(u for u in sorted(units.values(), key=lambda u: u.code) if u.name.startswith(PHUONG) and u.valid_from == D(2025, 7, 1))
    return TASKS + [
        ("17", "5", phuong.code, [], "Bồi dưỡng kỹ năng giải quyết thủ tục hành chính cho công chức phường", "Báo cáo kết quả bồi dưỡng", D(2026, 6, 30), ""),
    ]


def _seed_plan(stdout, staff, editors, units) -> None:
    if ReformPlan.objects.filter(year=YEAR).exists():
        stdout.write(f"Kế hoạch CCHC năm {YEAR}: dữ liệu mẫu đã có, giữ nguyên.")
        return
    today = timezone.localdate()
    with transaction.atomic():
        plan = services.plan_save(
            actor=staff, year=YEAR, number="", issued_on=None, title=f"Kế hoạch cải cách hành chính năm {YEAR} của tỉnh {DEMO}"
        )
        for number, field, lead, supporting, title, product, deadline, story in _plan_tasks(units):
            task = services.task_save(
                actor=staff, plan=plan, number=number, title=title, field=field, lead_unit=units[lead],
                supporting_units=[units[code] for code in supporting], deadline=ahead(today) if deadline == "ahead" else deadline,
                expected_product=product,
            )
            if story:
                _tell(task, story, editors[lead], staff, STORY_DAYS[number])
        marked = services.tasks_mark_overdue(today=today)
    stdout.write(f"Kế hoạch CCHC năm {YEAR} {DEMO}: {plan.tasks.count()} nhiệm vụ ({marked} quá hạn).")


def _tell(task: PlanTask, story: str, editor, staff, days) -> None:
    """The lead unit's reports and Sở Nội vụ's decision, through the services, then dated as the
    story has them."""
    reported_on, reviewed_on = days
    if story == "progress":
        report = services.task_report(
            actor=editor, task=task, kind=TaskReport.Kind.PROGRESS, progress=60,
            text="Đã hướng dẫn được khoảng 60 % số lượt người dân đến giao dịch nộp hồ sơ trực tuyến.",
        )
    else:
        report = services.task_report(
            actor=editor, task=task, kind=TaskReport.Kind.COMPLETION, text=f"Đã hoàn thành: {task.expected_product.lower()} {DEMO}.",
            files=[_pdf(f"san-pham-nhiem-vu-{task.number}-minh-hoa.pdf")],
        )
    TaskReport.objects.filter(pk=report.pk).update(created_at=_moment(reported_on, 15))
    if story == "accepted":
        services.task_accept(actor=staff, task=task, comment="Sản phẩm đạt yêu cầu.")
    elif story == "returned":
        services.task_return(actor=staff, task=task, comment="Sản phẩm chưa đủ: đề nghị bổ sung văn bản ban hành và số liệu kèm theo.")
    if reviewed_on:
        PlanTask.objects.filter(pk=task.pk).update(reviewed_at=_moment(reviewed_on, 10))


# --- 2. Periodic reports ---------------------------------------------------------------------------------------

DUE_DATES = {ReportKind.Q1: D(2026, 3, 15), ReportKind.H1: D(2026, 6, 15), ReportKind.M9: D(2026, 9, 15), ReportKind.YEAR: D(2027, 1, 15)}
# unit → [(report, day sent)]: a file sent after its due date is late; a second file is a
# corrected version (the first still decides).
SENT = {
    SKHCN: [(ReportKind.Q1, D(2026, 3, 12)), (ReportKind.H1, D(2026, 6, 15)), (ReportKind.M9, D(2026, 9, 22))],
    DONG_TIEN: [(ReportKind.Q1, D(2026, 3, 20)), (ReportKind.H1, D(2026, 6, 11)), (ReportKind.H1, D(2026, 6, 18)), (ReportKind.M9, D(2026, 9, 14))],
}


def _seed_reports(stdout, staff, editors) -> None:
    if ReportDue.objects.filter(year=YEAR).exists():
        stdout.write(f"Báo cáo định kỳ năm {YEAR}: dữ liệu mẫu đã có, giữ nguyên.")
        return
    with transaction.atomic():
        dues = {due.kind: due for due in services.report_calendar_set(actor=staff, year=YEAR, due_dates=DUE_DATES)}
        sent = 0
        for code, files in SENT.items():
            editor = editors[code]
            for kind, day in files:
                submission = services.report_submit(
                    actor=editor, due=dues[kind], unit=editor.unit, file=_pdf(f"bao-cao-{kind}-{YEAR}-{editor.unit.code.lower()}-minh-hoa.pdf"),
                )
                ReportSubmission.objects.filter(pk=submission.pk).update(uploaded_at=_moment(day, 16))
                sent += 1
    stdout.write(f"Báo cáo định kỳ năm {YEAR}: lịch 4 kỳ, {sent} tệp báo cáo của 2 đơn vị {DEMO}.")


# --- 3. Initiatives ----------------------------------------------------------------------------------------------

# (unit, field, title, description, stage, started, recognised (number, day), adopters)
INITIATIVES = [
    (THACH_LAC, "3", "Bộ phận một cửa thân thiện tại Trung tâm Phục vụ hành chính công xã",
     "Bố trí khu vực chờ, hướng dẫn viên tình nguyện và phiếu đánh giá mức độ hài lòng tại chỗ.", Initiative.Status.REGISTERED, None, None, []),
    ("STP", "2", "Tra cứu văn bản quy phạm pháp luật của tỉnh bằng trợ lý ảo",
     "Người dân và công chức hỏi đáp, tra cứu văn bản còn hiệu lực sau sắp xếp đơn vị hành chính.", Initiative.Status.IMPLEMENTING, D(2026, 4, 1), None, []),
    (SKHCN, "7", "Bản đồ số dữ liệu khoa học và công nghệ của tỉnh",
     "Tích hợp dữ liệu nhiệm vụ khoa học, doanh nghiệp khoa học và công nghệ trên một nền tảng dùng chung.", Initiative.Status.RECOGNISED,
     D(2026, 2, 2), ("MH-01/QĐ-SNV (số minh họa)", D(2026, 8, 14)), []),
    (DONG_TIEN, "7", "Tổ công nghệ số cộng đồng hướng dẫn người dân nộp hồ sơ trực tuyến",
     "Đoàn viên thanh niên hướng dẫn người dân cài đặt định danh điện tử và nộp hồ sơ trực tuyến ngay tại thôn.", Initiative.Status.REPLICATED,
     D(2026, 1, 12), ("MH-02/QĐ-SNV (số minh họa)", D(2026, 6, 5)), [THACH_LAC, "18604"]),
]


def _seed_initiatives(stdout, staff, units) -> None:
    if Initiative.objects.filter(year=YEAR).exists():
        stdout.write(f"Mô hình, sáng kiến năm {YEAR}: dữ liệu mẫu đã có, giữ nguyên.")
        return
    with transaction.atomic():
        for code, field, title, description, stage, started, recognised, adopters in INITIATIVES:
            # Staff register each in the unit's name (from its paper file), as they may.
            initiative = services.initiative_register(
                actor=staff, unit=units[code], year=YEAR, title=title, field=field, description=f"{description} {DEMO}",
                files=[_pdf(f"thuyet-minh-{code.lower()}-minh-hoa.pdf")],
            )
            if started:
                initiative = services.initiative_start(actor=staff, initiative=initiative, since=started)
            if recognised:
                number, day = recognised
                initiative = services.initiative_recognise(actor=staff, initiative=initiative, decision_number=number, decision_date=day)
            if adopters:
                services.initiative_replicate(actor=staff, initiative=initiative, adopters=[units[c] for c in adopters])
    stdout.write(f"Mô hình, sáng kiến năm {YEAR}: {len(INITIATIVES)} mô hình ở từng giai đoạn {DEMO}.")


# --- 4. Self-inspection ------------------------------------------------------------------------------------------

# unit → (its divisions and sub-units, how many of them it inspected, how many it still plans).
# Sở KH&CN 3 of 4 (75 %), Xã Đồng Tiến 2 of 4 (50 %), Sở Tài chính 2 of 6, Xã Thạch Lạc 1 of 4.
DIVISIONS = {
    SKHCN: (["Văn phòng Sở", "Thanh tra Sở", "Phòng Kế hoạch - Tài chính", "Trung tâm Ứng dụng khoa học và công nghệ"], 3, 1),
    DONG_TIEN: (["Văn phòng HĐND và UBND xã", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công xã"], 2, 1),
    "STC": (
        ["Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý ngân sách", "Phòng Tài chính doanh nghiệp", "Phòng Quản lý giá và công sản",
         "Phòng Đăng ký kinh doanh"], 2, 1,
    ),
    THACH_LAC: (["Văn phòng HĐND và UBND xã", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công xã"], 1, 0),
}
NO_LIST = "SYT"


def _seed_self_inspection(stdout, staff, units) -> None:
    if SelfInspection.objects.filter(year=YEAR).exists() or SubUnit.objects.filter(unit__code__in=list(DIVISIONS)).exists():
        stdout.write(f"Tự kiểm tra năm {YEAR}: dữ liệu mẫu đã có, giữ nguyên.")
        return
    with transaction.atomic():
        for code, (names, done, planned) in DIVISIONS.items():
            unit = units[code]
            listed = [
                services.subunit_add(actor=staff, unit=unit, name=name, kind=SubUnit.Kind.DEPENDENT if name.startswith("Trung tâm") else SubUnit.Kind.DIVISION, listed_on=D(YEAR, 1, 1))
                for name in names
            ]
            for n, subunit in enumerate(listed[: done + planned]):
                inspection = services.self_inspection_plan(
                    actor=staff, unit=unit, year=YEAR, subunit=subunit, planned_date=D(YEAR, 4 + 2 * n, 10),
                    form=SelfInspection.Form.IN_PERSON if n % 2 == 0 else SelfInspection.Form.ONLINE,
                )
                if n < done:
                    services.self_inspection_record(
                        actor=staff, inspection=inspection, done_on=D(YEAR, 4 + 2 * n, 12),
                        result=f"Cơ bản thực hiện đầy đủ nhiệm vụ CCHC được giao {DEMO}.",
                    )
                    services.self_inspection_finding_add(
                        actor=staff, inspection=inspection, field="7", kind=Finding.Kind.SHORTCOMING,
                        text="Tỷ lệ hồ sơ được số hóa còn thấp.", recommendation="Số hóa hồ sơ tồn trước ngày 31/12.",
                    )
    stdout.write(f"Tự kiểm tra năm {YEAR}: danh sách và kế hoạch của {len(DIVISIONS)} đơn vị, {units[NO_LIST].name} chưa khai báo {DEMO}.")


# --- 5. The 2023 emulation package ---------------------------------------------------------------------------------


def _seed_emulation_rule(stdout, staff) -> None:
    period = Period.objects.filter(year=2023).first()
    if period is None:
        return
    if EmulationRule.objects.filter(period=period).exists():
        stdout.write("Tiêu chí đề nghị khen thưởng năm 2023: đã có, giữ nguyên.")
        return
    rule = services.emulation_rule_set(actor=staff, period=period, classifications=list(EmulationRule.DEFAULT_CLASSIFICATIONS), top_n_per_block=None)
    stdout.write(f"Tiêu chí đề nghị khen thưởng năm 2023: {rule.classifications[0]} (mặc định).")
