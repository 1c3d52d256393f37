"""Reads of plans, teams, visits, findings and remediation. Every list runs a constant number of
queries whatever its size; every read for a user is limited to what that user may see."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from scoring.selectors.roster import roster_block_ids_by_unit
from units.models import Block, Unit
from units.selectors import parents_on

from .models import (
    DelegationMember,
    Field,
    Finding,
    FindingHandover,
    InspectionPlan,
    RemediationEvidence,
    RemediationReport,
    Team,
    Visit,
)
from .scope import answered_by, findings_for_user, plans_for_user, visits_for_user, with_responsible_unit

ROLE_ORDER = Case(
    *[When(role=code, then=Value(i)) for i, code in enumerate(DelegationMember.Role.values)],
    output_field=IntegerField(),
)


# --- Scope of a user: inspections.scope (re-exported for the pages' reads) ---------------------

# --- Plans -------------------------------------------------------------------------------------


def plan_list(*, user) -> QuerySet[InspectionPlan]:
    return plans_for_user(user).annotate(
        visit_count=Count("visits", distinct=True), team_count=Count("teams", distinct=True)
    )


def plan_members(*, plan: InspectionPlan) -> QuerySet[DelegationMember]:
    return plan.members.select_related("unit", "user").annotate(role_order=ROLE_ORDER).order_by("role_order", "full_name")


def plan_teams(*, plan: InspectionPlan) -> QuerySet[Team]:
    members = DelegationMember.objects.select_related("unit").annotate(role_order=ROLE_ORDER).order_by("role_order", "full_name")
    return plan.teams.select_related("leader", "leader__unit").prefetch_related(Prefetch("members", queryset=members))


def plan_visits(*, plan: InspectionPlan, team: Team | None = None) -> list[Visit]:
    visits = _visits_with_people(Visit.objects.filter(plan=plan))
    if team is not None:
        visits = visits.filter(team=team)
    return list(visits.order_by("team__number", "start_date", "unit__code"))


def _visits_with_people(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("plan", "team", "team__leader", "unit", "unit__block", "conclusion").prefetch_related(
        Prefetch("also_units", queryset=Unit.objects.order_by("code")),
        Prefetch("team__members", queryset=DelegationMember.objects.select_related("unit")),
    )


@dataclass
class ScopeLine:
    label: str
    target: str
    actual: str
    met: bool
    detail: str = ""


# --- The province as it was in a year ------------------------------------------------------------
# A unit's block and a commune's district are today's on the unit itself; a plan of an earlier year
# (and the findings of its visits) read them as they were then.


def unit_block_ids_in_year(year: int, current: dict[int, int]) -> dict[int, int]:
    """{unit id: block id} in `year` for the units of `current` ({unit id: its block today}): the
    unit's block on that year's roster, else (a year without one, a unit not on it) today's."""
    roster = roster_block_ids_by_unit(year, list(current))
    return {unit_id: roster.get(unit_id, block_id) for unit_id, block_id in current.items()}


def _levels_in_year(year: int, units) -> dict[int, str]:
    """{unit id: Block.Level of its block in `year`}. `units` come with their current block; the
    other blocks of the roster are read only when there are."""
    block_ids = unit_block_ids_in_year(year, {u.pk: u.block_id for u in units})
    levels = {u.block_id: u.block.level for u in units}
    if missing := set(block_ids.values()) - set(levels):
        levels.update(Block.objects.filter(pk__in=missing).values_list("pk", "level"))
    return {unit_id: levels[block_id] for unit_id, block_id in block_ids.items()}


def _districts_of(communes_day: dict[int, datetime.date]) -> dict[int, int]:
    """{commune id: its district on the day given for it}, one read per distinct day."""
    by_day = defaultdict(list)
    for unit_id, day in communes_day.items():
        by_day[day].append(unit_id)
    parents = {}
    for day, unit_ids in by_day.items():
        parents.update((unit_id, parent_id) for unit_id, parent_id in parents_on(unit_ids, day).items() if parent_id)
    return parents


