"""From plain context data to PDF bytes: NFC normalisation, the data fingerprint, and WeasyPrint.

The same data must give the same bytes on every machine and every run, so that a document can be
re-rendered (a retried task, a second worker) without anyone seeing a different file: the font is
the one shipped in static/fonts (never a system font), and the PDF dates come from the data."""

import gc
import hashlib
import io
import json
import logging
import os
import pickle
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from cchc.gc_tuning import THRESHOLDS

FONT_FILE = "fonts/LiberationSerif-Regular.ttf"
# WeasyPrint reports every layout step at INFO; a worker's log needs the task lines, not those.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)


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


def _html_document(template: str, context: dict):
    from weasyprint import HTML  # heavy import, only where rendering happens

    html = render_to_string(template, context)
    return HTML(string=html, base_url=static_base().as_uri() + "/").render()


@contextmanager
def _fewer_collections():
    """WeasyPrint makes millions of small objects: with Python's default thresholds the cyclic
    collector ran so often that it took about 30 % of a decision's layout time. Collect far less
    often while rendering; a long document collects after each chunk (below), which keeps its
    memory where the default thresholds kept it."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def render_pdf(*, template: str, context: dict, flows: list["Flow"] | None = None) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a template rendered with the given context; in parts when the
    document says how to cut it (`flows`), whole otherwise."""
    with _fewer_collections():
        if flows:
            return _render_in_parts(template, context, flows)
        document = _html_document(template, context)
        return document.write_pdf(), len(document.pages)


# --- Long documents, laid out in parts -------------------------------------------------------------
#
# WeasyPrint keeps the layout of every page in memory until the PDF is written, and lays out on one
# core: the decision of a national ranking (4,000 units, 370 pages) took more than 1 GB and about
# a minute that way. A document that can be long says how to cut it into flows (runs of pages that
# start on a new page anyway: the decision, Phụ lục I, Phụ lục II), and:
#
# - a flow with many pieces (table rows, block headings) is laid out in chunks of at most
#   CHUNK_PIECES pieces, each written to PDF and freed before the next, so memory is bounded by one
#   chunk. A chunk's last page may end early only because the chunk does: that page is dropped and
#   its pieces start the next chunk, so every page is laid out as in one long run (rows never split
#   across pages, and the table header repeats on each page either way);
# - flows are laid out side by side in forked processes (settings.DOCUMENT_RENDER_PROCESSES), as
#   they do not depend on each other's layout; a flow too long for one process's share is cut in
#   two, its second half starting on a new page;
# - the one thing they share, the page numbers: the first process's pages are numbered as they are
#   laid out; the others' are laid out without numbers, and once all are joined, a document of
#   blank pages of the same sizes, numbered on, is laid under theirs.

CHUNK_PIECES = 600
PIECE_ANCHOR = "piece-{}"


@dataclass(frozen=True)
class Flow:
    """One run of pages, rendered with `context` added to the document's. Its pieces are numbered
    `pieces` (numbers unique in the document); `window(start, stop)` gives the template what it
    shows of pieces start…stop−1, each piece an element with the id PIECE_ANCHOR of its number
    that never splits across pages (`break-inside: avoid`). A flow without pieces is rendered
    whole."""

    context: dict
    pieces: range = range(0)
    window: Callable[[int, int], dict] | None = None
    # What laying out one piece costs, relative to the document's other flows: how they are shared
    # out between processes.
    weight: float = 1.0


def _first_piece(page) -> int | None:
    prefix = PIECE_ANCHOR.format("")
    numbers = [int(name[len(prefix) :]) for name in page.anchors if name.startswith(prefix) and name[len(prefix) :].isdigit()]
    return min(numbers) if numbers else None


def _flow_chunks(template: str, context: dict, flow: Flow, first_page: int | None = None) -> list[tuple[bytes, int]]:
    """(PDF, pages) of each chunk of the flow, in order: numbered from `first_page` on, or without
    page numbers when the flow's first page number is not known yet (None)."""
    chunks = []
    start, size = flow.pieces.start, CHUNK_PIECES
    while True:
        stop = min(start + size, flow.pieces.stop)
        numbering = {"numbers_apart": True} if first_page is None else {"first_page": first_page}
        part = {**context, **flow.context, **numbering}
        if flow.pieces:
            part.update(flow.window(start, stop))
        document = _html_document(template, part)
        pages = document.pages
        next_start = stop
        if stop < flow.pieces.stop:
            cut = _first_piece(pages[-1])
            if cut is None or cut <= start:
                # The whole chunk fits on one page: whether that page holds more is unknown.
                size *= 2
                continue
            pages, next_start = pages[:-1], cut
        chunks.append((document.copy(pages).write_pdf(), len(pages)))
        if first_page is not None:
            first_page += len(pages)
        # Free this chunk's layout before the next one is made; its boxes refer to each other, so
        # only the cyclic collector frees them, and it runs rarely while rendering.
        del document, pages
        gc.collect()
        if next_start >= flow.pieces.stop:
            return chunks
        start, size = next_start, CHUNK_PIECES


