from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from audit.selectors import audit_events_for
from cchc.middleware import IMPORT, UPLOAD, accepts_files
from cchc.params import int_param
from cchc.redirects import redirect_back
from cchc.tabular import ImportRejected, read_table, write_xlsx
from cchc.uploads import attachment_response, download
from cchc.views import attempt, attempt_in_form

from . import selectors, services
from .forms import (
    ConclusionForm,
    FindingForm,
    HandoverConfirmForm,
    MemberForm,
    PlanForm,
    RemediationReportForm,
    ReviewForm,
    ScheduleFilterForm,
    StatusImportForm,
    TeamForm,
    TrackerFilterForm,
    VisitForm,
)
from .models import DelegationMember, Finding, InspectionPlan, RemediationEvidence, Team, Visit

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, perm: str, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _get_plan_for_user(request, pk: int, *, write: bool = False) -> InspectionPlan:
    _require(request, "inspections.manage_plans" if write else "inspections.view_inspections")
    return get_object_or_404(selectors.plans_for_user(request.user), pk=pk)


def _get_visit_for_user(request, pk: int, *, write: bool = False) -> Visit:
    """Visits are the inspection side's pages: other roles get 403; an inspector outside the
    visit's team gets 404. `write` means changing the schedule (staff)."""
    _require(request, "inspections.manage_plans" if write else "inspections.view_inspections")
    return get_object_or_404(selectors.visits_for_user(request.user).select_related("plan", "team", "unit"), pk=pk)


def _get_finding_for_user(request, pk: int, *, write: bool = False) -> Finding:
    """A finding outside the user's scope does not exist for them (404), whatever their role.
    `write` means editing the finding itself (its author on the team, or staff)."""
    finding = get_object_or_404(
        selectors.findings_for_user(request.user).select_related("visit", "visit__plan", "visit__unit", "owner_unit"), pk=pk
    )
    if write and not request.user.has_perm("inspections.edit_finding", finding):
        raise PermissionDenied
    return finding


def _redirect_back(request, default: str):
    return redirect_back(request, "next", default)


