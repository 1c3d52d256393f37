"""Writes to plans, the delegation, teams, visits, findings and remediation. Every change is
audited; every refused change raises InspectionError with a message to show as is."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from audit.services import AuditEntry, audit_log, audit_log_many, diff_fields, save_audited, snapshot
from cchc.errors import DomainError
from cchc.tabular import ImportRejected, RowError, Table
from cchc.uploads import clean_filename, content_type_of, validate_upload
from units.models import Unit
from units.text import nfc

from .models import (
    DelegationMember,
    Finding,
    FindingHandover,
    InspectionPlan,
    RemediationEvidence,
    RemediationReport,
    Team,
    Visit,
    VisitConclusion,
)
from .scope import answered_by, with_responsible_unit
from .selectors import STILL_OPEN, unit_block_ids_in_year

PLAN_FIELDS = [
    "year", "title", "number", "issued_on", "issuer", "purpose", "content_areas", "all_districts",
    "min_districts", "min_communes_per_district", "min_communes", "min_departments", "start_date", "end_date",
]
MEMBER_FIELDS = ["full_name", "title", "unit", "user", "role"]
VISIT_FIELDS = ["team", "unit", "start_date", "end_date", "form", "notes"]
FINDING_FIELDS = ["field", "kind", "text", "recommendation", "severity", "owner_unit", "deadline", "criterion"]
STATUS_COLUMNS = ["finding_id", "unit_code", "unit_name", "field", "shortcoming", "recommendation", "deadline", "status", "comment"]
STATUS_REQUIRED_COLUMNS = {"finding_id", "status"}


class InspectionError(DomainError):
    """A refused change, with a message to show as is."""


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise InspectionError(_validation_message(exc)) from None


# --- Plans, delegation, teams -------------------------------------------------------------------


@transaction.atomic
def plan_save(*, actor, plan: InspectionPlan | None = None, **fields) -> InspectionPlan:
    if plan is not None:
        plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan, PLAN_FIELDS)
    else:
        plan, before = InspectionPlan(), {}
    for name, value in fields.items():
        setattr(plan, name, nfc(value) if isinstance(value, str) else value)
    _full_clean(plan)
    save_audited(plan, before, actor=actor, action="plan.create" if not before else "plan.update", fields=PLAN_FIELDS)
    return plan


@transaction.atomic
def member_save(*, actor, plan: InspectionPlan, member: DelegationMember | None = None, **fields) -> DelegationMember:
    """Add a person to the delegation or change their details."""
    InspectionPlan.objects.select_for_update().get(pk=plan.pk)  # one head per plan: serialise edits
    if member is not None:
        member = DelegationMember.objects.get(pk=member.pk, plan=plan)
        before = snapshot(member, MEMBER_FIELDS)
    else:
        member, before = DelegationMember(plan=plan), {}
    for name, value in fields.items():
        setattr(member, name, nfc(value) if isinstance(value, str) else value)
    if not member.full_name:
        raise InspectionError("Chưa nhập họ và tên.")
    others = plan.members.exclude(pk=member.pk)
    if member.role == DelegationMember.Role.HEAD and others.filter(role=DelegationMember.Role.HEAD).exists():
        raise InspectionError("Đoàn kiểm tra đã có Trưởng đoàn.")
    if member.user_id and others.filter(user_id=member.user_id).exists():
        raise InspectionError("Tài khoản này đã gắn với một thành viên khác của đoàn.")
    _full_clean(member, exclude=["plan"])
    member.save()
    audit_log(
        actor=actor,
        action="delegation.member_add" if not before else "delegation.member_update",
        target=plan,
        changes={str(member): diff_fields(before, snapshot(member, MEMBER_FIELDS))},
    )
    return member


@transaction.atomic
def member_remove(*, actor, member: DelegationMember) -> None:
    member = DelegationMember.objects.select_for_update().select_related("plan").get(pk=member.pk)
    led = list(member.leads.all())
    if led:
        raise InspectionError(f"{member.full_name} đang là tổ trưởng của {', '.join(map(str, led))}; hãy đổi tổ trưởng trước.")
    plan = member.plan
    audit_log(actor=actor, action="delegation.member_remove", target=plan, changes={"member": [str(member), None]})
    member.delete()


@transaction.atomic
def team_save(
    *, actor, plan: InspectionPlan, team: Team | None = None, number: int, leader: DelegationMember, members
) -> Team:
    """Create or change a team. The leader is always one of its members."""
    InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    members = set(members) | {leader}
    if any(m.plan_id != plan.pk for m in members):
        raise InspectionError("Thành viên của tổ phải thuộc đoàn kiểm tra của kế hoạch này.")
    if plan.teams.exclude(pk=team.pk if team else None).filter(number=number).exists():
        raise InspectionError(f"Đã có Tổ công tác số {number}.")
    if team is None:
        team, before = Team(plan=plan), {}
    else:
        team = Team.objects.get(pk=team.pk, plan=plan)
        before = {"number": team.number, "leader": str(team.leader), "members": sorted(str(m) for m in team.members.all())}
    team.number, team.leader = number, leader
    team.save()
    team.members.set(members)
    after = {"number": team.number, "leader": str(leader), "members": sorted(str(m) for m in members)}
    audit_log(actor=actor, action="team.save", target=team, changes=diff_fields(before, after))
    return team


@transaction.atomic
def team_delete(*, actor, team: Team) -> None:
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.visits.exists():
        raise InspectionError(f"{team} đã có lịch kiểm tra; hãy chuyển các cuộc kiểm tra sang tổ khác trước.")
    audit_log(actor=actor, action="team.delete", target=team.plan, changes={"team": [str(team), None]})
    team.delete()


# --- Visits -------------------------------------------------------------------------------------


def _visit_snapshot(visit: Visit, also_units) -> dict:
    return {**snapshot(visit, VISIT_FIELDS), "also_units": sorted(u.code for u in also_units)}


@transaction.atomic
def visit_save(*, actor, plan: InspectionPlan, visit: Visit | None = None, also_units=(), **fields) -> Visit:
    """Schedule a visit or change it. Double bookings and own-unit members are warnings shown on
    the schedule, not refusals: a team may split for a morning, a member may be replaced late."""
    if visit is not None:
        visit = Visit.objects.select_for_update().get(pk=visit.pk, plan=plan)
        if visit.is_concluded:
            raise InspectionError("Cuộc kiểm tra đã có kết luận, không sửa được lịch.")
        before = _visit_snapshot(visit, visit.also_units.all())
    else:
        visit, before = Visit(plan=plan), {}
    for name, value in fields.items():
        setattr(visit, name, value)
    if visit.team.plan_id != plan.pk:
        raise InspectionError("Tổ công tác không thuộc kế hoạch này.")
    if visit.start_date and visit.end_date and visit.end_date < visit.start_date:
        raise InspectionError("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    also_units = [u for u in also_units if u.pk != visit.unit_id]
    _full_clean(visit, exclude=["plan"])
    visit.save()
    visit.also_units.set(also_units)
    changes = diff_fields(before, _visit_snapshot(visit, also_units))
    audit_log(actor=actor, action="visit.create" if not before else "visit.update", target=visit, changes=changes)
    return visit


@transaction.atomic
def visit_mark_done(*, actor, visit: Visit) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.PLANNED:
        raise InspectionError(f"Cuộc kiểm tra đang ở trạng thái “{visit.get_status_display()}”, không đánh dấu đã kiểm tra được.")
    visit.status = Visit.Status.DONE
    visit.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="visit.done", target=visit, changes={"status": [Visit.Status.PLANNED, Visit.Status.DONE]})
    return visit


@transaction.atomic
def visit_conclude(
    *, actor, visit: Visit, number: str, date: datetime.date, signer_name: str, signer_title: str = "", summary: str = ""
) -> VisitConclusion:
    """Record the conclusion notice (thông báo kết luận kiểm tra); the findings are final from now on."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.DONE:
        raise InspectionError("Chỉ kết luận được cuộc kiểm tra đã kiểm tra xong (trạng thái “Đã kiểm tra”).")
    conclusion = VisitConclusion(
        visit=visit,
        number=nfc(number),
        date=date,
        signer_name=nfc(signer_name),
        signer_title=nfc(signer_title),
        summary=nfc(summary),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _full_clean(conclusion, exclude=["visit", "created_by"])
    conclusion.save()
    visit.status = Visit.Status.CONCLUDED
    visit.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action="visit.conclude",
        target=visit,
        changes={"status": [Visit.Status.DONE, Visit.Status.CONCLUDED], "conclusion": [None, str(conclusion)]},
    )
    return conclusion


