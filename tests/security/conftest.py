"""The objects of unit A that every persona tries to reach in the permission matrix."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services as inspection_services
from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit
from reports.models import GeneratedDocument
from tests.monitoring.builders import monitoring_world
from scoring.models import AppraisalAssignment, Assessment, Criterion, Evidence, Framework, Period, Score

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

PERSONAS = ["anonymous", "unit_a_editor", "unit_b_editor", "council_member", "inspector", "leader", "sonv_staff"]


@pytest.fixture
def world(unit_a, unit_b, unit_a_editor, unit_b_editor, council_member, inspector, leader, sonv_staff):
    period = Period.objects.create(year=2023, title="Chỉ số CCHC năm 2023")
    framework = Framework.objects.create(period=period, block=unit_a.block)
    field = Criterion.objects.create(framework=framework, code="1", title="Chỉ đạo, điều hành", max_score=Decimal("2"))
    criterion = Criterion.objects.create(framework=framework, parent=field, code="1.1", title="Kế hoạch CCHC", max_score=Decimal("2"))

    # Unit A's assessment, one score row with its evidence; the council member appraises field 1.
    assessment = Assessment.objects.create(period=period, unit=unit_a, framework=framework)
    score = Score.objects.create(assessment=assessment, criterion=criterion)
    scoring_evidence = Evidence.objects.create(
        score=score, original_name="bao-cao.pdf", size=len(PDF), content_type="application/pdf",
        file=ContentFile(PDF, name="evidence/scoring/bao-cao.pdf"),
    )
    assignment = AppraisalAssignment.objects.create(period=period, member=council_member, field_code="1")

    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra 2023", number="125/KH-UBND")
    leader_member = DelegationMember.objects.create(plan=plan, full_name="Tổ trưởng", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader_member)
    team.members.add(leader_member)
    day = datetime.date(2023, 5, 25)
    visit = Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day)
    finding = inspection_services.finding_create(
        actor=inspector, visit=visit, field="1", kind=Finding.Kind.SHORTCOMING, text="Chậm ban hành kế hoạch.",
        recommendation="Ban hành đúng hạn.", severity=Finding.Severity.MEDIUM, deadline=datetime.date(2023, 12, 31),
    )
    report = inspection_services.finding_report_remediation(
        actor=unit_a_editor, finding=finding, text="Đã ban hành.", files=[SimpleUploadedFile("bao-cao.pdf", PDF)]
    )
    finding.refresh_from_db()

    # A second, concluded visit to unit A, with its conclusion notice already rendered.
    concluded = Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day, status=Visit.Status.DONE)
    inspection_services.visit_conclude(
        actor=sonv_staff, visit=concluded, number="45/TB-ĐKT", date=day, signer_name="Lê Thị Thu", signer_title="Trưởng đoàn"
    )
    notice = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.NOTICE, subject_type=ContentType.objects.get_for_model(Visit), subject_id=concluded.pk,
        title="Thông báo kết luận kiểm tra", filename="thong-bao.pdf", fingerprint="0" * 64,
        status=GeneratedDocument.Status.DONE, file=ContentFile(PDF, name="documents/thong-bao.pdf"), sha256="0" * 64,
        size=len(PDF), pages=1, requested_by=sonv_staff,
    )
    monitoring = monitoring_world(unit_a=unit_a, unit_a_editor=unit_a_editor, sonv_staff=sonv_staff)
    return {
        **monitoring,
        "users": {
            "unit_a_editor": unit_a_editor, "unit_b_editor": unit_b_editor, "council_member": council_member,
            "inspector": inspector, "leader": leader, "sonv_staff": sonv_staff,
        },
        "unit": unit_a,
        "block": unit_a.block,
        "period": period,
        "framework": framework,
        "criterion": criterion,
        "assessment": assessment,
        "score": score,
        "scoring_evidence": scoring_evidence,
        "assignment": assignment,
        "plan": plan,
        "member": leader_member,
        "team": team,
        "visit": visit,
        "finding": finding,
        "inspection_evidence": report.evidence.get(),
        "concluded_visit": concluded,
        "notice_document": notice,
    }
