"""Who may do what with units (django-rules). Object scope is enforced in the views'
`_get_<obj>_for_user` helpers, which answer 404 outside a user's scope."""

import rules

from . import roles


@rules.predicate
def is_staff_member(user):
    return roles.has_role(user, roles.STAFF)


@rules.predicate
def is_council_member(user):
    return roles.has_role(user, roles.COUNCIL)


@rules.predicate
def is_unit_editor(user):
    return roles.has_role(user, roles.UNIT_EDITOR)


@rules.predicate
def is_inspector(user):
    return roles.has_role(user, roles.INSPECTOR)


@rules.predicate
def is_leader(user):
    return roles.has_role(user, roles.LEADER)


@rules.predicate
def is_unit_member(user, unit):
    return unit is not None and user.unit_id == unit.pk


rules.add_perm("units.view_directory", rules.is_authenticated)
rules.add_perm("units.manage_units", is_staff_member)
# A unit's own CCHC contact keeps its phone, e-mail and address up to date.
rules.add_perm("units.edit_unit_contact", is_staff_member | (is_unit_editor & is_unit_member))
