"""Who may ask for and read documents (django-rules). Which documents a user sees at all is the
scope of each kind (`DocumentSpec.visible_subjects`); outside it a document does not exist (404)."""

import rules

from inspections.rules import is_team_member
from scoring.scope import assessment_access
from units.rules import is_inspector, is_leader, is_staff_member, is_unit_editor


@rules.predicate
def may_print_scorecard(user, assessment):
    # The assessment's own scope decides (scoring.scope): staff, the unit, the members who
    # appraise it — never a member's own unit or one they stood aside from.
    return assessment is not None and assessment_access(user, assessment).may_print


# The documents page lists what the user's scope holds; staff see every kind and state.
rules.add_perm("reports.view_documents", is_staff_member | is_leader | is_inspector | is_unit_editor)
# A notice is rendered by Sở Nội vụ or by the team that made the visit, never by the visited unit.
rules.add_perm("reports.request_notice", is_staff_member | (is_inspector & is_team_member))
# The scorecard is printed by Sở Nội vụ and the council, and by the unit itself, which signs it.
rules.add_perm("reports.request_scorecard", may_print_scorecard)
# The decision is drafted and printed by Sở Nội vụ, which submits it to the People's Committee.
rules.add_perm("reports.request_decision", is_staff_member)
