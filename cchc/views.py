"""The tail every form-posting view shares: run one service, show its refusal or its success."""

from collections.abc import Callable

from django.contrib import messages

from .errors import DomainError


def attempt(request, call: Callable[[], object], success: str | Callable[[object], str]) -> bool:
    """Run `call`; on a refusal (any DomainError) show its Vietnamese message and answer False,
    else show `success` (a text, or a function of the service's result) and answer True. The view
    redirects either way."""
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def attempt_in_form(request, form, call: Callable[[], object], success: str | Callable[[object], str]) -> tuple[bool, object]:
    """The same for a page that shows its form again on a refusal: the message goes on the form
    (above its fields) instead of the page's messages. Answers (done, the service's result)."""
    try:
        result = call()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False, None
    messages.success(request, success(result) if callable(success) else success)
    return True, result
