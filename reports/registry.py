"""The kinds of document the app renders. A kind is a subject model, a context builder returning
plain data, a template, a file name, and who may see and ask for it; the pipeline (request,
task, render, download, panel, command) knows nothing else about it.

Adding a kind: a module with its SPEC (see `notice.py`), a template under
templates/reports/documents/, a value in `GeneratedDocument.Kind`, and one line in `KINDS` below.
"""

from . import decision, notice, scorecard
from .spec import DocumentSpec

KINDS: dict[str, DocumentSpec] = {spec.kind: spec for spec in (notice.SPEC, scorecard.SPEC, decision.SPEC)}


def spec_for(kind: str) -> DocumentSpec | None:
    return KINDS.get(kind)