# --- Findings -----------------------------------------------------------------------------------


def _check_owner(visit: Visit, owner_unit) -> None:
    allowed = {visit.unit_id} | set(visit.also_units.values_list("pk", flat=True))
    if owner_unit.pk not in allowed:
        raise InspectionError("Đơn vị khắc phục phải là đơn vị được kiểm tra trong cuộc kiểm tra này.")


def finding_frameworks(visit: Visit) -> dict[int, int]:
    """For each unit of the visit, the framework (bộ chỉ số) of the plan's year that its findings'
    criteria come from: the one its assessment of that year is scored against, else the framework
    of its block in that year (the period's roster, else its current block). Neither is the
    unit's block of today: a unit moved to another block keeps the framework of the year it was
    inspected in. A unit with neither is left out. Two queries, a third for a unit whose roster
    block is not its block of today."""
    from scoring.models import Assessment, Framework

    year = visit.plan.year
    of_year = Framework.objects.filter(period__year=year)
    rows = (
        Unit.objects.filter(pk__in=[visit.unit_id, *(u.pk for u in visit.also_units.all())])
        .annotate(
            assessed=Subquery(Assessment.objects.filter(unit=OuterRef("pk"), period__year=year).values("framework_id")[:1]),
            of_block=Subquery(of_year.filter(block=OuterRef("block_id")).values("id")[:1]),
        )
        .values_list("pk", "block_id", "assessed", "of_block")
    )
    today = {pk: (block_id, assessed, of_block) for pk, block_id, assessed, of_block in rows}
    in_year = unit_block_ids_in_year(year, {pk: block_id for pk, (block_id, _, _) in today.items()})
    moved = {in_year[pk] for pk, (block_id, assessed, _) in today.items() if not assessed and in_year[pk] != block_id}
    of_moved = dict(of_year.filter(block_id__in=moved).values_list("block_id", "id")) if moved else {}
    frameworks = {}
    for pk, (block_id, assessed, of_block) in today.items():
        framework_id = assessed or (of_block if in_year[pk] == block_id else of_moved.get(in_year[pk]))
        if framework_id:
            frameworks[pk] = framework_id
    return frameworks


