"""Who may see and change what of the year-round monitoring: the one place to read.

Sở Nội vụ's staff see and manage everything; leaders read every dashboard and list; a unit's CCHC
contact (unit editor) sees and acts for their own unit only. Tasks, report files, initiatives,
sub-units and self-inspections all go through these functions; outside them a thing does not
exist for the user (404). Pages of a role the user lacks answer 403 (monitoring/rules.py, built
on the predicates below)."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from units import roles
from units.models import Unit

from .models import Initiative, PlanTask, ReportSubmission, SelfInspection, SubUnit


def manages(user) -> bool:
    """Staff: plans, tasks, calendars, reviews, recognitions, the share of self-inspection."""
    return roles.has_role(user, roles.STAFF)


def reads_all(user) -> bool:
    """The province's view: every dashboard, matrix and list, every unit's rows."""
    return roles.has_role(user, roles.STAFF, roles.LEADER)


def reads_emulation(user) -> bool:
    """The emulation package of a published year (hồ sơ thi đua, khen thưởng): Sở Nội vụ, who
    prepare it and set its rule (`manages`), and the province's leaders, who sit on the emulation
    council. Units do not read it: who is proposed is the council's to announce."""
    return reads_all(user)


def own_unit_id(user) -> int | None:
    """The unit a unit editor acts for; None for everyone else."""
    if roles.has_role(user, roles.UNIT_EDITOR) and user.unit_id:
        return user.unit_id
    return None


def uses_monitoring(user) -> bool:
    return reads_all(user) or own_unit_id(user) is not None


def acts_for(user, unit_id: int | None) -> bool:
    """May the user change the unit's own records (its initiatives, its sub-units and
    self-inspections): staff for every unit, an editor for their own."""
    return manages(user) or (unit_id is not None and own_unit_id(user) == unit_id)


def unit_contacts(unit_ids):
    """The people who act for these units (their active CCHC contacts): whom a reminder reaches."""
    return (
        get_user_model()
        .objects.filter(is_active=True, unit_id__in=unit_ids, groups__name=roles.UNIT_EDITOR)
        .select_related("unit")
        .distinct()
        .order_by("unit__code", "username")
    )


def units_for_user(user) -> QuerySet[Unit]:
    """The units whose monitoring pages the user may open."""
    if reads_all(user):
        return Unit.objects.all()
    return Unit.objects.filter(pk=own_unit_id(user)) if own_unit_id(user) else Unit.objects.none()


# --- Tasks of the plan -----------------------------------------------------------------------------


def tasks_for_user(user) -> QuerySet[PlanTask]:
    """Every task for the province's view; for a unit editor the tasks their unit leads or
    supports."""
    tasks = PlanTask.objects.all()
    if reads_all(user):
        return tasks
    unit_id = own_unit_id(user)
    if unit_id is None:
        return tasks.none()
    supported = PlanTask.supporting_units.through.objects.filter(unit_id=unit_id).values("plantask_id")
    return tasks.filter(Q(lead_unit_id=unit_id) | Q(pk__in=supported))


def may_report_task(user, task: PlanTask) -> bool:
    """Progress and completion are reported by the lead unit's editors, nobody else: the
    supporting units report to the lead unit, and staff review what is reported."""
    return own_unit_id(user) == task.lead_unit_id


def may_review(user) -> bool:
    return manages(user)


# --- Periodic reports --------------------------------------------------------------------------------


def submissions_for_user(user) -> QuerySet[ReportSubmission]:
    submissions = ReportSubmission.objects.all()
    if reads_all(user):
        return submissions
    unit_id = own_unit_id(user)
    return submissions.filter(unit_id=unit_id) if unit_id else submissions.none()


def may_submit_report(user, unit_id: int) -> bool:
    """A unit sends its own report; nobody sends one in its name."""
    return own_unit_id(user) == unit_id


# --- Initiatives ----------------------------------------------------------------------------------------


def initiatives_for_user(user) -> QuerySet[Initiative]:
    initiatives = Initiative.objects.all()
    if reads_all(user):
        return initiatives
    unit_id = own_unit_id(user)
    return initiatives.filter(unit_id=unit_id) if unit_id else initiatives.none()


def may_register_initiative(user) -> bool:
    """Units register their own; staff may register one in a unit's name (from a paper file)."""
    return manages(user) or own_unit_id(user) is not None


def may_edit_initiative(user, initiative: Initiative) -> bool:
    return acts_for(user, initiative.unit_id)


def may_recognise(user) -> bool:
    return manages(user)


# --- Self-inspection ----------------------------------------------------------------------------------


def subunits_for_user(user) -> QuerySet[SubUnit]:
    subunits = SubUnit.objects.all()
    if reads_all(user):
        return subunits
    unit_id = own_unit_id(user)
    return subunits.filter(unit_id=unit_id) if unit_id else subunits.none()


def self_inspections_for_user(user) -> QuerySet[SelfInspection]:
    inspections = SelfInspection.objects.all()
    if reads_all(user):
        return inspections
    unit_id = own_unit_id(user)
    return inspections.filter(unit_id=unit_id) if unit_id else inspections.none()
