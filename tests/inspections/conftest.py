"""A plan with two teams: team 1 (the `inspector` persona) visits unit A, team 2 visits unit B."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services
from inspections.models import DelegationMember, Finding, InspectionPlan, Team, Visit
from tests.factories import UnitFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_upload(name="bao-cao-khac-phuc.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_shortcoming(visit, *, actor=None, owner_unit=None, deadline=datetime.date(2023, 12, 31), field="7", text="Tỷ lệ hồ sơ trực tuyến thấp."):
    return services.finding_create(
        actor=actor,
        visit=visit,
        owner_unit=owner_unit,
        field=field,
        kind=Finding.Kind.SHORTCOMING,
        text=text,
        recommendation="Đẩy mạnh dịch vụ công trực tuyến.",
        severity=Finding.Severity.MEDIUM,
        deadline=deadline,
    )


@pytest.fixture
def plan(db):
    return InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra công tác CCHC năm 2023", number="125/KH-UBND")


@pytest.fixture
def team_1(plan, inspector):
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    return team


@pytest.fixture
def team_2(plan):
    leader = DelegationMember.objects.create(plan=plan, full_name="Lê Thị Thu", unit=UnitFactory(), role=DelegationMember.Role.HEAD)
    team = Team.objects.create(plan=plan, number=2, leader=leader)
    team.members.add(leader)
    return team


@pytest.fixture
def visit_a(plan, team_1, unit_a):
    day = datetime.date(2023, 5, 25)
    return Visit.objects.create(plan=plan, team=team_1, unit=unit_a, start_date=day, end_date=day)


@pytest.fixture
def visit_b(plan, team_2, unit_b):
    day = datetime.date(2023, 5, 29)
    return Visit.objects.create(plan=plan, team=team_2, unit=unit_b, start_date=day, end_date=day)


@pytest.fixture
def shortcoming_a(visit_a, inspector):
    return add_shortcoming(visit_a, actor=inspector)


@pytest.fixture
def shortcoming_b(visit_b, sonv_staff):
    return add_shortcoming(visit_b, actor=sonv_staff, text="Đào tạo cán bộ cấp xã chưa thường xuyên.")


@pytest.fixture
def reported_a(shortcoming_a, unit_a_editor):
    services.finding_report_remediation(actor=unit_a_editor, finding=shortcoming_a, text="Đã ban hành kế hoạch.", files=[pdf_upload()])
    shortcoming_a.refresh_from_db()
    return shortcoming_a
