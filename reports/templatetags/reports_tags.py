from django import template

from reports.registry import spec_for

register = template.Library()


@register.simple_tag(takes_context=True)
def document_in_scope(context, kind: str, subject) -> bool:
    """Whether the page's user may see the documents of this kind for the subject. A page open to
    more people than the document (the period page, before the decision is published) shows no
    panel to them, instead of one whose loading answers 404."""
    spec = spec_for(kind)
    request = context.get("request")
    if spec is None or request is None or subject is None:
        return False
    return spec.visible_subjects(request.user).filter(pk=subject.pk).exists()