def _check_criterion(visit: Visit, finding: Finding) -> None:
    """A shortcoming's criterion is one of the owner unit's framework of the inspection year: the
    council reads it when appraising that unit's score for that year."""
    criterion = finding.criterion
    if criterion is None or criterion.framework_id == finding_frameworks(visit).get(finding.owner_unit_id):
        return
    year = criterion.framework.period.year
    if year != visit.plan.year:
        raise InspectionError(f"Tiêu chí {criterion.code} thuộc bộ chỉ số năm {year}, không phải năm kiểm tra {visit.plan.year}.")
    raise InspectionError(
        f"Tiêu chí {criterion.code} thuộc bộ chỉ số của khối khác với khối của đơn vị khắc phục ({finding.owner_unit.name})."
    )


def _normalise_finding(finding: Finding) -> None:
    finding.text = nfc(finding.text)
    finding.recommendation = nfc(finding.recommendation)
    if finding.kind == Finding.Kind.STRENGTH:
        finding.recommendation, finding.severity, finding.deadline, finding.status = "", "", None, ""
        finding.criterion = None
    elif not finding.status:
        finding.status = Finding.Status.OPEN
    if not finding.text:
        raise InspectionError("Chưa nhập nội dung.")


@transaction.atomic
def finding_create(*, actor, visit: Visit, owner_unit=None, **fields) -> Finding:
    """Record a strength or a shortcoming of a visit, until the visit is concluded."""
    # Lock the visit: a conclusion being recorded at the same moment must not miss this finding.
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.is_concluded:
        raise InspectionError("Cuộc kiểm tra đã có kết luận, không ghi thêm kết quả được.")
    owner_unit = owner_unit or visit.unit
    _check_owner(visit, owner_unit)
    finding = Finding(visit=visit, owner_unit=owner_unit, created_by=actor, **fields)
    _normalise_finding(finding)
    _check_criterion(visit, finding)
    _full_clean(finding, exclude=["visit", "created_by"])
    save_audited(finding, {}, actor=actor, action="finding.create", fields=FINDING_FIELDS)
    return finding