def scope_check(*, plan: InspectionPlan) -> list[ScopeLine]:
    """Compare the plan's scope targets with the units its visits cover (planned or done), as the
    province was in the plan's year: a unit counts with the kind of its block of that year (the
    period's roster, `Block.level`), a commune under the district it belonged to on the day of its
    visit, and "every district" means those that existed when the plan began. A reorganisation
    after the plan (the 2025 reform) does not rewrite it."""
    # One row per visit and commune visited along (the visit alone when there is none).
    first_day: dict[int, datetime.date] = {}
    for unit_id, day, along_id in Visit.objects.filter(plan=plan).values_list("unit_id", "start_date", "also_units").order_by("start_date"):
        first_day.setdefault(unit_id, day)
        if along_id:
            first_day.setdefault(along_id, day)
    units = Q(pk__in=list(first_day))
    if plan.all_districts:
        # A unit deactivated by hand before units had dates is not known to have existed then.
        existing = Unit.objects.existing_on(plan.start_date or datetime.date(plan.year, 1, 1)).exclude(active=False, valid_to__isnull=True)
        units |= Q(pk__in=existing.values("pk"))
    units = list(Unit.objects.filter(units).select_related("block").order_by("code"))
    levels = _levels_in_year(plan.year, units)
    visited = [u for u in units if u.pk in first_day]
    Level = Block.Level
    districts = [u for u in visited if levels[u.pk] == Level.DISTRICT]
    departments = [u for u in visited if levels[u.pk] == Level.PROVINCIAL]
    communes = [u for u in visited if levels[u.pk] == Level.COMMUNE]
    communes_of = defaultdict(int)
    for district_id in _districts_of({u.pk: first_day[u.pk] for u in communes} if plan.min_communes_per_district else {}).values():
        communes_of[district_id] += 1
    lines = []
    if plan.all_districts or plan.min_districts:
        if plan.all_districts:
            all_of_them = [u for u in units if levels[u.pk] == Level.DISTRICT]
            missing_names = [u.name for u in all_of_them if u.pk not in first_day]
            target, met = f"tất cả ({len(all_of_them)})", not missing_names
            detail = ("Chưa có lịch: " + ", ".join(missing_names)) if missing_names else ""
        else:
            target, met, detail = f"ít nhất {plan.min_districts}", len(districts) >= plan.min_districts, ""
        lines.append(ScopeLine("UBND cấp huyện", target, str(len(districts)), met, detail))
    if plan.min_communes_per_district:
        short = [d.name for d in districts if communes_of[d.pk] < plan.min_communes_per_district]
        lines.append(
            ScopeLine(
                "UBND cấp xã của mỗi huyện được kiểm tra",
                f"ít nhất {plan.min_communes_per_district}",
                f"{sum(communes_of[d.pk] for d in districts)} xã ở {len(districts)} huyện",
                bool(districts) and not short,
                ("Chưa đủ số xã: " + ", ".join(short)) if short else "",
            )
        )
    # After the 2025 reform there are no districts: "ít nhất N xã, phường", wherever they are.
    if plan.min_communes:
        lines.append(_at_least("UBND cấp xã (xã, phường)", plan.min_communes, communes))
    if plan.min_departments:
        lines.append(_at_least("Sở, ban, ngành", plan.min_departments, departments))
    return lines


def _at_least(label: str, target: int, found: list) -> ScopeLine:
    return ScopeLine(label, f"ít nhất {target}", str(len(found)), len(found) >= target)


# --- Visits and their warnings -----------------------------------------------------------------


def _overlaps(a: Visit, b: Visit) -> bool:
    return a.start_date <= b.end_date and b.start_date <= a.end_date


