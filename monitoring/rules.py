"""Which monitoring pages a role may open at all (django-rules, 403 otherwise). The predicates are
monitoring.scope's, so that who-may-what is written once; object scope (404) is applied by the
selectors and the views' `_get_<obj>_for_user` helpers."""

import rules

from . import scope

uses_monitoring = rules.predicate(scope.uses_monitoring)
reads_all = rules.predicate(scope.reads_all)
manages = rules.predicate(scope.manages)
is_unit_contact = rules.predicate(lambda user: scope.own_unit_id(user) is not None, name="is_unit_contact")

rules.add_perm("monitoring.view", uses_monitoring)
# Dashboards, the plans' task lists, the report matrix, the self-inspection overview.
rules.add_perm("monitoring.view_province", reads_all)
rules.add_perm("monitoring.manage", manages)
# The unit's own pages: its tasks, its report uploads.
rules.add_perm("monitoring.unit_pages", is_unit_contact)
# The emulation package (hồ sơ thi đua, khen thưởng) of a published year.
rules.add_perm("monitoring.emulation", rules.predicate(scope.reads_emulation))
rules.add_perm("monitoring.register_initiative", rules.predicate(scope.may_register_initiative))