def _lock_editable(finding: Finding, verb: str) -> tuple[Visit, Finding]:
    visit = Visit.objects.select_for_update().get(pk=finding.visit_id)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if visit.is_concluded:
        raise InspectionError(f"Cuộc kiểm tra đã có kết luận, không {verb} được.")
    if finding.status not in ("", Finding.Status.OPEN) or finding.reports.exists():
        raise InspectionError(f"Đơn vị đã báo cáo khắc phục tồn tại này, không {verb} được.")
    return visit, finding


@transaction.atomic
def finding_update(*, actor, finding: Finding, **fields) -> Finding:
    visit, finding = _lock_editable(finding, "sửa")
    audited = FINDING_FIELDS + ["overdue_since"]
    before = snapshot(finding, audited)
    for name, value in fields.items():
        setattr(finding, name, value)
    _check_owner(visit, finding.owner_unit)
    _normalise_finding(finding)
    _check_criterion(visit, finding)
    # A deadline moved into the future (gia hạn) lifts the overdue mark; the audit keeps the old one.
    if finding.overdue_since and (not finding.deadline or finding.deadline >= timezone.localdate()):
        finding.overdue_since = None
    _full_clean(finding, exclude=["visit", "created_by"])
    save_audited(finding, before, actor=actor, action="finding.update", fields=audited)
    return finding


@transaction.atomic
def finding_delete(*, actor, finding: Finding) -> None:
    visit, finding = _lock_editable(finding, "xóa")
    audit_log(actor=actor, action="finding.delete", target=visit, changes={"finding": [str(finding), None]})
    finding.delete()


# --- Remediation --------------------------------------------------------------------------------


def _lock_shortcoming(finding: Finding) -> Finding:
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not finding.is_shortcoming:
        raise InspectionError("Đây là ưu điểm, không có việc khắc phục.")
    return finding


@transaction.atomic
def finding_report_remediation(*, actor, finding: Finding, text: str, files=()) -> RemediationReport:
    """The unit reports what it did, with evidence files; the item waits for Sở Nội vụ."""
    finding = _lock_shortcoming(finding)
    if not finding.awaits_unit:
        raise InspectionError(f"Tồn tại này đang ở trạng thái “{finding.get_status_display()}”, không báo cáo thêm được.")
    text = nfc(text)
    if not text:
        raise InspectionError("Chưa nhập kết quả khắc phục.")
    kinds = []
    for upload in files:
        try:
            kinds.append(validate_upload(upload))
        except ValidationError as exc:
            raise InspectionError(_validation_message(exc)) from None
    report = RemediationReport.objects.create(finding=finding, text=text, created_by=actor)
    stored = []
    try:
        for upload, kind in zip(files, kinds):
            evidence = RemediationEvidence(
                report=report,
                original_name=clean_filename(upload.name),
                size=upload.size,
                content_type=content_type_of(kind),
            )
            evidence.file.save(upload.name, upload, save=False)
            stored.append(evidence.file)
            evidence.save()
    except Exception:
        # The rows roll back with the transaction; the files on disk would not.
        for field_file in stored:
            field_file.delete(save=False)
        raise
    before = finding.status
    finding.status = Finding.Status.REPORTED
    finding.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action="finding.report",
        target=finding,
        changes={"status": [before, finding.status], "evidence": [None, [e.name for e in stored]] if stored else [None, []]},
        reason=text,
    )
    return report


