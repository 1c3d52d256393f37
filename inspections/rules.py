"""Who may do what with inspections (django-rules). Object scope (which visits and findings a user
sees at all) is applied by the selectors and the views' `_get_<obj>_for_user` helpers, which
answer 404 outside it."""

import rules

from units.rules import is_inspector, is_leader, is_staff_member, is_unit_editor

from . import scope


@rules.predicate
def is_team_member(user, visit):
    if visit is None:
        return False
    return visit.team.members.filter(user=user).exists()


@rules.predicate
def is_finding_author(user, finding):
    return finding is not None and finding.created_by_id == user.pk


@rules.predicate
def is_finding_team_member(user, finding):
    return finding is not None and is_team_member(user, finding.visit)


@rules.predicate
def is_responsible_unit_member(user, finding):
    # The unit that answers for the finding: its owner, or the successor it was handed to.
    return scope.answers_for(user, finding)


# Plans, schedule, visits and their findings: the inspection side of the app.
rules.add_perm("inspections.view_inspections", is_staff_member | is_inspector | is_leader)
rules.add_perm("inspections.manage_plans", is_staff_member)
# Findings are written by the visiting team (or by staff typing up a paper record).
rules.add_perm("inspections.record_findings", is_staff_member | (is_inspector & is_team_member))
rules.add_perm("inspections.edit_finding", is_staff_member | (is_inspector & is_finding_author & is_finding_team_member))
rules.add_perm("inspections.mark_visit_done", is_staff_member | (is_inspector & is_team_member))
# The remediation side: units report, Sở Nội vụ decides, leaders follow.
rules.add_perm("inspections.view_remediation", is_unit_editor)
rules.add_perm("inspections.report_remediation", is_unit_editor & is_responsible_unit_member)
rules.add_perm("inspections.review_remediation", is_staff_member)
# Which successor of a reorganised unit takes over its open shortcomings.
rules.add_perm("inspections.manage_handovers", is_staff_member)
rules.add_perm("inspections.view_tracker", is_staff_member | is_leader)