def visit_warnings(visits: list[Visit]) -> dict[int, list[str]]:
    """Warnings, not errors, keyed by visit id: a team booked at two units on the same day, and a
    member inspecting their own unit. Pass every visit of the teams concerned (with
    `team__members` and `also_units` prefetched) so that overlaps across them are seen."""
    warnings: dict[int, list[str]] = defaultdict(list)
    by_team = defaultdict(list)
    for visit in visits:
        by_team[visit.team_id].append(visit)
    for team_visits in by_team.values():
        team_visits.sort(key=lambda v: (v.start_date, v.pk))
        for i, first in enumerate(team_visits):
            for second in team_visits[i + 1 :]:
                if second.start_date > first.end_date:
                    break
                if _overlaps(first, second):
                    for this, other in ((first, second), (second, first)):
                        warnings[this.pk].append(
                            f"{this.team} cũng có lịch kiểm tra {other.unit.name} trùng ngày "
                            f"({other.start_date:%d/%m/%Y}–{other.end_date:%d/%m/%Y})."
                        )
    for visit in visits:
        inspected = {visit.unit_id} | {u.pk for u in visit.also_units.all()}
        names = {visit.unit_id: visit.unit.name} | {u.pk: u.name for u in visit.also_units.all()}
        for member in visit.team.members.all():
            if member.unit_id in inspected:
                warnings[visit.pk].append(f"{member.full_name} công tác tại {names[member.unit_id]}, là đơn vị được kiểm tra.")
    return dict(warnings)


def schedule(*, user, plan: InspectionPlan, team: Team | None = None) -> tuple[list[Visit], dict[int, list[str]]]:
    """The plan's visits by team then date, with warnings computed over each whole team."""
    all_visits = list(
        _visits_with_people(visits_for_user(user).filter(plan=plan)).order_by("team__number", "start_date", "unit__code")
    )
    warnings = visit_warnings(all_visits)
    shown = [v for v in all_visits if team is None or v.team_id == team.pk]
    return shown, warnings


def visit_detail(*, visit: Visit) -> tuple[Visit, list[str]]:
    team_visits = list(_visits_with_people(Visit.objects.filter(team_id=visit.team_id)))
    warnings = visit_warnings(team_visits)
    visit = next(v for v in team_visits if v.pk == visit.pk)
    return visit, warnings.get(visit.pk, [])


def visits_ahead(*, user, today, limit: int = 6) -> tuple[list[Visit], int]:
    """The user's visits under way today or still to come, soonest first, as the schedule lists
    them (its scope and its related rows), without the concluded ones; at most `limit` of them,
    with the number of all of them."""
    ahead = (
        visits_for_user(user)
        .filter(end_date__gte=today)
        .exclude(status=Visit.Status.CONCLUDED)
        .order_by("start_date", "team__number", "unit__code", "id")
    )
    return list(_visits_with_people(ahead)[:limit]), ahead.count()


@dataclass
class FieldGroup:
    code: str
    label: str
    strengths: list = field(default_factory=list)
    shortcomings: list = field(default_factory=list)


def findings_by_field(*, visit: Visit, only: str | None = None) -> list[FieldGroup]:
    """The visit's findings grouped by field, in the order of the plan's content areas (fields
    outside them still show if something was recorded there)."""
    findings = visit.findings.select_related("owner_unit", "created_by").order_by("kind", "id")
    if only:
        findings = findings.filter(field=only)
    codes = list(visit.plan.content_areas)
    groups = {}
    for finding in findings:
        if finding.field not in codes:
            codes.append(finding.field)
        groups.setdefault(finding.field, []).append(finding)
    result = []
    for code in sorted(codes, key=int):
        if only and code != only:
            continue
        group = FieldGroup(code, f"{code}. {Field(code).label}")
        for finding in groups.get(code, []):
            (group.shortcomings if finding.is_shortcoming else group.strengths).append(finding)
        result.append(group)
    return result


# --- Findings and remediation -------------------------------------------------------------------