def _decide(*, actor, finding: Finding, status: str, comment: str, action: str) -> Finding:
    before = finding.status
    finding.status = status
    finding.review_comment = comment
    finding.reviewed_at = timezone.now()
    finding.save(update_fields=["status", "review_comment", "reviewed_at", "updated_at"])
    audit_log(actor=actor, action=action, target=finding, changes={"status": [before, status]}, reason=comment)
    return finding


@transaction.atomic
def finding_accept(*, actor, finding: Finding, comment: str = "") -> Finding:
    """Sở Nội vụ accepts the unit's remediation: the shortcoming is closed."""
    finding = _lock_shortcoming(finding)
    if finding.status != Finding.Status.REPORTED:
        raise InspectionError("Chỉ xác nhận được tồn tại mà đơn vị đã báo cáo khắc phục.")
    return _decide(actor=actor, finding=finding, status=Finding.Status.CLOSED, comment=nfc(comment), action="finding.accept")


@transaction.atomic
def finding_return(*, actor, finding: Finding, comment: str) -> Finding:
    """Sở Nội vụ returns the report: the unit must do more and report again."""
    finding = _lock_shortcoming(finding)
    if finding.status != Finding.Status.REPORTED:
        raise InspectionError("Chỉ trả lại được tồn tại mà đơn vị đã báo cáo khắc phục.")
    comment = nfc(comment)
    if not comment:
        raise InspectionError("Khi trả lại cần ghi rõ lý do, nội dung đơn vị cần bổ sung.")
    return _decide(actor=actor, finding=finding, status=Finding.Status.RETURNED, comment=comment, action="finding.return")


# --- Handovers after a reorganisation -------------------------------------------------------------


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def findings_hand_over(*, actor, links) -> list[FindingHandover]:
    """Hand the still-open shortcomings (of any year) that the units closed by `links`
    (units.LineageLink) answer for to their successors; run inside the lineage import's
    transaction. A unit that went whole into one successor (a merge, a rename) hands them over at
    once. A split unit's go to each of its successors as a proposal, until Sở Nội vụ confirms
    which one takes each (`finding_handover_confirm`): no candidate sees them before that. A
    dissolved unit hands nothing over; Sở Nội vụ sees its shortcomings in
    `selectors.findings_without_successor`. Returns the handovers made or confirmed."""
    from units.models import Reorganisation

    by_predecessor: dict[int, list] = {}
    for link in links:
        if link.closes_predecessor and link.successor_id:
            by_predecessor.setdefault(link.predecessor_id, []).append(link)
    if not by_predecessor:
        return []
    # Locked: a remediation report or a review arriving meanwhile must not miss its new unit.
    locked = Finding.objects.select_for_update().filter(
        answered_by(list(by_predecessor)), kind=Finding.Kind.SHORTCOMING, status__in=STILL_OPEN
    )
    findings = list(with_responsible_unit(Finding.objects.filter(pk__in=list(locked.values_list("pk", flat=True)))).order_by("id"))
    units = Unit.objects.in_bulk({link.successor_id for group in by_predecessor.values() for link in group})
    events = Reorganisation.objects.in_bulk({link.event_id for group in by_predecessor.values() for link in group})
    existing = {(h.finding_id, h.unit_id): h for h in FindingHandover.objects.filter(finding__in=findings)}
    now, made, handed, proposed = timezone.now(), [], [], []
    for finding in findings:
        group = by_predecessor[finding.responsible_unit_id]
        reason = str(events[group[0].event_id])
        if len(group) == 1 and not group[0].partial:
            link = group[0]
            handover = existing.get((finding.pk, link.successor_id)) or FindingHandover(finding=finding, unit_id=link.successor_id)
            handover.link, handover.confirmed_at, handover.confirmed_by = link, now, _user_or_none(actor)
            handover.save()
            made.append(handover)
            changes = {"responsible_unit": [finding.responsible_unit_name, units[link.successor_id].name]}
            handed.append(AuditEntry(finding, changes, reason))
            continue
        names = []
        for link in group:
            if (finding.pk, link.successor_id) in existing:
                continue
            made.append(FindingHandover.objects.create(finding=finding, unit_id=link.successor_id, link=link))
            names.append(units[link.successor_id].name)
        if names:
            proposed.append(AuditEntry(finding, {"candidates": [None, names]}, reason))
    audit_log_many(actor=actor, action="finding.hand_over", entries=handed)
    audit_log_many(actor=actor, action="finding.handover_propose", entries=proposed)
    return made