def _forked(work: Callable[[], object]) -> Callable[[], object]:
    """Start `work` in a forked copy of this process; the function returned waits for its result.
    The child inherits everything it needs (settings, templates, the context), uses no database
    connection, and leaves with os._exit so that nothing of the parent's runs twice."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _let_go_of_database_sockets()
        status = 0
        try:
            payload = pickle.dumps(("ok", work()))
        except BaseException as exc:  # noqa: BLE001 — whatever it was, the parent must hear of it
            payload, status = pickle.dumps(("error", f"{type(exc).__name__}: {exc}")), 1
        try:
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(status)
    os.close(write_end)

    def result():
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        outcome, value = pickle.loads(data) if data else ("error", f"exit status {status}")
        if outcome != "ok":
            raise RuntimeError(f"Tiến trình phụ dàn trang văn bản bị lỗi: {value}")
        return value

    return result


def _let_go_of_database_sockets() -> None:
    """In a forked child: close its copies of the parent's database sockets (the parent's stay
    open). Were the parent killed, PostgreSQL must see its connection end, and the advisory lock
    of the document being rendered with it (services.py), at once, not when the child ends."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.connection is not None:
            try:
                os.close(connection.connection.fileno())
            except OSError:
                pass


def _processes(flows: list[Flow]) -> int:
    wanted = settings.DOCUMENT_RENDER_PROCESSES
    if wanted < 2 or not hasattr(os, "fork") or sum(len(f.pieces) for f in flows) < settings.DOCUMENT_PARALLEL_FROM_PIECES:
        return 1
    return wanted


def _shares(flows: list[Flow], processes: int) -> list[list[Flow]]:
    """The flows, in order, cut into `processes` runs of about the same cost. A cut inside a flow
    makes its second half start on a new page (the page before may end a few rows early): the
    price of laying out one long table on two cores. A cut near a flow's end moves to it."""
    total = sum(len(f.pieces) * f.weight for f in flows)
    cuts = [k * total / processes for k in range(1, processes)]
    shares: list[list[Flow]] = [[] for _ in range(processes)]
    share, cost = 0, 0.0
    for flow in flows:
        start, end = flow.pieces.start, flow.pieces.stop
        flow_end = cost + len(flow.pieces) * flow.weight
        while share < len(cuts) and cuts[share] < flow_end:
            at = start + round((cuts[share] - cost) / flow.weight)
            if at - flow.pieces.start >= len(flow.pieces) * 0.05 and end - at >= len(flow.pieces) * 0.05:
                shares[share].append(replace(flow, pieces=range(start, at)))
                cost += (at - start) * flow.weight
                start = at
            elif at - flow.pieces.start < len(flow.pieces) * 0.05:
                pass  # the cut falls at the flow's start: the whole rest goes to the next share
            else:
                break  # at its end: the whole flow stays in this share
            share += 1
        shares[share].append(replace(flow, pieces=range(start, end)) if flow.pieces else flow)
        cost = flow_end
    return [share for share in shares if share]


def _render_in_parts(template: str, context: dict, flows: list[Flow]) -> tuple[bytes, int]:
    from pypdf import PdfReader, PdfWriter

    shares = _shares(flows, _processes(flows))

    def run(share: list[Flow], first_page: int | None) -> list[tuple[bytes, int]]:
        chunks = []
        for flow in share:
            laid_out = _flow_chunks(template, context, flow, first_page)
            chunks += laid_out
            if first_page is not None:
                first_page += sum(pages for _, pages in laid_out)
        return chunks

    # Each share in a fork of its own (laid out in the rendering process itself, the first share
    # ran about 20 % slower: that process's heap has grown with earlier work). The first share is
    # numbered as it is laid out; the others without numbers, as where their pages fall is known
    # only once the shares before them are laid out. This process joins them in order and then
    # numbers the others' pages.
    if len(shares) > 1:
        logger.info("laying out %s in %d processes: %s", template, len(shares), [[f.pieces for f in share] for share in shares])
        # Objects made before the fork stay out of the forks' collections: a collection that walked
        # them would write to every page they sit on, and each fork would copy those pages.
        gc.freeze()
        try:
            results = [_forked(lambda: run(shares[0], 1))] + [_forked(lambda share=share: run(share, None)) for share in shares[1:]]
        finally:
            gc.unfreeze()
    else:
        results = [lambda: run(shares[0], 1)]
    writer = PdfWriter()
    metadata = None
    numbered = 0
    for index, result in enumerate(results):
        for data, _ in result():
            reader = PdfReader(io.BytesIO(data))
            metadata = metadata or reader.metadata
            writer.append(reader)
        if index == 0:
            numbered = len(writer.pages)
    if numbered < len(writer.pages):
        _number_pages(writer, template, context, first=numbered)
    if metadata:
        writer.add_metadata(dict(metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _number_pages(writer, template: str, context: dict, *, first: int) -> None:
    """Lay a numbered blank page (same size, same margins, the template's own page rules) under
    each page from index `first` on: the numbers are drawn as the document would draw them."""
    from pypdf import PdfReader

    pages = writer.pages[first:]
    wide = [page.mediabox.width > page.mediabox.height for page in pages]
    slots = {**context, "part": "numbers", "slots": wide, "first_page": first + 1}
    numbers = PdfReader(io.BytesIO(_html_document(template, slots).write_pdf()))
    if len(numbers.pages) != len(pages):
        raise RuntimeError(f"numbering laid out {len(numbers.pages)} pages for {len(pages)}")
    for page, numbered in zip(pages, numbers.pages):
        page.merge_page(numbered, over=False)
        page.compress_content_streams()