def _findings_with_context(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """With the unit that answers for each finding (`responsible_unit_id`/`_name`): pages show it,
    and "Tiếp nhận từ <owner unit> (kiểm tra năm …)" when it was handed over."""
    return with_responsible_unit(findings.select_related("visit", "visit__plan", "visit__team", "visit__unit", "owner_unit"))


def shortcomings_for_user(*, user) -> QuerySet[Finding]:
    return _findings_with_context(findings_for_user(user).filter(kind=Finding.Kind.SHORTCOMING))


STILL_OPEN = [Finding.Status.OPEN, Finding.Status.RETURNED, Finding.Status.REPORTED]


def open_findings_for_unit(unit: Unit) -> QuerySet[Finding]:
    """The shortcomings a unit answers for and still has to fix (or re-report after a return, or
    that wait for Sở Nội vụ), its own and those handed to it, oldest deadline first. Also used by
    the results dashboard of the unit."""
    return _findings_with_context(
        Finding.objects.filter(answered_by([unit.pk]), kind=Finding.Kind.SHORTCOMING, status__in=STILL_OPEN)
    ).order_by("deadline", "id")


def remediation_findings_for_unit(*, unit: Unit, year: int) -> list[Finding]:
    """The shortcomings that `year`'s inspections found at the unit, and those of that year handed
    to it (a successor answers for its predecessors' findings), with their remediation status:
    what the appraisal's remediation sub-criterion of the next year reads."""
    findings = Finding.objects.filter(Q(owner_unit=unit) | answered_by([unit.pk]), kind=Finding.Kind.SHORTCOMING, visit__plan__year=year)
    return list(_findings_with_context(findings).order_by("owner_unit__code", "deadline", "id"))


def remediation_list(*, user, status: str = "") -> QuerySet[Finding]:
    """A unit's shortcomings: open ones first (by deadline), then those reported and closed."""
    findings = shortcomings_for_user(user=user)
    if status:
        findings = findings.filter(status=status)
    order = Case(
        When(status=Finding.Status.RETURNED, then=Value(0)),
        When(status=Finding.Status.OPEN, then=Value(1)),
        When(status=Finding.Status.REPORTED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return findings.annotate(status_order=order).order_by("status_order", "deadline", "id")


# Past its deadline and not yet accepted: what `Finding.is_overdue` says of one row.
OVERDUE = Q(overdue_since__isnull=False) & ~Q(status=Finding.Status.CLOSED)


def remediation_counts(*, user) -> dict[str, int]:
    """How many of the shortcomings the remediation page lists to this user are in each state, and
    how many of them are overdue (the rows it marks in red): one query over `remediation_list`,
    for the unit's home page."""
    statuses = Finding.Status
    return remediation_list(user=user).order_by().aggregate(
        open=Count("id", filter=Q(status=statuses.OPEN)),
        returned=Count("id", filter=Q(status=statuses.RETURNED)),
        reported=Count("id", filter=Q(status=statuses.REPORTED)),
        overdue=Count("id", filter=OVERDUE),
    )


# --- Handovers after a reorganisation -------------------------------------------------------------


def handover_proposals() -> list[Finding]:
    """Shortcomings of a split unit waiting for Sở Nội vụ to say which successor takes each one,
    with the candidates (`proposals`), oldest deadline first."""
    pending = FindingHandover.objects.filter(confirmed_at__isnull=True)
    candidates = pending.select_related("unit", "link__event").order_by("unit__code", "id")
    findings = _findings_with_context(Finding.objects.filter(pk__in=pending.values("finding_id")))
    return list(findings.prefetch_related(Prefetch("handovers", queryset=candidates, to_attr="proposals")).order_by("deadline", "id"))


def findings_without_successor(*, today: datetime.date) -> QuerySet[Finding]:
    """Open shortcomings whose answering unit has closed and that no successor takes or may take
    (a dissolved unit, a closure without a lineage link): Sở Nội vụ decides what becomes of them."""
    pending = FindingHandover.objects.filter(confirmed_at__isnull=True).values("finding_id")
    findings = Finding.objects.filter(
        answered_by(Unit.objects.closed_on(today).values("pk")), kind=Finding.Kind.SHORTCOMING, status__in=STILL_OPEN
    ).exclude(pk__in=pending)
    return _findings_with_context(findings).order_by("owner_unit__code", "deadline", "id")


def finding_handovers(*, finding: Finding) -> list[FindingHandover]:
    """The finding's handovers, confirmed or proposed, in the order they were made."""
    return list(finding.handovers.select_related("unit", "link__event", "confirmed_by").order_by("created_at", "id"))


def review_queue() -> QuerySet[Finding]:
    """Shortcomings whose remediation the units reported, oldest report first."""
    return (
        _findings_with_context(Finding.objects.filter(kind=Finding.Kind.SHORTCOMING, status=Finding.Status.REPORTED))
        .prefetch_related(_reports_prefetch())
        .order_by("updated_at", "id")
    )


def overdue_findings(*, user) -> QuerySet[Finding]:
    return (
        shortcomings_for_user(user=user)
        .filter(overdue_since__isnull=False)
        .exclude(status=Finding.Status.CLOSED)
        .order_by("deadline", "owner_unit__code", "id")
    )


def _reports_prefetch() -> Prefetch:
    return Prefetch(
        "reports",
        queryset=RemediationReport.objects.select_related("created_by").prefetch_related(
            Prefetch("evidence", queryset=RemediationEvidence.objects.order_by("id"))
        ),
    )


def finding_detail(*, finding: Finding) -> Finding:
    return _findings_with_context(Finding.objects.filter(pk=finding.pk)).prefetch_related(_reports_prefetch()).get()


# --- Province-wide tracker ---------------------------------------------------------------------


def _tracker_findings(*, plan: InspectionPlan | None = None, block=None, unit: Unit | None = None, status: str = "") -> QuerySet[Finding]:
    findings = Finding.objects.filter(kind=Finding.Kind.SHORTCOMING)
    if plan is not None:
        findings = findings.filter(visit__plan=plan)
    if block is not None:
        findings = findings.filter(owner_unit__block=block)
    if unit is not None:
        findings = findings.filter(owner_unit=unit)
    if status == "overdue":
        findings = findings.filter(overdue_since__isnull=False).exclude(status=Finding.Status.CLOSED)
    elif status:
        findings = findings.filter(status=status)
    return findings


def tracker_counts(*, plan: InspectionPlan | None = None, block=None) -> tuple[list[dict], dict]:
    """Shortcomings per owner unit and status, in one aggregate query; and the column totals."""
    statuses = Finding.Status
    rows = list(
        _tracker_findings(plan=plan, block=block)
        .values("owner_unit_id", "owner_unit__code", "owner_unit__name", "owner_unit__block__order")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status=statuses.OPEN)),
            reported=Count("id", filter=Q(status=statuses.REPORTED)),
            returned=Count("id", filter=Q(status=statuses.RETURNED)),
            closed=Count("id", filter=Q(status=statuses.CLOSED)),
            overdue=Count("id", filter=Q(overdue_since__isnull=False) & ~Q(status=statuses.CLOSED)),
        )
        .order_by("owner_unit__block__order", "owner_unit__code")
    )
    totals = {key: sum(r[key] for r in rows) for key in ("total", "open", "reported", "returned", "closed", "overdue")}
    return rows, totals


def tracker_findings(*, plan=None, block=None, unit=None, status: str = "") -> QuerySet[Finding]:
    return _findings_with_context(_tracker_findings(plan=plan, block=block, unit=unit, status=status)).order_by(
        "owner_unit__block__order", "owner_unit__code", "deadline", "id"
    )


def tracker_export_rows(*, plan=None, block=None, unit=None, status: str = "") -> list[list]:
    """Rows of the export, in the import's format: staff fill in `status` and `comment` and
    upload the same sheet back."""
    rows = []
    for finding in tracker_findings(plan=plan, block=block, unit=unit, status=status):
        rows.append(
            [
                finding.pk,
                finding.owner_unit.code,
                finding.owner_unit.name,
                f"{finding.field}. {finding.get_field_display()}",
                finding.text,
                finding.recommendation,
                finding.deadline.strftime("%d/%m/%Y") if finding.deadline else "",
                finding.status,
                finding.review_comment,
            ]
        )
    return rows

