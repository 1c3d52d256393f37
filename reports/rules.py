"""Who may ask for and read documents (django-rules). Which documents a user sees at all is the
scope of each kind (`DocumentSpec.visible_subjects`); outside it a document does not exist (404)."""

import rules

from inspections.rules import is_team_member
from units.rules import is_council_member, is_inspector, is_leader, is_staff_member, is_unit_editor


@rules.predicate
def is_of_assessed_unit(user, assessment):
    return assessment is not None and user.unit_id is not None and user.unit_id == assessment.unit_id


# The documents page lists what the user's scope holds; staff see every kind and state.
rules.add_perm("reports.view_documents", is_staff_member | is_leader | is_inspector | is_unit_editor)
# A notice is rendered by Sở Nội vụ or by the team that made the visit, never by the visited unit.
rules.add_perm("reports.request_notice", is_staff_member | (is_inspector & is_team_member))
# The scorecard is printed by Sở Nội vụ and the council, and by the unit itself, which signs it.
rules.add_perm("reports.request_scorecard", is_staff_member | is_council_member | (is_unit_editor & is_of_assessed_unit))
# The decision is drafted and printed by Sở Nội vụ, which submits it to the People's Committee.
rules.add_perm("reports.request_decision", is_staff_member)