@transaction.atomic
def finding_handover_confirm(*, actor, handover: FindingHandover) -> FindingHandover:
    """Sở Nội vụ says which successor of a split unit takes a shortcoming: that proposal is
    confirmed, the successor answers for the shortcoming from now on, and the other candidates'
    proposals are dropped."""
    finding = Finding.objects.select_for_update().get(pk=handover.finding_id)
    handover = FindingHandover.objects.select_related("unit").filter(pk=handover.pk, finding=finding).first()
    if handover is None or handover.confirmed_at is not None:
        raise InspectionError("Đề xuất chuyển giao này không còn chờ xác nhận (đã được xác nhận hoặc đã bỏ); hãy tải lại trang.")
    if handover.unit.is_closed:
        raise InspectionError(
            f"{handover.unit.name} đã ngừng hoạt động (đến {handover.unit.valid_to:%d/%m/%Y}): "
            "không giao tồn tại cho đơn vị này được; hãy chọn đơn vị đang hoạt động."
        )
    before = with_responsible_unit(Finding.objects.filter(pk=finding.pk)).values_list("responsible_unit_name", flat=True).get()
    others = list(finding.handovers.filter(confirmed_at__isnull=True).exclude(pk=handover.pk).select_related("unit"))
    FindingHandover.objects.filter(pk__in=[other.pk for other in others]).delete()
    handover.confirmed_at, handover.confirmed_by = timezone.now(), _user_or_none(actor)
    handover.save(update_fields=["confirmed_at", "confirmed_by"])
    candidates = sorted([handover.unit.name, *(other.unit.name for other in others)])
    audit_log(
        actor=actor,
        action="finding.handover_confirm",
        target=finding,
        changes={"responsible_unit": [before, handover.unit.name], "candidates": [candidates, None]},
    )
    return handover


def findings_mark_overdue(*, today: datetime.date) -> int:
    """Stamp open or returned shortcomings past their deadline as overdue; return how many.

    Safe to run twice or concurrently: each row is claimed with a conditional UPDATE and only the
    run that changed it writes the audit row. Items awaiting Sở Nội vụ's review are not the unit's
    delay and are not marked; closed items never are."""
    candidates = Finding.objects.filter(
        kind=Finding.Kind.SHORTCOMING,
        status__in=[Finding.Status.OPEN, Finding.Status.RETURNED],
        deadline__lt=today,
        overdue_since__isnull=True,
    ).values_list("pk", "deadline")
    marked = 0
    for pk, deadline in list(candidates):
        since = deadline + datetime.timedelta(days=1)
        with transaction.atomic():
            claimed = Finding.objects.filter(
                pk=pk, overdue_since__isnull=True, status__in=[Finding.Status.OPEN, Finding.Status.RETURNED]
            ).update(overdue_since=since)
            if claimed:
                marked += 1
                audit_log(actor=None, action="finding.overdue", target=Finding.objects.get(pk=pk), changes={"overdue_since": [None, since]})
    return marked


