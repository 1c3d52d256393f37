"""The document panel (htmx), the request button, downloads and the documents list: who sees what."""

import pytest
from django.urls import reverse

from inspections.models import Finding
from reports import services
from reports.models import GeneratedDocument
from tests.factories import make_user
from units import roles

from .conftest import conclude

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_a(concluded_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.document_request(actor=None, kind="notice", subject=concluded_a)
    doc.refresh_from_db()
    return doc


def panel_url(visit):
    return reverse("reports:panel", args=["notice", visit.pk])


def test_the_visit_page_loads_the_document_panel_of_a_concluded_visit(client_of, inspector, concluded_a):
    body = client_of(inspector).get(reverse("inspections:visit", args=[concluded_a.pk])).content.decode()
    assert f'hx-get="{panel_url(concluded_a)}"' in body and 'hx-trigger="load"' in body


def test_a_team_member_asks_for_the_notice_and_the_panel_offers_the_download(client_of, inspector, concluded_a, django_capture_on_commit_callbacks):
    client = client_of(inspector)
    panel = client.get(panel_url(concluded_a)).content.decode()
    assert "Thông báo kết luận (PDF)" in panel and "every 2s" not in panel
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request", args=["notice", concluded_a.pk]), HTTP_HX_REQUEST="true")
    doc = GeneratedDocument.objects.get()
    assert doc.requested_by == inspector
    panel = client.get(panel_url(concluded_a)).content.decode()
    assert response.status_code == 200
    assert reverse("reports:download", args=[doc.pk]) in panel and doc.sha256[:12] in panel and "Hoàn tất" in panel
    assert "every 2s" not in panel and "<script" not in panel


def test_a_pending_document_polls_every_two_seconds(client_of, sonv_staff, concluded_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # queued, the task not run
        services.document_request(actor=sonv_staff, kind="notice", subject=concluded_a)
    panel = client_of(sonv_staff).get(panel_url(concluded_a)).content.decode()
    assert 'hx-trigger="every 2s"' in panel and "Đang chờ" in panel and "tai-ve" not in panel


def test_an_out_of_date_document_offers_to_make_it_again(client_of, sonv_staff, notice_a, concluded_a):
    Finding.objects.filter(visit=concluded_a, field="7").update(text="Nội dung đã đính chính.")
    panel = client_of(sonv_staff).get(panel_url(concluded_a)).content.decode()
    assert "Đã cũ" in panel and "Tạo lại" in panel


def test_the_unit_downloads_its_notice_and_another_unit_gets_404(client_of, unit_a_editor, unit_b_editor, notice_a, concluded_a):
    url = reverse("reports:download", args=[notice_a.pk])
    response = client_of(unit_a_editor).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"] and notice_a.filename in response["Content-Disposition"]
    # A unit editor may see the panel but not ask for a rendering.
    assert client_of(unit_a_editor).get(panel_url(concluded_a)).status_code == 200
    assert client_of(unit_a_editor).post(reverse("reports:request", args=["notice", concluded_a.pk])).status_code == 403
    other = client_of(unit_b_editor)
    assert other.get(url).status_code == 404
    assert other.get(panel_url(concluded_a)).status_code == 404
    assert other.post(reverse("reports:request", args=["notice", concluded_a.pk])).status_code == 404


def test_a_commune_visited_along_downloads_the_notice(client_of, commune, notice_a):
    editor = make_user(roles.UNIT_EDITOR, commune, username="editor_commune")
    assert client_of(editor).get(reverse("reports:download", args=[notice_a.pk])).status_code == 200


def test_an_inspector_of_another_team_gets_404_and_a_leader_reads_without_asking(client_of, inspector, leader, notice_a, visit_b, concluded_a):
    conclude(visit_b, number="48/TB-ĐKT")
    assert client_of(inspector).get(panel_url(visit_b)).status_code == 404
    client = client_of(leader)
    assert client.get(reverse("reports:download", args=[notice_a.pk])).status_code == 200
    assert "Tạo lại" not in client.get(panel_url(concluded_a)).content.decode()
    assert client.post(reverse("reports:request", args=["notice", concluded_a.pk])).status_code == 403


def test_outsiders_see_nothing(client_of, outsider, notice_a, concluded_a):
    client = client_of(outsider)
    assert client.get(reverse("reports:download", args=[notice_a.pk])).status_code == 404
    assert client.get(panel_url(concluded_a)).status_code == 404
    assert client.get(reverse("reports:list")).status_code == 403


def test_an_unknown_kind_does_not_exist(client_of, sonv_staff, concluded_a):
    assert client_of(sonv_staff).get(reverse("reports:panel", args=["baocao", concluded_a.pk])).status_code == 404


def test_asking_for_the_notice_of_a_visit_not_concluded_shows_why(client_of, sonv_staff, visit_a):
    response = client_of(sonv_staff).post(reverse("reports:request", args=["notice", visit_a.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "đã có kết luận" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_the_list_filters_by_kind_and_status_and_keeps_to_the_users_scope(
    client_of, sonv_staff, unit_a_editor, unit_b_editor, notice_a, visit_b, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks():
        services.document_request(actor=sonv_staff, kind="notice", subject=conclude(visit_b, number="48/TB-ĐKT"))
    staff = client_of(sonv_staff)
    with django_assert_max_num_queries(12):
        body = staff.get(reverse("reports:list")).content.decode()
    assert "45/TB-ĐKT" in body and "48/TB-ĐKT" in body
    body = staff.get(reverse("reports:list"), {"status": "queued", "kind": "notice"}).content.decode()
    assert "48/TB-ĐKT" in body and "45/TB-ĐKT" not in body
    body = client_of(unit_a_editor).get(reverse("reports:list")).content.decode()
    assert "45/TB-ĐKT" in body and "48/TB-ĐKT" not in body
    body = client_of(unit_b_editor).get(reverse("reports:list")).content.decode()
    assert "48/TB-ĐKT" in body and "45/TB-ĐKT" not in body
