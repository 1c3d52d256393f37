"""Filters of the log configuration (LOGGING in settings)."""

import logging


class RefusalsInOneLine(logging.Filter):
    """django.request logs every 403 with the PermissionDenied traceback attached. A refusal is
    the permission checks doing their job, and a traceback per refusal buries the real errors:
    keep the one-line warning ("Forbidden (Permission denied): /path"), drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
