from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy that allows only the app's own files.

    Scripts run only from our vendored static files (no inline script, no eval), so a stored
    `<script>` that slipped past escaping still cannot run. Style attributes stay allowed:
    Bootstrap's progress bars and Chart.js set widths through them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = "; ".join(f"{name} {value}" for name, value in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
