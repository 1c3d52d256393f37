"""From plain context data to PDF bytes: NFC normalisation, the data fingerprint, and WeasyPrint.

The same data must give the same bytes on every machine and every run, so that a document can be
re-rendered (a retried task, a second worker) without anyone seeing a different file: the font is
the one shipped in static/fonts (never a system font), and the PDF dates come from the data."""

import hashlib
import json
import logging
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

FONT_FILE = "fonts/LiberationSerif-Regular.ttf"
# WeasyPrint reports every layout step at INFO; a worker's log needs the task lines, not those.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def normalise(value):
    """Every string of the context in NFC: text typed on different keyboards (composed or with
    combining marks) must look, extract and hash the same."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {normalise(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if value is None or isinstance(value, (bool, int)):
        return value
    raise TypeError(f"document context holds plain data only, not {type(value).__name__}")


def canonical_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def fingerprint(*, kind: str, version: int, context: dict) -> str:
    """SHA-256 of the canonical JSON of the data; the kind and layout version are part of it, so a
    changed template makes the documents rendered with the old one out of date as well."""
    return hashlib.sha256(canonical_json({"kind": kind, "version": version, "data": context})).hexdigest()


@lru_cache(maxsize=1)
def static_base() -> Path:
    """The static folder holding fonts/, from the finders rather than STATIC_ROOT: a worker renders
    without collectstatic having run."""
    found = finders.find(FONT_FILE)
    if not found:
        raise RuntimeError(f"{FONT_FILE} is missing from the static folders")
    return Path(found).resolve().parent.parent


def render_pdf(*, template: str, context: dict) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a template rendered with the given context."""
    from weasyprint import HTML  # heavy import, only where rendering happens

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=static_base().as_uri() + "/").render()
    data = document.write_pdf()
    return data, len(document.pages)
