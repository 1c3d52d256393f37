import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from scoring.models import Criterion, Framework, Period, Phase
from scoring.selectors import criteria_tree_for_framework, phase_events
from scoring.services import (
    FrameworkLocked,
    PhaseError,
    ScoringError,
    criterion_create,
    criterion_delete,
    criterion_move,
    criterion_update,
    framework_create,
    period_advance,
    period_clone,
    period_create,
    period_reopen,
    period_update,
)
from units.models import Block

from .conftest import approve, generated_csv, import_text

pytestmark = pytest.mark.django_db


def codes(framework):
    return list(Criterion.objects.filter(framework=framework).order_by("code").values_list("code", "title"))


# --- Phases -------------------------------------------------------------------------------------


def test_advancing_a_period_is_audited_with_who_from_to_and_reason(sample_period, sonv_staff):
    period = period_advance(actor=sonv_staff, period=sample_period, reason="Theo Kế hoạch 41/KH-UBND")
    assert period.phase == Phase.SELF_ASSESSMENT
    event = phase_events(period).get()
    assert event.actor == sonv_staff and event.changes == {"phase": ["draft", "self_assessment"]}
    assert event.reason == "Theo Kế hoạch 41/KH-UBND" and event.created_at is not None


def test_reopening_needs_a_reason(sample_period, sonv_staff):
    period = period_advance(actor=sonv_staff, period=sample_period)
    with pytest.raises(PhaseError, match="lý do"):
        period_reopen(actor=sonv_staff, period=period, to_phase=Phase.DRAFT, reason="  ")
    assert Period.objects.get().phase == Phase.SELF_ASSESSMENT
    period = period_reopen(actor=sonv_staff, period=period, to_phase=Phase.DRAFT, reason="Sửa tiêu chí 3.3.1 theo góp ý")
    assert period.phase == Phase.DRAFT
    assert phase_events(period).first().reason == "Sửa tiêu chí 3.3.1 theo góp ý"


def test_reopening_only_goes_backwards(sample_period, sonv_staff):
    with pytest.raises(PhaseError):
        period_reopen(actor=sonv_staff, period=sample_period, to_phase=Phase.APPRAISAL, reason="nhầm")


def test_leaving_draft_without_any_framework_is_refused(sonv_staff):
    period = period_create(actor=sonv_staff, year=2025)
    with pytest.raises(PhaseError, match="chưa có bộ chỉ số"):
        period_advance(actor=sonv_staff, period=period)


def test_leaving_draft_with_an_inconsistent_framework_is_refused(sample_framework, sonv_staff):
    criterion = Criterion.objects.get(framework=sample_framework, code="1.1.1")
    criterion_update(actor=sonv_staff, criterion=criterion, max_score=Decimal("1.5"), rule="")
    with pytest.raises(PhaseError, match="Khối Sở, ban, ngành cấp tỉnh \\(1 lỗi\\)"):
        period_advance(actor=sonv_staff, period=sample_framework.period)
    assert Period.objects.get().phase == Phase.DRAFT


def test_a_stale_transition_form_does_not_skip_a_phase(sample_period, sonv_staff):
    period_advance(actor=sonv_staff, period=sample_period, expected_phase="draft")
    with pytest.raises(PhaseError, match="tải lại trang"):
        period_advance(actor=sonv_staff, period=sample_period, expected_phase="draft")
    assert Period.objects.get().phase == Phase.SELF_ASSESSMENT


def test_moving_to_a_later_phase_walks_through_each_phase(sample_period, sonv_staff):
    period = approve(sample_period, sonv_staff)
    assert period.phase == Phase.APPROVED
    steps = [tuple(e.changes["phase"]) for e in phase_events(period).filter(action="period.phase").order_by("id")]
    assert steps == [
        ("draft", "self_assessment"),
        ("self_assessment", "appraisal"),
        ("appraisal", "explanation"),
        ("explanation", "finalization"),
        ("finalization", "approved"),
    ]
    with pytest.raises(PhaseError, match="không còn giai đoạn"):
        period_advance(actor=sonv_staff, period=period)


