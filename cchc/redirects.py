"""Going back to the page a form came from (`next=`, `back=`), and only to a page of this site.

The target comes from the request, so anyone can put another site's address in a link or a
form; followed as is, a failed action of ours would send a clerk to a look-alike sign-in page.
"""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_own_path(target: str, request) -> bool:
    """A path on this host: "/…", not "//host" nor "/\\host" (browsers read both as another
    host), no control characters (a tab or a newline is dropped by browsers, or splits a header)."""
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    return url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def redirect_back(request, param: str, default: str, *args, **kwargs):
    """Redirect to the own path in the POST (else GET) parameter `param`, else to `default` (a URL
    name with its arguments, or a path)."""
    target = request.POST.get(param) or request.GET.get(param) or ""
    if is_own_path(target, request):
        return redirect(target)
    return redirect(default, *args, **kwargs)
