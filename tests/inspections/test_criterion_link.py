import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Finding
from scoring.models import Criterion, Framework, Period
from tests.factories import UnitFactory
from units.models import Block

from .conftest import add_shortcoming

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria_2023(unit_a):
    period = Period.objects.create(year=2023, title="Chỉ số CCHC năm 2023")
    framework = Framework.objects.create(period=period, block=unit_a.block)
    field = Criterion.objects.create(framework=framework, code="7", title="Chính quyền số", max_score=Decimal("3"))
    leaf = Criterion.objects.create(framework=framework, parent=field, code="7.3", title="Tỷ lệ hồ sơ trực tuyến", max_score=Decimal("3"))
    other_field = Criterion.objects.create(framework=framework, code="2", title="Cải cách thể chế", max_score=Decimal("3"))
    return {"leaf": leaf, "other_field": other_field}


def test_a_shortcoming_may_name_the_criterion_it_concerns(visit_a, inspector, criteria_2023):
    finding = services.finding_create(
        actor=inspector, visit=visit_a, field="7", kind=Finding.Kind.SHORTCOMING, text="Tỷ lệ hồ sơ trực tuyến thấp.",
        recommendation="Đẩy mạnh dịch vụ công trực tuyến.", severity=Finding.Severity.HIGH,
        deadline=datetime.date(2023, 12, 31), criterion=criteria_2023["leaf"],
    )
    assert finding.criterion == criteria_2023["leaf"]
    assert criteria_2023["leaf"].inspection_findings.get() == finding


def test_a_criterion_of_another_field_is_refused(visit_a, inspector, criteria_2023):
    with pytest.raises(services.InspectionError, match="không thuộc lĩnh vực 7"):
        services.finding_create(
            actor=inspector, visit=visit_a, field="7", kind=Finding.Kind.SHORTCOMING, text="Nội dung",
            recommendation="Kiến nghị", severity=Finding.Severity.LOW, deadline=datetime.date(2023, 12, 31),
            criterion=criteria_2023["other_field"],
        )
    assert not Finding.objects.exists()


def test_a_criterion_of_another_blocks_framework_is_refused(plan, team_1, inspector, criteria_2023):
    from inspections.models import Visit

    commune = UnitFactory(code="XA-1", name="UBND xã Thử", block=Block.objects.get(code="ubnd-xa"))
    day = datetime.date(2023, 6, 1)
    visit = Visit.objects.create(plan=plan, team=team_1, unit=commune, start_date=day, end_date=day)
    with pytest.raises(services.InspectionError, match="khối khác"):
        services.finding_create(
            actor=inspector, visit=visit, field="7", kind=Finding.Kind.SHORTCOMING, text="Nội dung",
            recommendation="Kiến nghị", severity=Finding.Severity.LOW, deadline=datetime.date(2023, 12, 31),
            criterion=criteria_2023["leaf"],
        )


def test_the_quick_entry_form_offers_the_years_criteria_in_code_order(client_of, inspector, visit_a, criteria_2023):
    page = client_of(inspector).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    assert "Tiêu chí liên quan" in page
    assert page.index(">2. Cải cách thể chế<") < page.index(">7. Chính quyền số<") < page.index(">7.3. Tỷ lệ hồ sơ trực tuyến<")


def test_a_strength_keeps_no_criterion(visit_a, inspector, criteria_2023):
    finding = services.finding_create(
        actor=inspector, visit=visit_a, field="7", kind=Finding.Kind.STRENGTH, text="Làm tốt.", criterion=criteria_2023["leaf"]
    )
    assert finding.criterion is None


def test_the_finding_page_names_the_criterion(client_of, sonv_staff, visit_a, inspector, criteria_2023):
    finding = add_shortcoming(visit_a, actor=inspector)
    services.finding_update(actor=inspector, finding=finding, criterion=criteria_2023["leaf"])
    page = client_of(sonv_staff).get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert "7.3. Tỷ lệ hồ sơ trực tuyến" in page
