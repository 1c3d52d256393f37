"""Who may see what of the inspections: the one place to read. Plans, visits, findings (and
through them remediation reports and their files) and the conclusion notices all go through
these functions; outside them a thing does not exist for the user (404)."""

from django.db.models import BigIntegerField, CharField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from units import roles

from .models import DelegationMember, Finding, FindingHandover, InspectionPlan, Team, Visit


def _led_plans(user):
    """Plans whose delegation the user heads or deputises: they follow every team of it."""
    return DelegationMember.objects.filter(
        user=user, role__in=[DelegationMember.Role.HEAD, DelegationMember.Role.DEPUTY]
    ).values("plan_id")


def _own_teams(user):
    return Team.objects.filter(members__user=user).values("pk")


def sees_all(user) -> bool:
    return roles.has_role(user, roles.STAFF, roles.LEADER)


def plans_for_user(user) -> QuerySet[InspectionPlan]:
    plans = InspectionPlan.objects.all()
    if sees_all(user):
        return plans
    if roles.has_role(user, roles.INSPECTOR):
        return plans.filter(pk__in=DelegationMember.objects.filter(user=user).values("plan_id"))
    return plans.none()


def visits_for_user(user) -> QuerySet[Visit]:
    visits = Visit.objects.all()
    if sees_all(user):
        return visits
    if roles.has_role(user, roles.INSPECTOR):
        return visits.filter(Q(team__in=_own_teams(user)) | Q(plan__in=_led_plans(user)))
    return visits.none()


# --- Who answers for a finding ------------------------------------------------------------------
# A finding is recorded against the unit inspected (`owner_unit`, which never changes). When a
# reorganisation closes that unit, its open shortcomings are handed to a successor
# (FindingHandover): from the handover's confirmation on, the successor answers for them — sees
# them, reports on them, and is scored on them. Until a split's handover is confirmed, the closed
# unit still answers and no candidate sees anything. This is the one rule of "whose finding".


def _latest_confirmed_handover(field: str) -> Subquery:
    return Subquery(
        FindingHandover.objects.filter(finding=OuterRef("pk"), confirmed_at__isnull=False)
        .order_by("-confirmed_at", "-id")
        .values(field)[:1]
    )


def _responsible_unit(field: str):
    """`field` ("id" or "name") of the unit that answers: the latest confirmed handover's unit,
    else the owner unit."""
    output = BigIntegerField() if field == "id" else CharField()
    return Coalesce(_latest_confirmed_handover(f"unit__{field}"), F(f"owner_unit__{field}"), output_field=output)


def with_responsible_unit(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """`findings` with `responsible_unit_id` and `responsible_unit_name`: the unit that answers
    for each of them."""
    return findings.annotate(responsible_unit_id=_responsible_unit("id"), responsible_unit_name=_responsible_unit("name"))


def answered_by(unit_ids) -> Q:
    """The findings one of `unit_ids` (a list, or a queryset of unit ids) answers for, as a filter."""
    answering = Finding.objects.alias(responsible_unit=_responsible_unit("id")).filter(responsible_unit__in=unit_ids)
    return Q(pk__in=answering.values("pk"))


def finding_responsible_unit_ids(finding_ids) -> dict[int, int]:
    """{finding id: id of the unit that answers for it}."""
    return dict(with_responsible_unit(Finding.objects.filter(pk__in=list(finding_ids))).values_list("pk", "responsible_unit_id"))


def answers_for(user, finding: Finding) -> bool:
    """Whether the user's unit is the one that answers for `finding` (reports its remediation)."""
    if finding is None or user.unit_id is None:
        return False
    return finding_responsible_unit_ids([finding.pk]).get(finding.pk) == user.unit_id


def findings_for_user(user) -> QuerySet[Finding]:
    """Staff and leaders see every finding; an inspector those of their teams' visits; a unit's
    CCHC contact those their unit answers for (its own, and those handed to it after a
    reorganisation) and those of visits to their unit (a district receives the conclusion for
    the communes visited with it)."""
    findings = Finding.objects.all()
    if sees_all(user):
        return findings
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.INSPECTOR):
        scope |= Q(visit__team__in=_own_teams(user)) | Q(visit__plan__in=_led_plans(user))
    if roles.has_role(user, roles.UNIT_EDITOR) and user.unit_id:
        scope |= answered_by([user.unit_id]) | Q(visit__unit_id=user.unit_id)
    return findings.filter(scope)


def notice_visits_for_user(user) -> QuerySet[Visit]:
    """The visits whose conclusion notice the user may read: those of `visits_for_user`, and for a
    unit's CCHC contact the visits to their unit, whether as the visited unit or as one of the
    communes visited on the same trip (the notice is addressed to them)."""
    if sees_all(user):
        return Visit.objects.all()
    scope = Q(pk__in=visits_for_user(user).values("pk"))
    if roles.has_role(user, roles.UNIT_EDITOR) and user.unit_id:
        along = Visit.also_units.through.objects.filter(unit_id=user.unit_id).values("visit_id")
        scope |= Q(unit_id=user.unit_id) | Q(pk__in=along)
    return Visit.objects.filter(scope)
