"""Who may see and change periods and frameworks (django-rules). Object scope is enforced in the
views' `_get_<obj>_for_user` helpers: a framework outside a user's scope answers 404."""

import rules

from units.rules import is_council_member, is_inspector, is_leader, is_staff_member, is_unit_editor


@rules.predicate
def is_of_framework_block(user, framework):
    # A unit's CCHC contact reads the framework of the block their unit is assessed in that year
    # (scoring.scope.own_framework_block_id), and only that.
    from .scope import own_framework_block_id

    return framework is not None and own_framework_block_id(user, framework.period) == framework.block_id


can_see_all_frameworks = is_staff_member | is_council_member | is_leader | is_inspector

rules.add_perm("scoring.view_periods", can_see_all_frameworks | is_unit_editor)
rules.add_perm("scoring.view_framework", can_see_all_frameworks | (is_unit_editor & is_of_framework_block))
rules.add_perm("scoring.manage_periods", is_staff_member)
rules.add_perm("scoring.edit_framework", is_staff_member)

# The scoring cycle. Object scope (which unit, which field) is enforced by the views' helpers and
# the services; these say which pages a role may open at all.
rules.add_perm("scoring.self_assess", is_unit_editor)
rules.add_perm("scoring.appraise", is_council_member | is_staff_member)
rules.add_perm("scoring.view_assessments", is_staff_member | is_leader | is_council_member | is_unit_editor)
rules.add_perm("scoring.manage_assessments", is_staff_member)
rules.add_perm("scoring.follow_appraisal", is_staff_member | is_leader)

# Results. Before publication only the council and Sở Nội vụ see them (provisional); after it,
# leaders see everything and a unit's contact their own unit and block (views check publication).
rules.add_perm("scoring.view_results_unpublished", is_staff_member | is_council_member)
rules.add_perm("scoring.view_results", is_staff_member | is_council_member | is_leader | is_unit_editor)
rules.add_perm("scoring.approve_results", is_staff_member | is_council_member)
rules.add_perm("scoring.enter_decision", is_staff_member)
# Every unit's every criterion: a member's own unit and those they stood aside from included, so
# Sở Nội vụ's file only (members read their fields on the pages).
rules.add_perm("scoring.export_score_matrix", is_staff_member)
rules.add_perm("scoring.view_overview", is_staff_member | is_leader)
