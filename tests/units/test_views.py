import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UnitFactory, UnitHeadFactory
from units.models import Block, Unit

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("units:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_login_page_is_in_vietnamese(client):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in response.content.decode() and 'lang="vi"' in response.content.decode()


def test_staff_see_the_directory_with_search_and_block_filter(client_of, sonv_staff):
    UnitFactory(code="H-TH", name="UBND huyện Thạch Hà", block=Block.objects.get(code="ubnd-huyen"))
    UnitFactory(code="STP", name="Sở Tư pháp")
    client = client_of(sonv_staff)
    page = client.get(reverse("units:list"), {"q": "thach ha"}).content.decode()
    assert "UBND huyện Thạch Hà" in page and "Sở Tư pháp" not in page
    page = client.get(reverse("units:list"), {"block": "ubnd-huyen"}).content.decode()
    assert "UBND huyện Thạch Hà" in page and "Sở Tư pháp</a>" not in page


def test_the_htmx_search_returns_only_the_table(client_of, sonv_staff):
    UnitFactory(code="STP", name="Sở Tư pháp")
    response = client_of(sonv_staff).get(reverse("units:list"), {"q": "tu phap"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-table")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="unit-table">') and "Sở Tư pháp" in body


def test_the_unit_list_query_count_does_not_grow_with_units(client_of, sonv_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(sonv_staff)

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("units:list")).status_code == 200
        return len(captured)

    for unit in UnitFactory.create_batch(3):
        UnitHeadFactory(unit=unit)
    few = queries_for_list()
    for unit in UnitFactory.create_batch(47):
        UnitHeadFactory(unit=unit)
    assert queries_for_list() == few <= 12


def test_unit_detail_shows_the_heads_history(client_of, unit_a_editor, unit_a):
    import datetime

    UnitHeadFactory(unit=unit_a, full_name="Người Cũ", start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2022, 6, 30))
    UnitHeadFactory(unit=unit_a, full_name="Người Mới", start_date=datetime.date(2022, 7, 1))
    page = client_of(unit_a_editor).get(reverse("units:detail", args=[unit_a.pk])).content.decode()
    assert "Người Cũ" in page and "30/06/2022" in page and "đương nhiệm" in page


def test_a_unit_editor_gets_404_on_another_units_edit_page(client_of, unit_a_editor, unit_b):
    client = client_of(unit_a_editor)
    assert client.get(reverse("units:edit", args=[unit_b.pk])).status_code == 404
    assert client.post(reverse("units:edit", args=[unit_b.pk]), {"phone": "0123"}).status_code == 404
    assert client.get(reverse("units:head_appoint", args=[unit_b.pk])).status_code in (403, 404)
    unit_b.refresh_from_db()
    assert unit_b.phone == ""


def test_a_unit_editor_may_update_only_their_units_contact_details(client_of, unit_a_editor, unit_a):
    client = client_of(unit_a_editor)
    response = client.post(
        reverse("units:edit", args=[unit_a.pk]),
        {"short_name": "Sở KH&CN", "phone": "0239 3855 555", "email": "skhcn@hatinh.gov.vn", "address": "", "website": "", "code": "HACKED"},
    )
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.phone == "0239 3855 555" and unit_a.code == "UNIT-A"
    assert AuditEvent.objects.get(action="unit.update").changes["phone"] == ["", "0239 3855 555"]


@pytest.mark.parametrize("name", ["units:create", "units:import", "units:export", "units:blocks", "units:block_create"])
def test_staff_only_pages_are_forbidden_to_other_roles(client_of, unit_a_editor, council_member, leader, name):
    for user in (unit_a_editor, council_member, leader):
        assert client_of(user).get(reverse(name)).status_code == 403


def test_staff_create_a_unit_and_it_is_audited(client_of, sonv_staff):
    block = Block.objects.get(code="ubnd-xa")
    response = client_of(sonv_staff).post(
        reverse("units:create"), {"code": "X-MOI", "name": "UBND xã Mới", "block": block.pk, "active": "on"}
    )
    unit = Unit.objects.get(code="X-MOI")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="unit.create", target_id=str(unit.pk), actor=sonv_staff).exists()


def test_staff_appoint_a_new_head_and_the_old_term_ends_the_day_before(client_of, sonv_staff, unit_a):
    import datetime

    UnitHeadFactory(unit=unit_a, full_name="Người Cũ", start_date=datetime.date(2020, 1, 1))
    client_of(sonv_staff).post(
        reverse("units:head_appoint", args=[unit_a.pk]), {"full_name": "Người Mới", "title": "Giám đốc", "start_date": "15/03/2024"}
    )
    old, new = unit_a.heads.order_by("start_date")
    assert old.end_date == datetime.date(2024, 3, 14) and new.start_date == datetime.date(2024, 3, 15)


def test_import_page_shows_row_errors_and_writes_nothing(client_of, sonv_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("don-vi.csv", "code,name,block,parent_code,head_name,head_title\nA,Đơn vị A,so-nganh,,,\nB,,so-nganh,,,\n".encode())
    response = client_of(sonv_staff).post(reverse("units:import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "không có dữ liệu nào bị thay đổi" in page and "Chưa có tên đơn vị" in page
    assert not Unit.objects.filter(code="A").exists()


def test_import_page_imports_a_good_file(client_of, sonv_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("don-vi.csv", "code,name,block,parent_code,head_name,head_title\nA,Đơn vị A,so-nganh,,,\n".encode())
    response = client_of(sonv_staff).post(reverse("units:import"), {"file": upload}, follow=True)
    assert "Thêm mới 1" in response.content.decode()


def test_export_downloads_csv_and_xlsx(client_of, sonv_staff, unit_a):
    client = client_of(sonv_staff)
    csv_response = client.get(reverse("units:export"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "UNIT-A" in csv_response.content.decode()
    xlsx = client.get(reverse("units:export"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_the_404_page_is_in_vietnamese(client_of, sonv_staff, settings):
    settings.DEBUG = False
    response = client_of(sonv_staff).get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()


def test_navigation_shows_staff_the_blocks_menu_and_hides_it_from_units(client_of, sonv_staff, unit_a_editor):
    assert reverse("units:blocks") in client_of(sonv_staff).get(reverse("home")).content.decode()
    assert reverse("units:blocks") not in client_of(unit_a_editor).get(reverse("home")).content.decode()
