"""The pages of reorganisations: the lineage upload, the directory as of a date, a unit's history
and the move of a closed unit's users."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import make_user
from units import roles
from units.models import Block, LineageLink, Reorganisation, User

from .conftest import REFORM, import_lineage, lineage_file

pytestmark = pytest.mark.django_db

MERGE = [f"{REFORM},merge,X-THACHVAN,X-DONGTIEN", f"{REFORM},merge,X-THACHLAC,X-DONGTIEN"]
LOC_HA = "NQ1283,01/01/2025,Nghị quyết 1283/NQ-UBTVQH15,parent,X-THACHKIM,H-TH"


def _upload(client, text, name="sap-xep.csv", **kwargs):
    return client.post(reverse("units:lineage_import"), {"file": SimpleUploadedFile(name, text.encode())}, **kwargs)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


# --- the lineage upload -----------------------------------------------------------------------


def test_staff_upload_a_lineage_file_with_an_error_and_see_the_row_nothing_written(client_of, sonv_staff, province):
    response = _upload(client_of(sonv_staff), lineage_file(MERGE[0], f"{REFORM},gop,X-THACHLAC,X-DONGTIEN"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "không có dữ liệu nào bị thay đổi" in page and "Hình thức &#x27;gop&#x27; không hợp lệ" in page
    assert not Reorganisation.objects.exists()


def test_staff_upload_a_good_lineage_file_and_see_the_event_listed(client_of, sonv_staff, province):
    response = _upload(client_of(sonv_staff), lineage_file(*MERGE), follow=True)
    page = _text(response)
    assert "Thêm 1 sự kiện sắp xếp, 2 quan hệ kế thừa" in page and "NQ1665" in page
    assert AuditEvent.objects.get(action="lineage.import").actor == sonv_staff


def test_a_lineage_file_with_a_wrong_header_is_refused_in_vietnamese(client_of, sonv_staff, province):
    response = _upload(client_of(sonv_staff), "event,kind\nA,merge\n")
    assert response.status_code == 400 and "Thiếu cột: effective_date" in response.content.decode()


def test_the_lineage_pages_are_for_staff_only(client_of, unit_a_editor, council_member, leader, province):
    for user in (unit_a_editor, council_member, leader):
        client = client_of(user)
        assert client.get(reverse("units:lineage_import")).status_code == 403
        assert client.get(reverse("units:lineage_export")).status_code == 403
        assert _upload(client, lineage_file(*MERGE)).status_code == 403
    assert not LineageLink.objects.exists()


def test_the_lineage_export_downloads_csv_and_xlsx(client_of, sonv_staff, province):
    import_lineage(*MERGE)
    client = client_of(sonv_staff)
    csv = client.get(reverse("units:lineage_export"))
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[1] == "NQ1665,2025-07-01,Nghị quyết 1665/NQ-UBTVQH15,merge,X-THACHLAC,X-DONGTIEN"
    assert client.get(reverse("units:lineage_export"), {"format": "xlsx"}).content[:2] == b"PK"


# --- a unit's page ----------------------------------------------------------------------------


def test_the_successor_page_says_what_formed_it_with_links(client_of, unit_a_editor, province):
    import_lineage(*MERGE)
    response = client_of(unit_a_editor).get(reverse("units:detail", args=[province["X-DONGTIEN"].pk]))
    page, text = response.content.decode(), _text(response)
    assert "Hình thành từ: UBND xã Thạch Văn (Sáp nhập, căn cứ Nghị quyết 1665/NQ-UBTVQH15, hiệu lực 01/07/2025)" in text
    assert reverse("units:detail", args=[province["X-THACHVAN"].pk]) in page
    assert "từ 01/07/2025 đến nay" in text


def test_the_closed_unit_page_says_where_it_went_and_its_dates(client_of, unit_a_editor, province):
    import_lineage(*MERGE)
    text = _text(client_of(unit_a_editor).get(reverse("units:detail", args=[province["X-THACHVAN"].pk])))
    assert "Đã sáp nhập vào: UBND xã Đồng Tiến" in text and "hiệu lực 01/07/2025" in text
    assert "đã ngừng hoạt động" in text and "đến 30/06/2025" in text


def test_a_split_unit_page_lists_every_part(client_of, unit_a_editor, province):
    import_lineage(f"{REFORM},split,X-KYLOI,X-KYLOI1", f"{REFORM},split,X-KYLOI,X-KYLOI2")
    text = _text(client_of(unit_a_editor).get(reverse("units:detail", args=[province["X-KYLOI"].pk])))
    assert "Chia tách vào: UBND phường Hoành Sơn, UBND xã Kỳ Lạc" in text
    text = _text(client_of(unit_a_editor).get(reverse("units:detail", args=[province["X-KYLOI1"].pk])))
    assert "Hình thành từ: UBND xã Kỳ Lợi (Chia tách một phần" in text


def test_the_unit_page_shows_its_parent_history_and_statistics_code(client_of, unit_a_editor, province):
    province["X-THACHKIM"].stat_code = "18520"
    province["X-THACHKIM"].save()
    import_lineage(LOC_HA)
    text = _text(client_of(unit_a_editor).get(reverse("units:detail", args=[province["X-THACHKIM"].pk])))
    assert "Thuộc UBND huyện Lộc Hà đến 31/12/2024; UBND huyện Thạch Hà từ 01/01/2025" in text
    assert "18520" in text


# --- the directory as of a date ---------------------------------------------------------------


def test_the_directory_of_today_leaves_out_closed_units(client_of, unit_a_editor, province):
    import_lineage(*MERGE)
    page = _text(client_of(unit_a_editor).get(reverse("units:list")))
    assert "UBND xã Đồng Tiến" in page and "UBND xã Thạch Văn" not in page


def test_the_directory_as_of_a_past_day_shows_the_units_and_parents_of_that_day(client_of, unit_a_editor, province):
    import_lineage(*MERGE, LOC_HA)
    client = client_of(unit_a_editor)
    page = client.get(reverse("units:list"), {"on": "15/06/2024"}).content.decode()
    assert "UBND xã Thạch Văn" in page and "UBND xã Đồng Tiến" not in page
    row = re.search(r"UBND xã Thạch Kim</a>.*?</tr>", page, re.S)[0]
    assert "UBND huyện Lộc Hà" in row
    row = re.search(r"UBND xã Thạch Kim</a>.*?</tr>", client.get(reverse("units:list"), {"on": "15/06/2025"}).content.decode(), re.S)[0]
    assert "UBND huyện Thạch Hà" in row


def test_the_directory_shows_closed_units_with_their_dates_when_asked(client_of, unit_a_editor, province):
    import_lineage(*MERGE)
    page = _text(client_of(unit_a_editor).get(reverse("units:list"), {"inactive": "on"}))
    assert "UBND xã Thạch Văn đã ngừng hoạt động Đến 30/06/2025" in page
    assert "UBND xã Đồng Tiến" in page and "Từ 01/07/2025" not in page


def test_a_date_that_does_not_exist_is_shown_as_an_error_not_a_500(client_of, unit_a_editor, province):
    response = client_of(unit_a_editor).get(reverse("units:list"), {"on": "31/02/2025", "q": "thach van"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Không có ngày 31/02/2025" in page and "UBND xã Thạch Văn" in page


def test_the_directory_as_of_a_date_runs_the_same_queries_whatever_the_units(client_of, sonv_staff, province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory, UnitHeadFactory
    from units.models import UnitParent

    client = client_of(sonv_staff)
    import_lineage(*MERGE, LOC_HA)

    def queries_for(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("units:list"), params).status_code == 200
        return len(captured)

    few = [queries_for(p) for p in ({"on": "15/06/2024"}, {"inactive": "on"})]
    for made in UnitFactory.create_batch(30, parent=province["H-TH"], valid_to=datetime.date(2025, 6, 30)):
        UnitHeadFactory(unit=made)
        UnitParent.objects.create(unit=made, parent=province["H-TH"], valid_to=datetime.date(2025, 6, 30))
    assert [queries_for(p) for p in ({"on": "15/06/2024"}, {"inactive": "on"})] == few
    assert max(few) <= 14


# --- users of a closed unit -------------------------------------------------------------------


@pytest.fixture
def closed_with_users(province):
    import_lineage(*MERGE, f"{REFORM},transfer,X-THACHVAN,X-KYLOI1")
    closed = province["X-THACHVAN"]
    return closed, make_user(roles.UNIT_EDITOR, closed, username="dm.thachvan"), make_user(roles.UNIT_EDITOR, closed, username="vt.thachvan")


def test_staff_see_the_users_of_a_closed_unit_with_a_confirmation(client_of, sonv_staff, closed_with_users):
    closed, *_ = closed_with_users
    page = client_of(sonv_staff).get(reverse("units:detail", args=[closed.pk])).content.decode()
    assert reverse("units:members_transfer", args=[closed.pk]) in page and "data-confirm=" in page
    assert "Chuyển sang UBND xã Đồng Tiến" in page and "Chuyển sang UBND phường Hoành Sơn" in page


def test_staff_move_one_user_to_a_successor_and_lock_the_others(client_of, sonv_staff, closed_with_users, province):
    closed, moving, locked = closed_with_users
    target = province["X-DONGTIEN"]
    response = client_of(sonv_staff).post(
        reverse("units:members_transfer", args=[closed.pk]), {"everyone": "off", f"user-{moving.pk}": str(target.pk)}, follow=True
    )
    assert "Đã chuyển 1 người dùng sang đơn vị kế thừa và khóa 1 tài khoản." in _text(response)
    moving.refresh_from_db()
    locked.refresh_from_db()
    assert moving.unit == target and moving.is_active and locked.unit == closed and not locked.is_active
    assert sorted(AuditEvent.objects.filter(action="user.unit_transfer").values_list("target_repr", flat=True)) == sorted([str(moving), str(locked)])
    assert AuditEvent.objects.filter(action="unit.members_transfer", target_id=str(closed.pk), actor=sonv_staff).exists()


def test_a_target_that_is_not_a_successor_is_refused(sonv_staff, closed_with_users, province):
    from units.services import UnitError, unit_members_transfer

    closed, moving, _ = closed_with_users
    with pytest.raises(UnitError, match="không phải là đơn vị kế thừa"):
        unit_members_transfer(actor=sonv_staff, unit=closed, moves={moving.pk: province["X-THACHKIM"]})
    moving.refresh_from_db()
    assert moving.unit == closed


def test_the_users_of_an_open_unit_are_not_moved(client_of, sonv_staff, unit_a, unit_a_editor):
    response = client_of(sonv_staff).post(reverse("units:members_transfer", args=[unit_a.pk]), {"everyone": "off"}, follow=True)
    assert "đang hoạt động: chỉ chuyển người dùng của đơn vị đã ngừng hoạt động" in _text(response)
    assert User.objects.get(pk=unit_a_editor.pk).is_active


def test_only_staff_move_users(client_of, closed_with_users, unit_a_editor, council_member):
    closed, moving, _ = closed_with_users
    for user in (moving, unit_a_editor, council_member):
        assert client_of(user).post(reverse("units:members_transfer", args=[closed.pk]), {"everyone": "off"}).status_code == 403
    assert User.objects.get(pk=moving.pk).is_active
    assert client_of(moving).get(reverse("units:members_transfer", args=[closed.pk])).status_code == 405


def test_a_made_up_choice_is_refused_without_a_500(client_of, sonv_staff, closed_with_users):
    closed, moving, _ = closed_with_users
    response = client_of(sonv_staff).post(reverse("units:members_transfer", args=[closed.pk]), {f"user-{moving.pk}": "99999999999999999999"}, follow=True)
    assert response.status_code == 200 and "Lựa chọn không hợp lệ" in _text(response)
    assert User.objects.get(pk=moving.pk).unit == closed


# --- blocks -----------------------------------------------------------------------------------


def test_staff_set_a_blocks_level(client_of, sonv_staff):
    response = client_of(sonv_staff).post(
        reverse("units:block_create"), {"code": "ubnd-xa-2026", "name": "UBND cấp xã (từ 2026)", "level": "commune", "order": 5, "active": "on"}
    )
    assert response.status_code == 302
    assert Block.objects.get(code="ubnd-xa-2026").level == Block.Level.COMMUNE
    assert AuditEvent.objects.get(action="block.save").changes["level"] == [None, "commune"]


def test_users_are_not_moved_into_a_successor_that_has_closed_too(sonv_staff, closed_with_users, province):
    import datetime

    from units.services import UnitError, unit_members_transfer

    closed, moving, _ = closed_with_users
    target = province["X-DONGTIEN"]
    target.valid_to, target.active = datetime.date(2025, 12, 31), False
    target.save()
    with pytest.raises(UnitError, match="cũng đã ngừng hoạt động"):
        unit_members_transfer(actor=sonv_staff, unit=closed, moves={moving.pk: target})
    moving.refresh_from_db()
    assert moving.unit == closed
