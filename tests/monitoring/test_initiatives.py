"""The registry of models and initiatives: registered → implementing → recognised → replicated,
searchable without accents, exportable; each unit sees its own."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from monitoring import selectors, services
from monitoring.models import Initiative
from monitoring.services import MonitoringError
from tests.factories import UnitFactory

from .builders import YEAR, pdf
from .helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
S = Initiative.Status


def _register(actor, unit, title="Một cửa không chờ", description="Trả kết quả thủ tục hành chính ngay trong ngày.", **extra):
    return services.initiative_register(actor=actor, unit=unit, year=YEAR, title=title, field="3", description=description, **extra)


@pytest.fixture
def initiative(unit_a_editor, unit_a):
    return _register(unit_a_editor, unit_a, files=[pdf("de-an.pdf")])


def test_an_initiative_goes_from_registered_to_replicated(initiative, unit_a_editor, sonv_staff, unit_b):
    assert initiative.status == S.REGISTERED and initiative.evidence.get().original_name == "de-an.pdf"
    with pytest.raises(MonitoringError, match="đang triển khai"):
        services.initiative_recognise(actor=sonv_staff, initiative=initiative, decision_number="12/QĐ-UBND", decision_date=datetime.date(2025, 6, 1))
    services.initiative_start(actor=unit_a_editor, initiative=initiative, since=datetime.date(2025, 2, 1))
    with pytest.raises(MonitoringError, match="trước ngày bắt đầu triển khai"):
        services.initiative_recognise(actor=sonv_staff, initiative=initiative, decision_number="12/QĐ-UBND", decision_date=datetime.date(2025, 1, 1))
    services.initiative_recognise(actor=sonv_staff, initiative=initiative, decision_number="12/QĐ-UBND", decision_date=datetime.date(2025, 6, 1))
    services.initiative_replicate(actor=sonv_staff, initiative=initiative, adopters=[unit_b, initiative.unit])
    initiative.refresh_from_db()
    assert initiative.status == S.REPLICATED and list(initiative.adopters.all()) == [unit_b]
    assert list(AuditEvent.objects.filter(target_id=str(initiative.pk), action__startswith="initiative.").values_list("action", flat=True).order_by("id")) == [
        "initiative.register", "initiative.start", "initiative.recognise", "initiative.replicate",
    ]


def test_only_staff_recognise_and_record_replication(initiative, unit_a_editor, leader, unit_b):
    services.initiative_start(actor=unit_a_editor, initiative=initiative)
    for actor in (unit_a_editor, leader):
        with pytest.raises(MonitoringError, match="Chỉ Sở Nội vụ"):
            services.initiative_recognise(actor=actor, initiative=initiative, decision_number="1/QĐ", decision_date=datetime.date(2025, 6, 1))
        with pytest.raises(MonitoringError, match="Chỉ Sở Nội vụ"):
            services.initiative_replicate(actor=actor, initiative=initiative, adopters=[unit_b])


def test_a_recognition_decision_dated_in_the_future_is_refused(initiative, unit_a_editor, sonv_staff):
    services.initiative_start(actor=unit_a_editor, initiative=initiative)
    with pytest.raises(MonitoringError, match="không được sau hôm nay"):
        services.initiative_recognise(actor=sonv_staff, initiative=initiative, decision_number="1/QĐ", decision_date=datetime.date(2100, 1, 1))


def test_replication_needs_another_unit(initiative, unit_a_editor, sonv_staff):
    services.initiative_start(actor=unit_a_editor, initiative=initiative, since=datetime.date(2025, 2, 1))
    services.initiative_recognise(actor=sonv_staff, initiative=initiative, decision_number="1/QĐ", decision_date=datetime.date(2025, 6, 1))
    with pytest.raises(MonitoringError, match="khác đơn vị đăng ký"):
        services.initiative_replicate(actor=sonv_staff, initiative=initiative, adopters=[initiative.unit])


def test_a_unit_edits_its_initiative_until_it_is_recognised_then_only_staff_do(initiative, unit_a_editor, unit_b_editor, sonv_staff):
    edit = {"title": "Một cửa không chờ đợi", "field": "3", "description": initiative.description}
    with pytest.raises(MonitoringError, match="của đơn vị mình"):
        services.initiative_update(actor=unit_b_editor, initiative=initiative, **edit)
    services.initiative_update(actor=unit_a_editor, initiative=initiative, **edit, files=[pdf("hinh-anh.pdf")])
    assert initiative.evidence.count() == 2
    services.initiative_start(actor=unit_a_editor, initiative=initiative, since=datetime.date(2025, 2, 1))
    services.initiative_recognise(actor=sonv_staff, initiative=initiative, decision_number="1/QĐ", decision_date=datetime.date(2025, 6, 1))
    with pytest.raises(MonitoringError, match="đã được công nhận"):
        services.initiative_update(actor=unit_a_editor, initiative=initiative, **edit)
    services.initiative_update(actor=sonv_staff, initiative=initiative, **{**edit, "title": "Một cửa không chờ (đã công nhận)"})


def test_a_unit_registers_only_for_itself_and_only_while_it_exists(unit_a_editor, unit_b, sonv_staff):
    with pytest.raises(MonitoringError, match="của đơn vị mình"):
        _register(unit_a_editor, unit_b)
    gone = UnitFactory(code="DA-SAP-NHAP", valid_to=datetime.date(2024, 12, 31), active=False)
    with pytest.raises(MonitoringError, match="không hoạt động trong năm 2025"):
        _register(sonv_staff, gone)


def test_the_search_finds_words_without_accents_in_the_title_the_description_and_the_units_name(initiative, unit_b_editor, unit_b, sonv_staff):
    _register(unit_b_editor, unit_b, title="Số hóa hồ sơ", description="Chữ ký số cho mọi cán bộ.")
    titles = lambda q: [i.title for i in selectors.initiative_list(user=sonv_staff, q=q)]  # noqa: E731
    assert titles("mot cua") == ["Một cửa không chờ"]
    assert titles("CHU KY") == ["Số hóa hồ sơ"]
    assert titles("ngoai vu") == ["Số hóa hồ sơ"]  # unit B: Sở Ngoại vụ thử nghiệm
    assert titles("cua ky") == []  # every word must be found
    assert set(titles("")) == {"Một cửa không chờ", "Số hóa hồ sơ"}


def test_a_unit_lists_and_exports_only_its_own_initiatives(initiative, unit_b_editor, unit_b, client_of, unit_a_editor):
    _register(unit_b_editor, unit_b, title="Số hóa hồ sơ")
    client = client_of(unit_a_editor)
    page = client.get(reverse("monitoring:initiatives")).content.decode()
    assert "Một cửa không chờ" in page and "Số hóa hồ sơ" not in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("monitoring:initiative_export")).content)).active
    assert sheet.max_row == 2 and sheet["D2"].value == "Một cửa không chờ" and sheet["B2"].value == initiative.unit.code


def test_the_export_follows_the_lists_filters(initiative, unit_b_editor, unit_b, client_of, sonv_staff):
    _register(unit_b_editor, unit_b, title="Số hóa hồ sơ")
    content = client_of(sonv_staff).get(reverse("monitoring:initiative_export"), {"q": "so hoa"}).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [row[3].value for row in sheet.iter_rows(min_row=2)] == ["Số hóa hồ sơ"]


def test_the_list_page_runs_a_constant_number_of_queries(initiative, client_of, leader, unit_b, unit_b_editor, django_assert_num_queries):
    def grow():
        for n in range(12):
            item = _register(unit_b_editor, unit_b, title=f"Sáng kiến {n}")
            item.adopters.add(initiative.unit)

    assert_constant_queries(client_of(leader), reverse("monitoring:initiatives"), grow, django_assert_num_queries)
