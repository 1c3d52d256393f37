"""A concluded visit of team 1 (the `inspector` persona) to unit A, with a commune visited along,
and helpers to read rendered PDFs back."""

import datetime
import re
import subprocess
from importlib import import_module

import pytest

from inspections import services as inspections
from inspections.models import Finding, Visit
from reports.models import GeneratedDocument
from tests.factories import UnitFactory
from tests.inspections.conftest import plan, team_1, team_2, visit_a, visit_b  # noqa: F401  (fixtures)

D = datetime.date


@pytest.fixture(autouse=True)
def _rows_of_data_migrations(request):
    """A transactional test empties every table when it ends, the blocks and roles made by the
    data migration included; the next transactional test in the same process needs them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or request.node.get_closest_marker("worker")):
        return
    from django.apps import apps

    import_module("units.migrations.0002_blocks_and_roles").create(apps, None)


@pytest.fixture(autouse=True)
def _in_process_rendering(request):
    """With a broker configured (CI), tasks go to Redis; only the worker tests want that. The others
    render in-process as the embedded demo does, inside the test's transaction."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from cchc.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def commune(unit_a):
    return UnitFactory(code="X-THU", name="UBND xã Đức Lĩnh thử nghiệm", parent=unit_a)


def add(visit, *, kind=Finding.Kind.SHORTCOMING, field="7", text="Tỷ lệ hồ sơ trực tuyến thấp.", owner_unit=None, deadline=D(2023, 12, 31), actor=None):
    extra = {"recommendation": f"Khắc phục: {text}", "severity": Finding.Severity.MEDIUM, "deadline": deadline} if kind == Finding.Kind.SHORTCOMING else {}
    return inspections.finding_create(actor=actor, visit=visit, owner_unit=owner_unit, field=field, kind=kind, text=text, **extra)


def conclude(visit, *, number="45/TB-ĐKT", date=D(2023, 6, 12), signer="Lê Thị Thu"):
    inspections.visit_mark_done(actor=None, visit=visit)
    inspections.visit_conclude(
        actor=None, visit=visit, number=number, date=date, signer_name=signer, signer_title="Trưởng phòng CCHC",
        summary="Đơn vị triển khai cơ bản đầy đủ nhiệm vụ CCHC năm 2023.",
    )
    return Visit.objects.get(pk=visit.pk)


@pytest.fixture
def concluded_a(visit_a, team_2, commune, inspector):
    visit_a.also_units.add(commune)
    add(visit_a, kind=Finding.Kind.STRENGTH, field="1", text="Ban hành kịp thời kế hoạch CCHC năm 2023.")
    add(visit_a, field="7", text="Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình còn thấp.", deadline=D(2023, 12, 31))
    add(visit_a, field="1", text="Việc khắc phục tồn tại năm 2022 còn chậm.", deadline=D(2023, 9, 30))
    add(visit_a, field="5", text="Chưa cử công chức đi bồi dưỡng kỹ năng.", owner_unit=commune, deadline=D(2023, 10, 15))
    return conclude(visit_a)


def pdf_text(data: bytes, page: int | None = None) -> str:
    """The text of a PDF (or of one page) as poppler reads it, top to bottom, with runs of white
    space folded to one space."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, "-", "-"], input=data, capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8")).strip()


def rendered(doc: GeneratedDocument) -> bytes:
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.DONE, doc.error
    with doc.file.open("rb") as handle:
        return handle.read()


def embedded_fonts(data: bytes) -> dict[str, tuple[str, object]]:
    """Full name → (version, build date) of every font program embedded in a PDF."""
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    programs = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            programs[str(descriptor["/FontName"]).split("+", 1)[1]] = descriptor["/FontFile2"].get_object().get_data()
    embedded = {}
    for program in programs.values():
        font = TTFont(io.BytesIO(program))
        embedded[font["name"].getDebugName(4)] = (font["name"].getDebugName(5), font["head"].modified)
    return embedded


def shipped_fonts(styles=("Regular", "Bold", "Italic", "BoldItalic")) -> dict[str, tuple[str, object]]:
    """The same for the Liberation Serif 2 files shipped in static/fonts."""
    from pathlib import Path

    from django.conf import settings
    from fontTools.ttLib import TTFont

    shipped = {}
    for style in styles:
        font = TTFont(Path(settings.BASE_DIR) / "static" / "fonts" / f"LiberationSerif-{style}.ttf")
        shipped[font["name"].getDebugName(4)] = (font["name"].getDebugName(5), font["head"].modified)
    return shipped


# --- Scored periods (scorecard, decision) -----------------------------------------------------------


@pytest.fixture
def scored(sonv_staff, unit_a, unit_b):
    """2023 in finalisation: unit A with every stage written on 1.1 (appraisal reason,
    explanation, council note), 1.2 not applicable, the survey and a penalty — 3,92 / 5 points,
    index 78,40; unit B 6 / 7, 85,71. Sở Nội vụ's own unit has an empty assessment."""
    from decimal import Decimal
    from types import SimpleNamespace

    from scoring.models import Phase
    from tests.scoring.conftest import assessment_of

    from .builders import move, open_year, put

    period = open_year(sonv_staff)
    a, b = assessment_of(period, unit_a), assessment_of(period, unit_b)
    put(
        a, "1.1", self_score=2, appraised_score=Decimal("1.5"), appraisal_reason="Kế hoạch ban hành chậm 10 ngày so với hướng dẫn.",
        explanation="Đơn vị đã ban hành kế hoạch đúng hạn, có văn bản kèm theo.", final_score=Decimal("1.75"),
        council_note="Chấp nhận một phần giải trình.",
    )
    put(a, "1.2", not_applicable=True)
    put(a, "2.1", final_score=Decimal("2.67"))
    put(a, "3.1", appraised_score=Decimal("0.5"), appraisal_reason="Chậm gửi báo cáo quý III.")
    put(b, "1.1", self_score=2, appraised_score=2)
    put(b, "1.2", self_score=1, appraised_score=1)
    put(b, "2.1", final_score=3)
    period = move(period, Phase.FINALIZATION, sonv_staff)
    return SimpleNamespace(period=period, a=assessment_of(period, unit_a), b=assessment_of(period, unit_b), staff=sonv_staff)
