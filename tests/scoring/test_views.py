import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from scoring.models import Criterion, Framework, Period, Phase
from scoring.services import period_advance
from tests.factories import UnitFactory, make_user
from units import roles
from units.models import Block

from .conftest import generated_csv, import_text, sample_text

pytestmark = pytest.mark.django_db

# session, user, roles, model permissions (2), the unit for the menu, framework, criteria, history,
# the assessments a delete would take: nothing depends on the size of the tree.
TREE_QUERIES = 10


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("scoring:period_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_every_role_sees_the_period_list_but_a_user_without_a_role_does_not(client_of, sample_period, sonv_staff, council_member, leader, unit_a_editor, outsider):
    for user in (sonv_staff, council_member, leader, unit_a_editor):
        page = client_of(user).get(reverse("scoring:period_list")).content.decode()
        assert "Chỉ số cải cách hành chính năm 2024" in page and "Kỳ đánh giá" in page
    assert client_of(outsider).get(reverse("scoring:period_list")).status_code == 403


def test_the_menu_has_the_periods_entry_for_those_who_may_see_them(client_of, sonv_staff, outsider):
    assert 'href="/chi-so/"' in client_of(sonv_staff).get("/").content.decode()
    assert 'href="/chi-so/"' not in client_of(outsider).get("/").content.decode()


def test_the_period_page_shows_phases_deadlines_bands_and_framework_totals(client_of, sonv_staff, sample_period):
    sample_period.self_assessment_deadline = datetime.date(2024, 12, 13)
    sample_period.save()
    page = client_of(sonv_staff).get(reverse("scoring:period_detail", args=[2024])).content.decode()
    for text in ("Dự thảo", "Tự đánh giá", "Hạn: 13/12/2024", "Khối Sở, ban, ngành cấp tỉnh", "hợp lệ", "từ 90% trở lên", "Chuyển sang: Tự đánh giá"):
        assert text in page, text
    assert ">100<" in page


@pytest.mark.parametrize(
    "method, name, args",
    [
        ("get", "scoring:period_create", []),
        ("get", "scoring:period_clone", []),
        ("get", "scoring:framework_import", []),
        ("get", "scoring:period_edit", [2024]),
        ("post", "scoring:period_transition", [2024]),
        ("post", "scoring:framework_add", [2024]),
    ],
)
def test_staff_pages_are_forbidden_to_other_roles(client_of, sample_period, unit_a_editor, council_member, leader, method, name, args):
    for user in (unit_a_editor, council_member, leader):
        response = getattr(client_of(user), method)(reverse(name, args=args), {"action": "advance", "expected_phase": "draft"})
        assert response.status_code == 403, (user, name)
    assert Period.objects.get().phase == Phase.DRAFT


def test_council_members_read_the_tree_without_edit_controls(client_of, council_member, sample_framework):
    page = client_of(council_member).get(reverse("scoring:framework_detail", args=[sample_framework.pk])).content.decode()
    assert "Công tác chỉ đạo, điều hành CCHC" in page and "Tổng điểm tối đa" in page
    assert "hx-post" not in page and "Thêm lĩnh vực" not in page


def test_a_unit_editor_reads_their_own_blocks_framework_only(client_of, unit_a_editor, sample_framework):
    import_text(generated_csv(1, 1, 1, block="ubnd-huyen"))
    other = Framework.objects.get(block__code="ubnd-huyen")
    client = client_of(unit_a_editor)  # unit A is in the departments' block
    assert client.get(reverse("scoring:framework_detail", args=[sample_framework.pk])).status_code == 200
    assert client.get(reverse("scoring:framework_detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("scoring:period_detail", args=[2024])).content.decode()
    assert "Khối Sở, ban, ngành cấp tỉnh" in page and "Khối UBND huyện" not in page
    assert client.get(reverse("scoring:framework_export", args=[2024]), {"block": "ubnd-huyen"}).status_code == 404
    exported = client.get(reverse("scoring:framework_export", args=[2024])).content.decode()
    assert "so-nganh" in exported and "ubnd-huyen" not in exported


def test_a_unit_editor_cannot_edit_the_framework_of_their_block(client_of, unit_a_editor, sample_framework):
    node = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    response = client_of(unit_a_editor).post(reverse("scoring:criterion_edit", args=[node.pk]), {"title": "x", "max_score": "5", "kind": "self"})
    assert response.status_code == 403
    assert Criterion.objects.get(pk=node.pk).max_score == 1


def test_a_unit_editor_of_another_block_gets_404_on_its_nodes(client_of, sample_framework):
    editor = make_user(roles.UNIT_EDITOR, UnitFactory(block=Block.objects.get(code="ubnd-xa")), username="editor_xa")
    node = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    client = client_of(editor)
    assert client.get(reverse("scoring:framework_detail", args=[sample_framework.pk])).status_code == 404
    assert client.post(reverse("scoring:criterion_delete", args=[node.pk])).status_code == 404


@pytest.mark.parametrize("shape", [(2, 2, 1), (3, 3, 32)], ids=["10-criteria", "300-criteria"])
def test_the_tree_page_runs_the_same_number_of_queries_for_10_and_300_criteria(client_of, sonv_staff, django_assert_num_queries, shape):
    period = import_text(generated_csv(*shape)).period
    framework = Framework.objects.get(period=period)
    assert framework.criteria.count() == {(2, 2, 1): 10, (3, 3, 32): 300}[shape]
    client = client_of(sonv_staff)
    client.get(reverse("scoring:period_list"))  # session and roles warmed up like any later page
    with django_assert_num_queries(TREE_QUERIES):
        response = client.get(reverse("scoring:framework_detail", args=[framework.pk]))
    assert response.status_code == 200 and "Bộ chỉ số hợp lệ" in response.content.decode()


def test_inline_edit_via_htmx_returns_the_tree_with_the_new_total_and_the_flag(client_of, sonv_staff, sample_framework):
    node = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    client = client_of(sonv_staff)
    form = client.get(reverse("scoring:criterion_edit", args=[node.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert form.lstrip().startswith('<tr class="criterion-form-row">') and 'value="1"' in form
    response = client.post(
        reverse("scoring:criterion_edit", args=[node.pk]),
        {"title": node.title, "max_score": "1,5", "kind": "self", "rule": "", "guidance": node.guidance, "evidence_required": "on"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Retarget"] == "#framework-tree"
    assert body.lstrip().startswith('<div id="framework-tree"')
    assert "1 lỗi cần sửa" in body and "tổng điểm tối đa các tiêu chí con là 2,5" in body
    assert Criterion.objects.get(pk=node.pk).max_score == Decimal("1.5")
    assert AuditEvent.objects.filter(action="criterion.update", actor=sonv_staff).exists()


def test_an_invalid_inline_edit_shows_the_form_again_with_the_error(client_of, sonv_staff, sample_framework):
    node = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    response = client_of(sonv_staff).post(
        reverse("scoring:criterion_edit", args=[node.pk]),
        {"title": node.title, "max_score": "1", "kind": "self", "rule": "2=Quá; 0=Không"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "criterion-form-row" in body and "vượt điểm tối đa" in body
    assert Criterion.objects.get(pk=node.pk).rule.startswith("1=")


def test_adding_moving_and_deleting_nodes_through_the_page(client_of, sonv_staff, sample_framework):
    client = client_of(sonv_staff)
    parent = Criterion.objects.get(framework=sample_framework, code="1.1")
    response = client.post(
        reverse("scoring:criterion_add", args=[sample_framework.pk]),
        {"parent": parent.pk, "title": "Tiêu chí thành phần mới", "max_score": "0,5", "kind": "self"},
        HTTP_HX_REQUEST="true",
    )
    assert "Đã thêm tiêu chí thành phần 1.1.3" in response.content.decode()
    new = Criterion.objects.get(framework=sample_framework, code="1.1.3")
    client.post(reverse("scoring:criterion_move", args=[new.pk]), {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert Criterion.objects.get(pk=new.pk).code == "1.1.2"
    body = client.post(reverse("scoring:criterion_delete", args=[new.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Bộ chỉ số hợp lệ" in body and not Criterion.objects.filter(pk=new.pk).exists()


def test_a_period_outside_draft_refuses_edits_to_its_framework(client_of, sonv_staff, sample_framework):
    period_advance(actor=sonv_staff, period=sample_framework.period)
    node = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    client = client_of(sonv_staff)
    page = client.get(reverse("scoring:framework_detail", args=[sample_framework.pk])).content.decode()
    assert "đã được khóa" in page and "hx-post" not in page
    for response in (
        client.post(reverse("scoring:criterion_edit", args=[node.pk]), {"title": "x", "max_score": "5", "kind": "self"}),
        client.post(reverse("scoring:criterion_delete", args=[node.pk]), HTTP_HX_REQUEST="true"),
        client.post(reverse("scoring:criterion_add", args=[sample_framework.pk]), {"title": "x", "max_score": "1", "kind": "self"}),
        client.post(reverse("scoring:criterion_move", args=[node.pk]), {"direction": "down"}, HTTP_HX_REQUEST="true"),
    ):
        assert response.status_code == 409
        assert "Kỳ đánh giá đã qua giai đoạn dự thảo, không thể sửa bộ chỉ số." in response.content.decode()
    assert Criterion.objects.get(pk=node.pk).max_score == 1 and sample_framework.criteria.count() == 58


def test_the_framework_history_names_each_change_in_words(client_of, sonv_staff, sample_framework):
    from scoring.services import criterion_update

    node = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    criterion_update(actor=sonv_staff, criterion=node, guidance="Quyết định ban hành kế hoạch CCHC năm")
    page = client_of(sonv_staff).get(reverse("scoring:framework_detail", args=[sample_framework.pk])).content.decode()
    assert "Sửa tiêu chí" in page and "criterion.update" not in page and "Nhập bộ chỉ số từ tệp" in page
    assert 'Mã: <span class="text-muted">1.1.1</span> → 1.1.1' in page
    assert "Hướng dẫn chấm, tài liệu kiểm chứng: " in page and "→ Quyết định ban hành kế hoạch CCHC năm" in page


def test_staff_move_a_period_forward_and_back_with_a_reason_from_its_page(client_of, sonv_staff, sample_period):
    client = client_of(sonv_staff)
    url = reverse("scoring:period_transition", args=[2024])
    response = client.post(url, {"action": "advance", "expected_phase": "draft", "reason": ""}, follow=True)
    assert "đã chuyển sang giai đoạn Tự đánh giá" in response.content.decode()
    response = client.post(url, {"action": "reopen", "to_phase": "draft", "reason": "", "expected_phase": "self_assessment"}, follow=True)
    assert "Cần nêu lý do" in response.content.decode() and Period.objects.get().phase == Phase.SELF_ASSESSMENT
    response = client.post(url, {"action": "reopen", "to_phase": "draft", "reason": "Sửa bộ chỉ số", "expected_phase": "self_assessment"}, follow=True)
    page = response.content.decode()
    assert Period.objects.get().phase == Phase.DRAFT and "Lý do: Sửa bộ chỉ số" in page
    assert 'Giai đoạn: <span class="text-muted">Tự đánh giá</span> → Dự thảo' in page


def test_leaving_draft_with_errors_is_refused_on_the_page(client_of, sonv_staff, sample_framework):
    Criterion.objects.filter(framework=sample_framework, code="1.1.1").update(max_score=Decimal("1.5"), rule="")
    response = client_of(sonv_staff).post(reverse("scoring:period_transition", args=[2024]), {"action": "advance", "expected_phase": "draft"}, follow=True)
    assert "bộ chỉ số còn lỗi" in response.content.decode() and Period.objects.get().phase == Phase.DRAFT


def test_the_upload_page_imports_a_good_file_and_lists_errors_of_a_bad_one(client_of, sonv_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_of(sonv_staff)
    bad = sample_text().replace("so-nganh,1.1.1,Ban hành kế hoạch CCHC năm kịp thời theo hướng dẫn của tỉnh,1,", "so-nganh,1.1.1,Ban hành kế hoạch CCHC năm kịp thời theo hướng dẫn của tỉnh,2,")
    response = client.post(reverse("scoring:framework_import"), {"year": 2024, "file": SimpleUploadedFile("bo-chi-so.csv", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400 and "không có dữ liệu nào bị thay đổi" in page and "<td>4</td><td>max_score</td>" in page
    assert not Period.objects.exists()
    response = client.post(reverse("scoring:framework_import"), {"year": 2024, "file": SimpleUploadedFile("bo-chi-so.csv", sample_text().encode())}, follow=True)
    assert "58 tiêu chí, tổng 100 điểm" in response.content.decode()


def test_the_csv_download_is_the_import_format(client_of, sonv_staff, sample_period):
    response = client_of(sonv_staff).get(reverse("scoring:framework_export", args=[2024]))
    lines = response.content.decode().splitlines()
    assert lines[0] == "block,code,title,max_score,kind,rule,guidance,evidence_required,na_allowed"
    assert lines[1] == 'so-nganh,1,"Công tác chỉ đạo, điều hành CCHC",12,,,,,' and len(lines) == 59
    xlsx = client_of(sonv_staff).get(reverse("scoring:framework_export", args=[2024]), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"


def test_the_clone_form_starts_a_new_year_from_the_last(client_of, sonv_staff, sample_period):
    client = client_of(sonv_staff)
    assert 'value="2025"' in client.get(reverse("scoring:period_clone")).content.decode()
    response = client.post(reverse("scoring:period_clone"), {"source": 2024, "year": 2025, "title": ""}, follow=True)
    assert "Đã tạo kỳ đánh giá năm 2025 từ bộ chỉ số năm 2024" in response.content.decode()
    assert Framework.objects.get(period__year=2025).criteria.count() == 58


def test_staff_create_and_edit_a_period_with_bands_typed_with_a_comma(client_of, sonv_staff):
    client = client_of(sonv_staff)
    data = {
        "year": 2026, "title": "", "legal_basis": "Kế hoạch số 12/KH-UBND", "self_assessment_deadline": "15/12/2026",
        "band_excellent_min": "90", "band_good_min": "80", "band_fair_min": "70", "band_average_min": "50",
        "head_excellent_min": "90", "head_good_min": "80", "head_done_min": "50",
    }
    response = client.post(reverse("scoring:period_create"), data)
    assert response.status_code == 302
    assert Period.objects.get(year=2026).title == "Chỉ số cải cách hành chính năm 2026"
    data.pop("year")
    data.update(title="Chỉ số CCHC năm 2026", band_excellent_min="92,5")
    client.post(reverse("scoring:period_edit", args=[2026]), data)
    period = Period.objects.get(year=2026)
    assert period.band_excellent_min == Decimal("92.5") and period.title == "Chỉ số CCHC năm 2026"
    assert str(period.self_assessment_deadline) == "2026-12-15"
    data["band_good_min"] = "95"
    assert "giảm dần" in client.post(reverse("scoring:period_edit", args=[2026]), data).content.decode()


def test_staff_add_an_empty_framework_for_a_block(client_of, sonv_staff, sample_period):
    block = Block.objects.get(code="co-quan-tw")
    response = client_of(sonv_staff).post(reverse("scoring:framework_add", args=[2024]), {"block": block.pk}, follow=True)
    assert "Bộ chỉ số chưa có tiêu chí nào" in response.content.decode()
    assert Framework.objects.filter(period=sample_period, block=block).exists()
