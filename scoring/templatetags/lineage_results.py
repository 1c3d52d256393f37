"""`{% predecessor_results unit %}`: the block of a unit's predecessors' results, for pages whose
view belongs to another app (the unit's page in the directory)."""

from django import template

from scoring.selectors.lineage_history import predecessors_of

register = template.Library()


@register.inclusion_tag("units/_predecessor_results.html", takes_context=True)
def predecessor_results(context, unit):
    """The predecessors of `unit` with the years the signed-in user may read (the results rule)."""
    return {"predecessors": predecessors_of(context["request"].user, unit)}