# --- Bulk status updates from the tracker sheet ---------------------------------------------------


@dataclass
class StatusImportResult:
    changed: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"Cập nhật {self.changed}, không đổi {self.unchanged} tồn tại, hạn chế."


def _transition_error(current: str, new: str, comment: str) -> str | None:
    """Why the sheet may not move an item from `current` to `new` (None: it may)."""
    S = Finding.Status
    if new == current:
        return None
    if new == S.REPORTED:
        return "Trạng thái reported do đơn vị tự báo cáo trên phần mềm, không nhập từ tệp."
    if new == S.OPEN:
        return f"Không đưa được tồn tại từ trạng thái {current} về open."
    if new == S.RETURNED:
        if current != S.REPORTED:
            return f"Chỉ trả lại (returned) được tồn tại đơn vị đã báo cáo (reported); hiện là {current}."
        if not comment:
            return "Trả lại (returned) cần ghi lý do ở cột comment."
    if new == S.CLOSED:
        if current == S.CLOSED:
            return None
        # Without a report on the software, closing needs the basis (e.g. the unit's paper report).
        if current != S.REPORTED and not comment:
            return "Đóng (closed) tồn tại mà đơn vị chưa báo cáo trên phần mềm cần ghi căn cứ ở cột comment."
    return None


@transaction.atomic
def findings_import_status(*, table: Table, actor) -> StatusImportResult:
    """Apply status decisions from the tracker sheet: every row valid, or nothing written."""
    ids = []
    for _, row in table.rows:
        if row["finding_id"].isdigit():
            ids.append(int(row["finding_id"]))
    # Locked before checking, so a unit's report arriving meanwhile cannot be overwritten unseen.
    findings = {f.pk: f for f in Finding.objects.select_for_update().select_related("owner_unit").filter(pk__in=ids)}
    errors: list[RowError] = []
    codes = list(Finding.Status.values)
    seen: dict[int, int] = {}
    plan_rows = []
    for number, row in table.rows:
        raw_id, status, comment = row["finding_id"], row["status"].strip().lower(), nfc(row.get("comment", ""))
        finding = None
        if not raw_id.isdigit():
            errors.append(RowError(number, "finding_id", f"Mã tồn tại '{raw_id}' không hợp lệ (phải là số)."))
        elif int(raw_id) in seen:
            errors.append(RowError(number, "finding_id", f"Tồn tại số {raw_id} bị lặp với dòng {seen[int(raw_id)]}."))
        else:
            seen[int(raw_id)] = number
            finding = findings.get(int(raw_id))
            if finding is None or not finding.is_shortcoming:
                errors.append(RowError(number, "finding_id", f"Không có tồn tại, hạn chế số {raw_id}."))
                finding = None
            elif row.get("unit_code") and row["unit_code"] != finding.owner_unit.code:
                errors.append(
                    RowError(number, "unit_code", f"Tồn tại số {raw_id} thuộc đơn vị {finding.owner_unit.code}, không phải {row['unit_code']}.")
                )
                finding = None
        if status not in codes:
            errors.append(RowError(number, "status", f"Trạng thái '{row['status']}' không hợp lệ (dùng: {', '.join(codes)})."))
            continue
        if finding is None:
            continue
        problem = _transition_error(finding.status, status, comment)
        if problem:
            errors.append(RowError(number, "status", problem))
            continue
        plan_rows.append((finding, status, comment))
    if errors:
        raise ImportRejected(errors)
    result = StatusImportResult()
    for finding, status, comment in plan_rows:
        if status == finding.status:
            result.unchanged += 1
            continue
        _decide(actor=actor, finding=finding, status=status, comment=comment, action="finding.import_status")
        result.changed += 1
    return result
