"""Who may see what of the inspections: the one place to read. Plans, visits, findings (and
through them remediation reports and their files) and the conclusion notices all go through
these functions; outside them a thing does not exist for the user (404)."""

from django.db.models import Q, QuerySet

from units import roles

from .models import DelegationMember, Finding, InspectionPlan, Team, Visit


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


def findings_for_user(user) -> QuerySet[Finding]:
    """Staff and leaders see every finding; an inspector those of their teams' visits; a unit's
    CCHC contact those their unit must remedy and those of visits to their unit (a district
    receives the conclusion for the communes visited with it)."""
    findings = Finding.objects.all()
    if sees_all(user):
        return findings
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.INSPECTOR):
        scope |= Q(visit__team__in=_own_teams(user)) | Q(visit__plan__in=_led_plans(user))
    if roles.has_role(user, roles.UNIT_EDITOR) and user.unit_id:
        scope |= Q(owner_unit_id=user.unit_id) | Q(visit__unit_id=user.unit_id)
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