# --- Plans ------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    _require(request, "inspections.view_inspections")
    return render(request, "inspections/plan_list.html", {"plans": selectors.plan_list(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int | None = None):
    plan = _get_plan_for_user(request, pk, write=True) if pk else None
    if pk is None:
        _require(request, "inspections.manage_plans")
    form = PlanForm(request.POST or None, instance=InspectionPlan.objects.get(pk=plan.pk) if plan else None)
    if request.method == "POST" and form.is_valid():
        done, saved = attempt_in_form(request, form, lambda: services.plan_save(actor=request.user, plan=plan, **form.cleaned_data), "Đã lưu kế hoạch kiểm tra.")
        if done:
            return redirect("inspections:plan", pk=saved.pk)
    title = f"Sửa kế hoạch: {plan.title}" if plan else "Thêm kế hoạch kiểm tra"
    return render(request, "inspections/form.html", {"form": form, "title": title, "plan": plan, "back": reverse("inspections:plan", args=[plan.pk]) if plan else reverse("inspections:plans")})


@login_required
def plan_detail(request, pk: int):
    plan = _get_plan_for_user(request, pk)
    all_visits = selectors.plan_visits(plan=plan)
    visible = set(selectors.visits_for_user(request.user).filter(plan=plan).values_list("pk", flat=True))
    context = {
        "plan": plan,
        "scope": selectors.scope_check(plan=plan),
        "members": selectors.plan_members(plan=plan),
        "teams": selectors.plan_teams(plan=plan),
        "visits": [v for v in all_visits if v.pk in visible],
        "warnings": selectors.visit_warnings(all_visits),
        "can_manage": request.user.has_perm("inspections.manage_plans"),
    }
    return render(request, "inspections/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_delegation(request, pk: int):
    """Staff's editor of the delegation (people) and its teams."""
    plan = _get_plan_for_user(request, pk, write=True)
    member_form = MemberForm(request.POST or None, prefix="m")
    team_form = TeamForm(None, plan=plan, prefix="t", initial={"number": (plan.teams.count() + 1)})
    if request.method == "POST" and member_form.is_valid():
        done, _ = attempt_in_form(request, member_form, lambda: services.member_save(actor=request.user, plan=plan, **member_form.cleaned_data), lambda member: f"Đã thêm {member.full_name} vào đoàn kiểm tra.")
        if done:
            return redirect("inspections:delegation", pk=plan.pk)
    members, teams = list(selectors.plan_members(plan=plan)), list(selectors.plan_teams(plan=plan))
    # Removing a person also takes them out of their teams: the confirmation names those teams.
    for member in members:
        member.team_names = [str(team) for team in teams if any(m.pk == member.pk for m in team.members.all())]
    context = {
        "plan": plan,
        "members": members,
        "teams": teams,
        "member_form": member_form,
        "team_form": team_form,
    }
    return render(request, "inspections/delegation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int, member_pk: int):
    plan = _get_plan_for_user(request, pk, write=True)
    member = get_object_or_404(DelegationMember, pk=member_pk, plan=plan)
    form = MemberForm(request.POST or None, instance=DelegationMember.objects.get(pk=member.pk))
    if request.method == "POST" and form.is_valid():
        if attempt_in_form(request, form, lambda: services.member_save(actor=request.user, plan=plan, member=member, **form.cleaned_data), "Đã lưu thông tin thành viên.")[0]:
            return redirect("inspections:delegation", pk=plan.pk)
    return render(request, "inspections/form.html", {"form": form, "title": f"Sửa thành viên: {member.full_name}", "plan": plan, "back": reverse("inspections:delegation", args=[plan.pk])})


@login_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    plan = _get_plan_for_user(request, pk, write=True)
    member = get_object_or_404(DelegationMember, pk=member_pk, plan=plan)
    attempt(request, lambda: services.member_remove(actor=request.user, member=member), f"Đã bỏ {member.full_name} khỏi đoàn kiểm tra.")
    return redirect("inspections:delegation", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int, team_pk: int | None = None):
    plan = _get_plan_for_user(request, pk, write=True)
    team = get_object_or_404(Team, pk=team_pk, plan=plan) if team_pk else None
    initial = {"number": team.number, "leader": team.leader_id, "members": list(team.members.all())} if team else None
    form = TeamForm(request.POST or None, plan=plan, prefix="t", initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(request, form, lambda: services.team_save(actor=request.user, plan=plan, team=team, **form.cleaned_data), lambda team: f"Đã lưu {team}.")
        if done:
            return redirect("inspections:delegation", pk=plan.pk)
    title = f"Sửa {team}" if team else "Thêm tổ công tác"
    return render(request, "inspections/form.html", {"form": form, "title": title, "plan": plan, "back": reverse("inspections:delegation", args=[plan.pk])})


@login_required
@require_POST
def team_delete(request, pk: int, team_pk: int):
    plan = _get_plan_for_user(request, pk, write=True)
    team = get_object_or_404(Team, pk=team_pk, plan=plan)
    attempt(request, lambda: services.team_delete(actor=request.user, team=team), f"Đã xóa {team}.")
    return redirect("inspections:delegation", pk=plan.pk)


# --- Visits -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int | None = None, plan_pk: int | None = None):
    visit = _get_visit_for_user(request, pk, write=True) if pk else None
    plan = visit.plan if visit else _get_plan_for_user(request, plan_pk, write=True)
    instance = Visit.objects.get(pk=visit.pk) if visit else None
    form = VisitForm(request.POST or None, plan=plan, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        also_units = data.pop("also_units")
        done, saved = attempt_in_form(request, form, lambda: services.visit_save(actor=request.user, plan=plan, visit=visit, also_units=also_units, **data), "Đã lưu lịch kiểm tra.")
        if done:
            return redirect("inspections:visit", pk=saved.pk)
    title = f"Sửa lịch: {visit.unit.name}" if visit else "Thêm cuộc kiểm tra"
    back = reverse("inspections:visit", args=[visit.pk]) if visit else reverse("inspections:plan", args=[plan.pk])
    return render(request, "inspections/form.html", {"form": form, "title": title, "plan": plan, "back": back})


@login_required
def schedule(request):
    """Visits by team then date, with the warnings of double bookings and own-unit members."""
    _require(request, "inspections.view_inspections")
    plans = selectors.plans_for_user(request.user)
    data = request.GET.copy()
    for name in ("plan", "team"):
        int_param(data, name)  # an id no plan or team can have is a 404, not a database error
    if not data.get("plan") and plans.exists():
        data["plan"] = str(plans.first().pk)
    form = ScheduleFilterForm(data, plans=plans)
    visits, warnings, plan = [], {}, None
    if form.is_valid():
        plan, team = form.cleaned_data["plan"], form.cleaned_data.get("team")
        visits, warnings = selectors.schedule(user=request.user, plan=plan, team=team)
    rows = []
    for visit in visits:
        if not rows or rows[-1][0] != visit.team:
            rows.append((visit.team, []))
        rows[-1][1].append(visit)
    context = {"form": form, "plan": plan, "rows": rows, "warnings": warnings, "warning_count": sum(len(warnings.get(v.pk, [])) for v in visits)}
    return render(request, "inspections/schedule.html", context)


def _next_entry_initial(finding: Finding | None) -> dict:
    """What the next empty form starts with after `finding`: inspectors enter several findings in a
    row for the same field and the same owner unit, and usually give them one deadline."""
    if finding is None:
        return {}
    initial = {"field": finding.field, "kind": finding.kind}
    if finding.is_shortcoming:
        initial.update(owner_unit=finding.owner_unit_id, deadline=finding.deadline)
    return initial


def _new_finding_form(request, visit: Visit, groups) -> FindingForm:
    # On opening the page (again) the form goes on from this user's last entry on this visit.
    own = [f for group in groups for f in (*group.strengths, *group.shortcomings) if f.created_by_id == request.user.pk]
    return FindingForm(visit=visit, initial=_next_entry_initial(max(own, key=lambda f: f.pk, default=None)))


def _visit_context(request, visit: Visit, *, form: FindingForm | None = None) -> dict:
    can_record = request.user.has_perm("inspections.record_findings", visit) and not visit.is_concluded
    groups = selectors.findings_by_field(visit=visit)
    if form is None and can_record:
        form = _new_finding_form(request, visit, groups)
    return {
        "visit": visit,
        "groups": groups,
        "can_record": can_record,
        "form": form,
        "editable_ids": _editable_finding_ids(request, visit),
    }


def _editable_finding_ids(request, visit: Visit) -> set[int]:
    if visit.is_concluded:
        return set()
    findings = visit.findings.filter(status__in=["", Finding.Status.OPEN])
    if not request.user.has_perm("inspections.manage_plans"):
        if not request.user.has_perm("inspections.record_findings", visit):
            return set()
        findings = findings.filter(created_by=request.user)
    return set(findings.exclude(reports__isnull=False).values_list("pk", flat=True))


@login_required
def visit_detail(request, pk: int):
    visit = _get_visit_for_user(request, pk)
    visit, warnings = selectors.visit_detail(visit=visit)
    context = _visit_context(request, visit)
    context.update(
        {
            "warnings": warnings,
            "can_mark_done": visit.status == Visit.Status.PLANNED and request.user.has_perm("inspections.mark_visit_done", visit),
            "can_manage": request.user.has_perm("inspections.manage_plans"),
        }
    )
    return render(request, "inspections/visit_detail.html", context)


@login_required
@require_POST
def visit_done(request, pk: int):
    visit = _get_visit_for_user(request, pk)
    _require(request, "inspections.mark_visit_done", visit)
    attempt(request, lambda: services.visit_mark_done(actor=request.user, visit=visit), "Đã đánh dấu cuộc kiểm tra là đã kiểm tra xong.")
    return redirect("inspections:visit", pk=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_conclude(request, pk: int):
    visit = _get_visit_for_user(request, pk, write=True)
    form = ConclusionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if attempt_in_form(request, form, lambda: services.visit_conclude(actor=request.user, visit=visit, **form.cleaned_data), "Đã ghi thông báo kết luận kiểm tra.")[0]:
            return redirect("inspections:visit", pk=visit.pk)
    # The conclusion is final: the form says what it freezes before it is sent.
    confirm = (
        f"Ghi thông báo kết luận kiểm tra {visit.unit.name}? Sau khi kết luận, {visit.findings.count()} kết quả kiểm tra "
        "được chốt, không sửa, xóa được nữa, và lịch kiểm tra không sửa được."
    )
    context = {"form": form, "title": f"Kết luận kiểm tra: {visit.unit.name}", "plan": visit.plan, "back": reverse("inspections:visit", args=[visit.pk]), "confirm": confirm}
    return render(request, "inspections/form.html", context)


# --- Findings (quick entry on the visit page, htmx) ---------------------------------------------


def _findings_partial(request, visit: Visit, **extra) -> HttpResponse:
    visit = selectors.visit_detail(visit=visit)[0]
    return render(request, "inspections/_findings.html", {**_visit_context(request, visit), **extra})


@login_required
@require_POST
def finding_add(request, pk: int):
    visit = _get_visit_for_user(request, pk)
    _require(request, "inspections.record_findings", visit)
    visit = selectors.visit_detail(visit=visit)[0]
    form = FindingForm(request.POST, visit=visit)
    saved = None
    if form.is_valid():
        try:
            saved = services.finding_create(actor=request.user, visit=visit, **form.cleaned_data)
        except services.InspectionError as exc:
            form.add_error(None, str(exc))
    if not request.htmx:
        if saved:
            messages.success(request, "Đã ghi kết quả kiểm tra.")
        else:
            messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        return redirect("inspections:visit", pk=visit.pk)
    if saved:
        form = FindingForm(visit=visit, initial=_next_entry_initial(saved))
        text = saved.text if len(saved.text) <= 60 else saved.text[:59] + "…"
        done = f"Đã ghi {saved.get_kind_display().lower()} vào lĩnh vực {saved.field}: “{text}”"
        return render(request, "inspections/_finding_form_and_list.html", {**_visit_context(request, visit, form=form), "saved": saved, "done": done})
    return render(request, "inspections/_finding_form.html", {"visit": visit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk: int):
    finding = _get_finding_for_user(request, pk, write=True)
    visit = selectors.visit_detail(visit=finding.visit)[0]
    form = FindingForm(request.POST or None, visit=visit, instance=Finding.objects.get(pk=finding.pk), prefix=f"f{finding.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(actor=request.user, finding=finding, **form.cleaned_data)
        except services.InspectionError as exc:
            form.add_error(None, str(exc))
        else:
            if request.htmx:
                # Said at the item that was edited, which is where the inspector is looking.
                return _findings_partial(request, visit, updated=finding.pk)
            messages.success(request, "Đã sửa kết quả kiểm tra.")
            return redirect("inspections:visit", pk=visit.pk)
    if request.htmx:
        response = render(request, "inspections/_finding_edit.html", {"finding": finding, "form": form, "visit": visit})
        if request.method == "POST":
            response = reswap(retarget(response, f"#finding-{finding.pk}"), "outerHTML")
        return response
    return render(request, "inspections/finding_edit.html", {"finding": finding, "form": form, "visit": visit})


@login_required
@require_POST
def finding_delete(request, pk: int):
    finding = _get_finding_for_user(request, pk, write=True)
    visit = finding.visit
    try:
        services.finding_delete(actor=request.user, finding=finding)
    except services.InspectionError as exc:
        if request.htmx:
            return _findings_partial(request, visit, error=str(exc))
        messages.error(request, str(exc))
    if request.htmx:
        return _findings_partial(request, visit)
    return redirect("inspections:visit", pk=visit.pk)


@login_required
def visit_findings(request, pk: int):
    """The findings block alone, for htmx (e.g. cancelling an inline edit)."""
    visit = _get_visit_for_user(request, pk)
    return _findings_partial(request, visit)


# --- Remediation ------------------------------------------------------------------------------


@login_required
def remediation_list(request):
    """“Tồn tại, hạn chế cần khắc phục” of the user's unit."""
    _require(request, "inspections.view_remediation")
    status = request.GET.get("status", "")
    if status not in Finding.Status.values:
        status = ""
    findings = selectors.remediation_list(user=request.user, status=status)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "query": f"status={status}" if status else "",
        "statuses": Finding.Status.choices,
        "open_count": selectors.open_findings_for_unit(request.user.unit).count() if request.user.unit_id else 0,
    }
    return render(request, "inspections/remediation_list.html", context)


@login_required
def finding_detail(request, pk: int):
    finding = _get_finding_for_user(request, pk)
    finding = selectors.finding_detail(finding=finding)
    user = request.user
    can_report = finding.awaits_unit and user.has_perm("inspections.report_remediation", finding)
    can_review = finding.status == Finding.Status.REPORTED and user.has_perm("inspections.review_remediation")
    handovers = selectors.finding_handovers(finding=finding)
    proposals = [h for h in handovers if h.confirmed_at is None]
    context = {
        "finding": finding,
        "report_form": RemediationReportForm() if can_report else None,
        "review_form": ReviewForm() if can_review else None,
        "events": audit_events_for(finding),
        "can_view_visit": user.has_perm("inspections.view_inspections") and selectors.visits_for_user(user).filter(pk=finding.visit_id).exists(),
        # Who took the shortcoming over: staff see the proposals too, and confirm one of them.
        "handovers": handovers if user.has_perm("inspections.manage_handovers") else [h for h in handovers if h.confirmed_at],
        "proposals": proposals if user.has_perm("inspections.manage_handovers") else [],
    }
    return render(request, "inspections/finding_detail.html", context)


@login_required
@require_POST
@accepts_files(UPLOAD, files=RemediationReportForm.MAX_FILES)
def finding_report(request, pk: int):
    finding = _get_finding_for_user(request, pk)
    _require(request, "inspections.report_remediation", finding)
    form = RemediationReportForm(request.POST, request.FILES)
    if form.is_valid():
        if attempt_in_form(request, form, lambda: services.finding_report_remediation(actor=request.user, finding=finding, **form.cleaned_data), "Đã gửi báo cáo khắc phục đến Sở Nội vụ.")[0]:
            return redirect("inspections:finding", pk=finding.pk)
    finding = selectors.finding_detail(finding=finding)
    context = {"finding": finding, "report_form": form, "review_form": None, "events": audit_events_for(finding), "can_view_visit": False}
    return render(request, "inspections/finding_detail.html", context, status=400)


@login_required
@require_POST
def finding_decide(request, pk: int, decision: str):
    _require(request, "inspections.review_remediation")
    finding = _get_finding_for_user(request, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if decision == "accept":
            services.finding_accept(actor=request.user, finding=finding, comment=comment)
            messages.success(request, f"Đã xác nhận hoàn thành khắc phục tồn tại số {finding.pk}.")
        else:
            services.finding_return(actor=request.user, finding=finding, comment=comment)
            messages.success(request, f"Đã trả lại báo cáo khắc phục tồn tại số {finding.pk}.")
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    return _redirect_back(request, reverse("inspections:finding", args=[finding.pk]))


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(RemediationEvidence.objects.select_related("report"), pk=pk)
    # The file belongs to a finding; outside that finding's scope it does not exist.
    if not selectors.findings_for_user(request.user).filter(pk=evidence.report.finding_id).exists():
        raise Http404
    try:
        return attachment_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
    except FileNotFoundError:
        raise Http404 from None


@login_required
def handovers(request):
    """Sở Nội vụ's page of the shortcomings of reorganised units: those of a split unit, waiting
    for the successor that takes each one, and those no successor takes (a dissolved unit)."""
    _require(request, "inspections.manage_handovers")
    context = {
        "proposals": selectors.handover_proposals(),
        "orphans": list(selectors.findings_without_successor(today=timezone.localdate())),
    }
    return render(request, "inspections/handovers.html", context)


@login_required
@require_POST
def handover_confirm(request, pk: int):
    """Staff pick the successor that takes a split unit's shortcoming."""
    _require(request, "inspections.manage_handovers")
    finding = _get_finding_for_user(request, pk)
    form = HandoverConfirmForm(request.POST, finding=finding)
    if form.is_valid():
        handover = form.cleaned_data["handover"]
        done = f"Đã giao tồn tại số {finding.pk} cho {handover.unit.name}."
        attempt(request, lambda: services.finding_handover_confirm(actor=request.user, handover=handover), done)
    else:
        messages.error(request, " ".join(form.errors["handover"]))
    return _redirect_back(request, reverse("inspections:handovers"))


@login_required
def review_queue(request):
    _require(request, "inspections.review_remediation")
    page = Paginator(selectors.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/review_queue.html", {"page": page})


@login_required
def overdue_list(request):
    _require(request, "inspections.view_tracker")
    page = Paginator(selectors.overdue_findings(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/overdue_list.html", {"page": page})


# --- Province-wide tracker --------------------------------------------------------------------


def _tracker_filters(request) -> tuple[TrackerFilterForm, dict]:
    form = TrackerFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    return form, filters


@login_required
def tracker(request):
    _require(request, "inspections.view_tracker")
    form, filters = _tracker_filters(request)
    rows, totals = selectors.tracker_counts(plan=filters.get("plan"), block=filters.get("block"))
    findings = selectors.tracker_findings(**filters)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    base = request.GET.copy()
    for key in ("unit", "status", "page"):
        base.pop(key, None)
    context = {
        "form": form,
        "filters": filters,
        "rows": rows,
        "totals": totals,
        "page": page,
        "query": query.urlencode(),
        "base_query": base.urlencode(),
        "can_import": request.user.has_perm("inspections.review_remediation"),
    }
    return render(request, "inspections/tracker.html", context)


@login_required
def tracker_export(request):
    _require(request, "inspections.view_tracker")
    _, filters = _tracker_filters(request)
    rows = selectors.tracker_export_rows(**filters)
    content = write_xlsx({"Khắc phục tồn tại": (services.STATUS_COLUMNS, rows)})
    return download(content, filename=f"theo-doi-khac-phuc-{timezone.localdate():%Y%m%d}.xlsx", content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(IMPORT)
def tracker_import(request):
    _require(request, "inspections.review_remediation")
    form = StatusImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), upload.name, services.STATUS_COLUMNS, required=services.STATUS_REQUIRED_COLUMNS)
            result = services.findings_import_status(table=table, actor=request.user)
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Đã nhập tệp {upload.name}: {result}")
            return redirect("inspections:tracker")
    context = {"form": form, "errors": errors, "columns": services.STATUS_COLUMNS, "statuses": Finding.Status.choices}
    return render(request, "inspections/tracker_import.html", context, status=400 if errors else 200)
