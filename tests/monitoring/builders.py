"""Rows of the monitoring app built through its services, for its tests and the permission matrix."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring import services
from monitoring.models import ReportDue, ReportKind, SubUnit, TaskReport
from tests.factories import UnitFactory, UnitHeadFactory
from tests.reports.builders import approve
from tests.scoring.conftest import HEADER, open_period
from tests.scoring.results_helpers import put
from units.models import Block

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
YEAR = 2025
DUE_DATES = {
    ReportKind.Q1: datetime.date(YEAR, 3, 15),
    ReportKind.H1: datetime.date(YEAR, 6, 15),
    ReportKind.M9: datetime.date(YEAR, 9, 15),
    ReportKind.YEAR: datetime.date(YEAR, 12, 15),
}


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_plan(staff, year=YEAR):
    return services.plan_save(actor=staff, year=year, number="150/KH-UBND", issued_on=datetime.date(year, 1, 10), title=f"Kế hoạch cải cách hành chính năm {year}")


def make_task(staff, plan, unit, *, number="1", field="1", deadline=datetime.date(YEAR, 12, 31), supporting=()):
    return services.task_save(
        actor=staff, plan=plan, number=number, title=f"Nhiệm vụ số {number}", field=field, lead_unit=unit,
        supporting_units=supporting, deadline=deadline, expected_product="Báo cáo kết quả",
    )


def report_completion(editor, task, name="san-pham.pdf"):
    return services.task_report(actor=editor, task=task, kind=TaskReport.Kind.COMPLETION, text="Đã hoàn thành.", files=[pdf(name)])


def make_calendar(staff, year=YEAR):
    dates = {kind: day.replace(year=year) for kind, day in DUE_DATES.items()}
    services.report_calendar_set(actor=staff, year=year, due_dates=dates)
    return {due.kind: due for due in ReportDue.objects.filter(year=year)}


def make_subunit(actor, unit, name="Văn phòng", listed_on=datetime.date(YEAR, 1, 1)):
    return services.subunit_add(actor=actor, unit=unit, name=name, kind=SubUnit.Kind.DIVISION, listed_on=listed_on)


def monitoring_world(*, unit_a, unit_a_editor, sonv_staff) -> dict:
    """Unit A's objects of each part: a task it reported complete (with evidence), its first-quarter
    report, a registered initiative (with a document), a division with a planned self-inspection."""
    plan = make_plan(sonv_staff)
    task = make_task(sonv_staff, plan, unit_a)
    report = report_completion(unit_a_editor, task)
    dues = make_calendar(sonv_staff)
    submission = services.report_submit(actor=unit_a_editor, due=dues[ReportKind.Q1], unit=unit_a, file=pdf("bao-cao-quy-1.pdf"))
    initiative = services.initiative_register(
        actor=unit_a_editor, unit=unit_a, year=YEAR, title="Một cửa không chờ", field="3",
        description="Trả kết quả ngay trong ngày.", files=[pdf("de-an.pdf")],
    )
    subunit = make_subunit(unit_a_editor, unit_a)
    inspection = services.self_inspection_plan(
        actor=unit_a_editor, unit=unit_a, year=YEAR, subunit=subunit, planned_date=datetime.date(YEAR, 5, 10), form="in_person"
    )
    return {
        "reform_plan": plan,
        "plan_task": task,
        "task_evidence": report.evidence.get(),
        "report_due": dues[ReportKind.H1],
        "report_submission": submission,
        "initiative": initiative,
        "initiative_evidence": initiative.evidence.get(),
        "subunit": subunit,
        "self_inspection": inspection,
    }


# --- The emulation package: a published 2023 ---------------------------------------------------------------

# One 100-point leaf per block, so that a unit's index is its score on 1.1.
EMULATION_FRAMEWORK = HEADER + "".join(
    f"{block},1,Chỉ đạo điều hành CCHC,100,,,,,\n{block},1.1,Kế hoạch CCHC năm,100,,,,no,no\n"
    for block in ("so-nganh", "ubnd-huyen", "ubnd-xa")
)
# The 2023 decision's top units (DOMAIN.md), with made-up indexes. The communes' block is left to
# the districts, as QĐ 519/QĐ-UBND did: Thạch Văn is top of nothing the province decides.
EMULATION_UNITS = {
    "STTTT": ("Sở Thông tin và Truyền thông", "so-nganh", "93.20"),
    "SCT": ("Sở Công Thương", "so-nganh", "85.00"),
    "TP-HT": ("UBND thành phố Hà Tĩnh", "ubnd-huyen", "92.40"),
    "TX-KA": ("UBND thị xã Kỳ Anh", "ubnd-huyen", "90.10"),
    "H-TH": ("UBND huyện Thạch Hà", "ubnd-huyen", "88.00"),
    "X-THACHVAN": ("UBND xã Thạch Văn", "ubnd-xa", "96.00"),
}


def year_2023(staff, unit_a, unit_b, *, publish=True):
    """2023 scored: unit A (Sở KH&CN) 95,5 and unit B (Sở Ngoại vụ) 91 among the sở, three
    districts, one commune; Sở Nội vụ (staff's unit) scores nothing. The decision covers the sở
    and the districts. Approved with its decision, and published unless `publish` is False."""
    blocks = {block.code: block for block in Block.objects.all()}
    units = {code: UnitFactory(code=code, name=name, block=blocks[block]) for code, (name, block, _) in EMULATION_UNITS.items()}
    for unit in (unit_a, unit_b, *units.values()):
        UnitHeadFactory(unit=unit, full_name=f"Thủ trưởng {unit.code}", title="Giám đốc" if unit.block.code == "so-nganh" else "Chủ tịch")
    period = open_period(EMULATION_FRAMEWORK, year=2023, actor=staff)
    period.decision_blocks.set([blocks["so-nganh"], blocks["ubnd-huyen"]])
    for unit, index in ((unit_a, "95.50"), (unit_b, "91.00"), *((units[code], EMULATION_UNITS[code][2]) for code in EMULATION_UNITS)):
        put(period, unit, "1.1", final_score=Decimal(index))
    return approve(period, staff, publish=publish)