def test_an_approved_period_cannot_be_edited(sample_period, sonv_staff):
    period = approve(sample_period, sonv_staff)
    with pytest.raises(PhaseError, match="đã được phê duyệt"):
        period_update(actor=sonv_staff, period=period, band_excellent_min=Decimal("95"))


def test_period_update_is_audited_and_validated(sample_period, sonv_staff):
    period_update(actor=sonv_staff, period=sample_period, band_excellent_min=Decimal("92"), legal_basis="KH 41")
    event = AuditEvent.objects.filter(action="period.update").get()
    assert event.changes["band_excellent_min"] == ["90.00", "92.00"] and event.changes["legal_basis"] == ["", "KH 41"]
    with pytest.raises(ValidationError):
        period_update(actor=sonv_staff, period=sample_period, band_good_min=Decimal("95"))


def test_saving_a_threshold_as_typed_without_decimals_changes_nothing(sample_period, sonv_staff):
    # The form gives "90" for the stored 90.00: not a change, and so not a reason to void the
    # council's approval as a new threshold would.
    period_update(actor=sonv_staff, period=sample_period, band_excellent_min=Decimal("90"), head_good_min=Decimal("80"))
    assert not AuditEvent.objects.filter(action="period.update").exists()


# --- Editing the tree ---------------------------------------------------------------------------


@pytest.fixture
def small(db):
    period = import_text(generated_csv(2, 2, 2), year=2025).period
    return Framework.objects.select_related("period").get(period=period)


def test_a_new_node_is_numbered_after_its_last_sibling(small, sonv_staff):
    parent = Criterion.objects.get(framework=small, code="1.2")
    node = criterion_create(actor=sonv_staff, framework=small, parent=parent, title="Mới", max_score=Decimal("0.5"))
    assert node.code == "1.2.3" and node.parent == parent
    field = criterion_create(actor=sonv_staff, framework=small, parent=None, title="Lĩnh vực mới", max_score=Decimal("0"))
    assert field.code == "3"
    assert AuditEvent.objects.filter(action="criterion.create").count() == 2


def test_the_tree_flags_a_parent_whose_children_do_not_add_up(small, sonv_staff):
    parent = Criterion.objects.get(framework=small, code="1.2")
    criterion_create(actor=sonv_staff, framework=small, parent=parent, title="Mới", max_score=Decimal("0.5"))
    tree = criteria_tree_for_framework(small)
    assert [(p.node.code, p.column) for p in tree.problems] == [("1.2", "max_score")]
    assert "tổng điểm tối đa các tiêu chí con là 2,5" in tree.problems[0].message


def test_a_rule_is_normalised_and_checked_on_update(small, sonv_staff):
    node = Criterion.objects.get(framework=small, code="1.1.1")
    criterion_update(actor=sonv_staff, criterion=node, rule="0=Không; 1=Có")
    assert Criterion.objects.get(pk=node.pk).rule == "1=Có; 0=Không"
    with pytest.raises(ValidationError):
        criterion_update(actor=sonv_staff, criterion=node, rule="3=Quá; 0=Không")
    event = AuditEvent.objects.filter(action="criterion.update").get()
    assert event.changes["rule"][1] == "1=Có; 0=Không"


def test_deleting_a_node_removes_its_subtree_and_renumbers_the_next_siblings(small, sonv_staff):
    criterion_delete(actor=sonv_staff, criterion=Criterion.objects.get(framework=small, code="1"))
    assert [c for c, _ in codes(small)] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "1.2.2"]
    assert Criterion.objects.get(framework=small, code="1").title == "Lĩnh vực 2"
    assert Criterion.objects.get(framework=small, code="1.2.1").title == "Tiêu chí thành phần 2.2.1"


