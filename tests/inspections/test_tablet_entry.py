"""Entry of findings on a phone or a tablet: criteria of the visited unit's framework, the owner unit
kept from one entry to the next, messages next to the button, dates typed dd/mm/yyyy."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.urls import reverse

from cchc.forms import DateField
from inspections import services
from inspections.forms import ConclusionForm, FindingForm, PlanForm, VisitForm
from inspections.models import Finding
from scoring.models import Assessment, Criterion, Framework, Period
from tests.factories import UnitFactory
from units.models import Block

from .conftest import add_shortcoming

pytestmark = pytest.mark.django_db


def _criteria(framework, *codes):
    made = {}
    for code in codes:
        made[code] = Criterion.objects.create(
            framework=framework, parent=made.get(code.rpartition(".")[0]), code=code, title=f"Tiêu chí {code}", max_score=Decimal("1")
        )
    return made


@pytest.fixture
def frameworks(unit_a):
    """2023: one framework for unit A's block (sở, ngành), one for communes; 2022: unit A's block."""
    period = Period.objects.create(year=2023, title="Chỉ số CCHC năm 2023")
    departments = Framework.objects.create(period=period, block=unit_a.block)
    communes = Framework.objects.create(period=period, block=Block.objects.get(code="ubnd-xa"))
    last_year = Framework.objects.create(period=Period.objects.create(year=2022, title="Chỉ số CCHC năm 2022"), block=unit_a.block)
    return {
        "departments": departments,
        "communes": communes,
        "sở": _criteria(departments, "2", "2.1", "7", "7.3", "7.10"),
        "xã": _criteria(communes, "7", "7.1"),
        "2022": _criteria(last_year, "7", "7.9"),
    }


@pytest.fixture
def commune(visit_a):
    unit = UnitFactory(code="XA-1", name="UBND xã Thạch Hà thử nghiệm", block=Block.objects.get(code="ubnd-xa"))
    visit_a.also_units.add(unit)
    return unit


def _post(**overrides):
    data = {
        "field": "7",
        "kind": "shortcoming",
        "text": "Tỷ lệ hồ sơ trực tuyến thấp.",
        "recommendation": "Đẩy mạnh dịch vụ công trực tuyến.",
        "severity": "medium",
        "deadline": "31/12/2023",
    }
    return {**data, **overrides}


def _add(client, visit, **overrides):
    return client.post(reverse("inspections:finding_add", args=[visit.pk]), _post(**overrides), HTTP_HX_REQUEST="true")


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)


# --- Criteria of the visited unit's framework ----------------------------------------------------


def test_the_form_offers_only_the_criteria_of_the_plans_year_and_the_visited_units_block(visit_a, frameworks):
    offered = set(FindingForm(visit=visit_a).fields["criterion"].queryset)
    assert offered == set(frameworks["sở"].values())


def test_a_commune_visited_along_brings_its_blocks_criteria_grouped_by_block(visit_a, commune, frameworks):
    form = FindingForm(visit=visit_a)
    assert set(form.fields["criterion"].queryset) == {*frameworks["sở"].values(), *frameworks["xã"].values()}
    groups = [label for label, _ in form.fields["criterion"].choices[1:]]
    assert groups == ["Khối Sở, ban, ngành cấp tỉnh", "Khối UBND xã, phường, thị trấn"]


def test_each_criterion_option_says_its_framework_and_field_for_the_page_to_narrow_the_list(client_of, inspector, visit_a, commune, frameworks):
    page = client_of(inspector).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    leaf = frameworks["xã"]["7.1"]
    assert re.search(rf'<option value="{leaf.pk}" data-framework="{frameworks["communes"].pk}" data-field="7"', page)
    assert re.search(rf'<option value="{commune.pk}" data-framework="{frameworks["communes"].pk}"', page)
    assert "data-criterion-select" in page and "data-finding-field" in page and "data-owner-unit" in page


def test_criteria_are_listed_in_code_order(client_of, inspector, visit_a, frameworks):
    page = client_of(inspector).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    assert _options(page, "criterion")[1:] == ["2. Tiêu chí 2", "2.1. Tiêu chí 2.1", "7. Tiêu chí 7", "7.3. Tiêu chí 7.3", "7.10. Tiêu chí 7.10"]


def test_the_framework_of_the_units_assessment_wins_over_its_current_block(visit_a, unit_a, frameworks):
    # The unit was assessed in 2023 with the communes' framework, then moved to another block.
    Assessment.objects.create(period=frameworks["communes"].period, unit=unit_a, framework=frameworks["communes"])
    assert services.finding_frameworks(visit_a) == {unit_a.pk: frameworks["communes"].pk}
    assert set(FindingForm(visit=visit_a).fields["criterion"].queryset) == set(frameworks["xã"].values())


def test_a_visit_whose_units_have_no_framework_that_year_offers_no_criterion(visit_a):
    assert services.finding_frameworks(visit_a) == {}
    assert FindingForm(visit=visit_a).fields["criterion"].choices == [("", "— Không gắn với tiêu chí cụ thể —")]


def test_a_criterion_of_another_year_is_refused_with_a_message_and_nothing_is_saved(client_of, inspector, visit_a, unit_a, frameworks):
    response = _add(client_of(inspector), visit_a, owner_unit=unit_a.pk, criterion=frameworks["2022"]["7.9"].pk)
    assert "Tiêu chí đã chọn không thuộc bộ chỉ số năm 2023 của các đơn vị được kiểm tra; hãy chọn lại." in response.content.decode()
    assert not Finding.objects.exists()


def test_a_criterion_of_the_communes_block_is_refused_for_the_department_as_owner(client_of, inspector, visit_a, unit_a, commune, frameworks):
    response = _add(client_of(inspector), visit_a, owner_unit=unit_a.pk, criterion=frameworks["xã"]["7.1"].pk)
    assert f"Tiêu chí 7.1 không thuộc bộ chỉ số năm 2023 của {unit_a.name}." in response.content.decode()
    assert not Finding.objects.exists()


def test_a_criterion_of_another_field_is_refused_by_the_form(client_of, inspector, visit_a, unit_a, frameworks):
    response = _add(client_of(inspector), visit_a, owner_unit=unit_a.pk, criterion=frameworks["sở"]["2.1"].pk)
    assert "Tiêu chí 2.1 không thuộc lĩnh vực 7." in response.content.decode()
    assert not Finding.objects.exists()


def test_the_criterion_of_the_communes_framework_is_accepted_for_the_commune(client_of, inspector, visit_a, commune, frameworks):
    _add(client_of(inspector), visit_a, owner_unit=commune.pk, criterion=frameworks["xã"]["7.1"].pk)
    assert Finding.objects.get().criterion == frameworks["xã"]["7.1"]


def test_the_service_refuses_a_criterion_of_another_year(visit_a, inspector, frameworks):
    with pytest.raises(services.InspectionError, match="thuộc bộ chỉ số năm 2022, không phải năm kiểm tra 2023"):
        services.finding_create(
            actor=inspector, visit=visit_a, field="7", kind=Finding.Kind.SHORTCOMING, text="Nội dung", recommendation="Kiến nghị",
            severity=Finding.Severity.LOW, deadline=datetime.date(2023, 12, 31), criterion=frameworks["2022"]["7.9"],
        )
    assert not Finding.objects.exists()


def test_the_service_refuses_on_update_a_criterion_of_the_owners_other_block(visit_a, inspector, commune, frameworks):
    finding = add_shortcoming(visit_a, actor=inspector, owner_unit=commune)
    with pytest.raises(services.InspectionError, match="khối khác với khối của đơn vị khắc phục"):
        services.finding_update(actor=inspector, finding=finding, criterion=frameworks["sở"]["7.3"])


# --- The owner unit kept from one entry to the next ----------------------------------------------


def test_the_next_empty_form_starts_with_the_owner_unit_and_deadline_chosen_last(client_of, inspector, visit_a, commune):
    body = _add(client_of(inspector), visit_a, owner_unit=commune.pk, deadline="30/09/2023").content.decode()
    form = body[: body.index('id="findings"')]
    assert _selected(form, "owner_unit") == str(commune.pk)
    assert _selected(form, "field") == "7"
    assert 'name="deadline" value="30/09/2023"' in form
    assert 'name="text"' in form and "Tỷ lệ hồ sơ trực tuyến thấp.</textarea>" not in form


def test_the_visit_page_opened_again_goes_on_from_the_users_last_entry(client_of, inspector, sonv_staff, visit_a, commune, unit_a):
    add_shortcoming(visit_a, actor=inspector, owner_unit=commune, field="3")
    add_shortcoming(visit_a, actor=sonv_staff, owner_unit=unit_a, field="5")  # someone else's entry does not count
    page = client_of(inspector).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    assert _selected(page, "owner_unit") == str(commune.pk) and _selected(page, "field") == "3"


def test_a_first_entry_starts_with_the_visited_unit_as_owner(client_of, inspector, visit_a, unit_a, commune):
    page = client_of(inspector).get(reverse("inspections:visit", args=[visit_a.pk])).content.decode()
    assert _selected(page, "owner_unit") == str(unit_a.pk)


# --- Messages where the eye is ---------------------------------------------------------------------


def test_the_confirmation_is_a_polite_status_right_above_the_button(client_of, inspector, visit_a, unit_a):
    body = _add(client_of(inspector), visit_a, owner_unit=unit_a.pk).content.decode()
    status = body.index('role="status" aria-live="polite"')
    assert body.index('name="deadline"') < status < body.index("Ghi kết quả</button>")
    assert "Đã ghi tồn tại, hạn chế vào lĩnh vực 7: “Tỷ lệ hồ sơ trực tuyến thấp.”" in body


def test_the_errors_are_an_alert_above_the_button_with_links_to_their_fields(client_of, inspector, visit_a, unit_a):
    body = _add(client_of(inspector), visit_a, owner_unit=unit_a.pk, recommendation="", severity="", deadline="12/31/2023").content.decode()
    alert = body.index('role="alert"')
    assert body.index('name="deadline"') < alert < body.index("Ghi kết quả</button>")
    assert '<a class="alert-link fw-normal" href="#id_recommendation">Kiến nghị: Tồn tại, hạn chế cần có kiến nghị.</a>' in body
    assert 'href="#id_severity_0">Mức độ: Chọn mức độ.</a>' in body and 'id="id_severity_0"' in body
    assert 'href="#id_deadline">Thời hạn khắc phục: Không có ngày 12/31/2023.</a>' in body
    assert "Nhập thời hạn khắc phục." not in body  # the date typed wrong is said once


def test_a_refusal_of_the_service_is_in_the_alert_too(client_of, inspector, visit_a, unit_a):
    # A page opened before the conclusion was recorded still posts its form.
    visit_a.status = visit_a.Status.CONCLUDED
    visit_a.save()
    body = _add(client_of(inspector), visit_a, owner_unit=unit_a.pk).content.decode()
    alert = body[body.index('role="alert"') : body.index("Ghi kết quả</button>")]
    assert "Cuộc kiểm tra đã có kết luận, không ghi thêm kết quả được." in alert
    assert not Finding.objects.exists()


def test_an_inline_edit_is_confirmed_at_the_edited_finding(client_of, inspector, shortcoming_a):
    prefix = f"f{shortcoming_a.pk}-"
    data = {prefix + k: v for k, v in _post(text="Nội dung đã sửa", owner_unit=shortcoming_a.owner_unit_id).items()}
    body = client_of(inspector).post(reverse("inspections:finding_edit", args=[shortcoming_a.pk]), data, HTTP_HX_REQUEST="true").content.decode()
    item = re.search(rf'<li class="list-group-item finding-item" id="finding-{shortcoming_a.pk}">.*?</li>', body, re.S).group(0)
    assert 'role="status" aria-live="polite"' in item and "Đã lưu thay đổi." in item


def test_an_inline_edit_with_errors_shows_them_next_to_its_save_button(client_of, inspector, shortcoming_a):
    prefix = f"f{shortcoming_a.pk}-"
    data = {prefix + k: v for k, v in _post(recommendation="", owner_unit=shortcoming_a.owner_unit_id).items()}
    body = client_of(inspector).post(reverse("inspections:finding_edit", args=[shortcoming_a.pk]), data, HTTP_HX_REQUEST="true").content.decode()
    assert body.index('role="alert"') < body.index("Lưu</button>")
    assert f'href="#id_{prefix}recommendation"' in body


# --- Dates typed dd/mm/yyyy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["02/12/2026", "2/12/2026", "02-12-2026", "02.12.2026", "02122026", "2026-12-02", " 02/12/2026 "],
)
def test_a_date_is_read_day_first_so_02_12_is_the_second_of_december(typed):
    assert DateField().clean(typed) == datetime.date(2026, 12, 2)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12/31/2026", "Không có ngày 12/31/2026."),
        ("31/02/2026", "Không có ngày 31/02/2026."),
        ("02/12/26", "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 02/12/2026."),
        ("ngày mai", "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 02/12/2026."),
    ],
)
def test_a_date_that_is_not_dd_mm_yyyy_is_refused_with_a_vietnamese_message(typed, message):
    with pytest.raises(Exception) as caught:
        DateField().clean(typed)
    assert caught.value.messages == [message]


def test_a_date_shows_as_dd_mm_yyyy_in_a_text_box_with_the_number_pad():
    html = DateField().widget.render("deadline", datetime.date(2026, 12, 2))
    assert 'type="text"' in html and 'value="02/12/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html and "data-date-input" in html


def test_a_deadline_typed_02_12_2026_is_saved_as_the_second_of_december(client_of, inspector, visit_a, unit_a):
    _add(client_of(inspector), visit_a, owner_unit=unit_a.pk, deadline="02/12/2026")
    assert Finding.objects.get().deadline == datetime.date(2026, 12, 2)


def test_no_inspection_form_uses_the_browsers_date_input(plan, team_1, visit_a, frameworks):
    forms = [PlanForm(), VisitForm(plan=plan), ConclusionForm(), FindingForm(visit=visit_a)]
    for form in forms:
        html = str(form)
        assert 'type="date"' not in html
        for name, field in form.fields.items():
            if isinstance(field, django_forms.DateField):
                assert isinstance(field, DateField), f"{type(form).__name__}.{name} reads dates in the browser's order"


def test_the_visit_pages_dates_are_dd_mm_yyyy_text(client_of, sonv_staff, visit_a):
    page = client_of(sonv_staff).get(reverse("inspections:visit_edit", args=[visit_a.pk])).content.decode()
    assert 'type="date"' not in page
    assert re.search(r'<input type="text" name="start_date" value="25/05/2023"', page)


def test_staff_schedule_a_visit_with_dates_typed_day_first(client_of, sonv_staff, plan, team_1, unit_a):
    response = client_of(sonv_staff).post(
        reverse("inspections:visit_create", args=[plan.pk]),
        {"team": team_1.pk, "unit": unit_a.pk, "start_date": "02/12/2023", "end_date": "03122023", "form": "in_person"},
    )
    assert response.status_code == 302
    visit = plan.visits.get()
    assert (visit.start_date, visit.end_date) == (datetime.date(2023, 12, 2), datetime.date(2023, 12, 3))


# --- Units visited along: a searchable list ------------------------------------------------------------


def test_the_visit_forms_units_come_grouped_by_block_for_the_searchable_list(plan, unit_a, commune):
    form = VisitForm(plan=plan)
    html = str(form["also_units"])
    assert "data-unit-picker" in html
    assert '<optgroup label="Khối UBND xã, phường, thị trấn">' in html
    assert "Ctrl" not in str(form)


def test_a_visit_of_the_2023_plan_cannot_be_scheduled_in_2030(client_of, sonv_staff, plan, team_1, unit_a):
    response = client_of(sonv_staff).post(
        reverse("inspections:visit_create", args=[plan.pk]),
        {"team": team_1.pk, "unit": unit_a.pk, "start_date": "10/06/2030", "end_date": "11/06/2030", "form": "in_person"},
    )
    assert response.status_code == 200 and "phải bắt đầu trong năm 2023" in response.content.decode()
    assert not plan.visits.exists()