def test_moving_a_node_up_swaps_it_with_its_sibling_and_the_codes_follow(small, sonv_staff):
    moved = criterion_move(actor=sonv_staff, criterion=Criterion.objects.get(framework=small, code="2.2"), direction="up")
    assert moved.code == "2.1"
    assert dict(codes(small))["2.1.2"] == "Tiêu chí thành phần 2.2.2"
    assert dict(codes(small))["2.2.1"] == "Tiêu chí thành phần 2.1.1"
    tree = criteria_tree_for_framework(small)
    assert [n.code for n in tree.rows][:7] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "1.2.2"]
    assert tree.roots[1].tree_children[0].title == "Tiêu chí 2.2"
    # at the top already: nothing happens
    assert criterion_move(actor=sonv_staff, criterion=Criterion.objects.get(framework=small, code="1"), direction="up").code == "1"


@pytest.mark.parametrize("action", ["create", "update", "delete", "move"])
def test_framework_edits_are_refused_once_the_period_left_draft(small, sonv_staff, action):
    period_advance(actor=sonv_staff, period=small.period)
    node = Criterion.objects.get(framework=small, code="1.1")
    before = codes(small)
    calls = {
        "create": lambda: criterion_create(actor=sonv_staff, framework=small, parent=node, title="x", max_score=Decimal("1")),
        "update": lambda: criterion_update(actor=sonv_staff, criterion=node, max_score=Decimal("5")),
        "delete": lambda: criterion_delete(actor=sonv_staff, criterion=node),
        "move": lambda: criterion_move(actor=sonv_staff, criterion=node, direction="down"),
    }
    with pytest.raises(FrameworkLocked, match="Kỳ đánh giá đã qua giai đoạn dự thảo, không thể sửa bộ chỉ số."):
        calls[action]()
    assert codes(small) == before and Criterion.objects.get(pk=node.pk).max_score == 2


def test_a_second_framework_for_the_same_block_is_refused(small, sonv_staff):
    with pytest.raises(ScoringError):
        framework_create(actor=sonv_staff, period=small.period, block=small.block)


# --- Clone --------------------------------------------------------------------------------------


def test_clone_copies_every_active_blocks_tree_into_a_new_draft_period(sample_period, sonv_staff):
    import_text(generated_csv(1, 1, 1, block="ubnd-huyen"))
    import_text(generated_csv(1, 1, 1, block="ubnd-xa"))
    Block.objects.filter(code="ubnd-huyen").update(active=False)  # abolished since
    period_update(actor=sonv_staff, period=sample_period, self_assessment_deadline=datetime.date(2024, 12, 13), band_excellent_min=Decimal("92"))
    approve(sample_period, sonv_staff)

    new = period_clone(actor=sonv_staff, source=sample_period, year=2025)
    assert new.phase == Phase.DRAFT and new.title == "Chỉ số cải cách hành chính năm 2025"
    assert new.self_assessment_deadline == datetime.date(2025, 12, 13) and new.band_excellent_min == Decimal("92")
    assert sorted(new.frameworks.values_list("block__code", flat=True)) == ["so-nganh", "ubnd-xa"]
    old = Framework.objects.get(period=sample_period, block__code="so-nganh")
    copy = Framework.objects.get(period=new, block__code="so-nganh")
    fields = ["code", "title", "max_score", "kind", "rule", "guidance", "evidence_required", "na_allowed", "is_remediation", "parent__code"]
    assert list(old.criteria.order_by("code").values_list(*fields)) == list(copy.criteria.order_by("code").values_list(*fields))
    assert criteria_tree_for_framework(copy).total == 100
    assert AuditEvent.objects.filter(action="period.clone").exists()


def test_clone_refuses_a_year_that_already_has_frameworks(sample_period, sonv_staff):
    import_text(generated_csv(1, 1, 1), year=2025)
    with pytest.raises(ScoringError, match="đã có bộ chỉ số"):
        period_clone(actor=sonv_staff, source=sample_period, year=2025)
