"""The per-period archive: export one year, load it into an empty database, get the same year back."""

import datetime
import io
import json
import shutil
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from reports.models import GeneratedDocument
from reports.services import document_request
from scoring.services.archive import ArchiveError, period_export, period_import, read_manifest
from scoring.models import Evidence, HeadRating, Period, Phase, Score
from scoring.selectors import assessment_totals_for_period, ranking_for_period, results_published, scores_hash
from scoring.services import (
    conflict_declare,
    evidence_add,
    head_rating_override_set,
    score_set_appraisal,
    score_set_explanation,
    score_set_final,
    score_set_self,
)
from tests.factories import UnitHeadFactory
from units.models import Block, Unit, UnitHead, User

from .conftest import PDF, approve, fill_self, move, row, submit


def _self(cycle, code, value=None, **kwargs):
    score = row(cycle.a, code)
    return score_set_self(actor=cycle.editor_a, score=score, value=value, expected_version=score.version, **kwargs)


@pytest.fixture
def approved(cycle):
    """2024 walked through the whole cycle: a self score changed twice, a not-applicable row, an
    evidence file, an appraisal with a deduction, its explanation, a final score, a conflict of
    interest, a head-rating override, a scorecard document, and the approval with its decision."""
    UnitHeadFactory(unit=cycle.editor_a.unit, full_name="Nguyễn Thị Hà", title="Giám đốc")
    fill_self(cycle.a)
    fill_self(cycle.b, value="0")
    _self(cycle, "1.1.1", "0,5")
    _self(cycle, "1.1.1", "1", note="Đã bổ sung kế hoạch.")
    _self(cycle, "1.3.1", not_applicable=True)
    upload = SimpleUploadedFile("Kế hoạch CCHC năm 2024.pdf", PDF, content_type="application/pdf")
    evidence_add(
        actor=cycle.editor_a, score=row(cycle.a, "1.1.1"), upload=upload,
        doc_number="12/KH-SKHCN", doc_date=datetime.date(2024, 2, 5), page_ref="3",
    )
    conflict_declare(actor=cycle.member, period=cycle.period, unit=cycle.editor_b.unit, reason="Vợ công tác tại đơn vị.")
    submit(cycle.a)
    submit(cycle.b)
    period = move(cycle.period, Phase.APPRAISAL, cycle.staff)
    score = row(cycle.a, "2.3")
    score_set_appraisal(actor=cycle.member, score=score, value="1,5", reason="Thiếu báo cáo quý IV.", expected_version=score.version)
    period = move(period, Phase.EXPLANATION, cycle.staff)
    score = row(cycle.a, "2.3")
    score_set_explanation(actor=cycle.editor_a, score=score, text="Báo cáo quý IV gửi ngày 28/12.", expected_version=score.version)
    period = move(period, Phase.FINALIZATION, cycle.staff)
    score = row(cycle.a, "2.3")
    score_set_final(actor=cycle.member, score=score, value="3", note="Chấp nhận giải trình.", expected_version=score.version)
    head_rating_override_set(actor=cycle.staff, assessment=cycle.b, rating=HeadRating.DONE, reason="Có cán bộ bị kỷ luật.")
    document_request(actor=cycle.staff, kind="scorecard", subject=cycle.a)
    return approve(period, cycle.staff)


def _picture(period: Period) -> dict:
    """Everything the round trip must keep, without ids: totals, ranking and each score's history."""
    units = dict(period.assessments.values_list("pk", "unit__code"))
    totals = {
        units[pk]: (t.earned, t.maximum, t.deducted, t.score, t.index, {c: vars(f) for c, f in t.fields.items()})
        for pk, t in assessment_totals_for_period(period).items()
    }
    ranking = [
        {**r.as_plain(), "field_scores": r.field_scores, "field_max": r.field_max, "provisional": r.provisional, "reason": r.head_rating_reason}
        for r in ranking_for_period(period)
    ]
    history = {}
    for score in Score.objects.filter(assessment__period=period).select_related("assessment__unit", "criterion"):
        events = audit_events_for(score).order_by("created_at", "id")
        history[(score.assessment.unit.code, score.criterion.code)] = [
            (e.action, e.actor.username if e.actor else None, e.created_at, e.changes, e.reason, e.target_repr) for e in events
        ]
    period_history = [(e.action, e.created_at, e.changes, e.reason) for e in audit_events_for(period).order_by("created_at", "id")]
    return {"totals": totals, "ranking": ranking, "history": history, "period_history": period_history}


def _empty_the_database():
    """What a fresh installation has: migrations' data (roles), nothing else — no units, blocks,
    users, periods, history, or media files."""
    from units.models import LineageLink, Reorganisation, UnitParent

    AuditEvent.objects.all().delete()
    GeneratedDocument.objects.all().delete()
    Period.objects.all().delete()
    User.objects.all().delete()
    UnitHead.objects.all().delete()
    LineageLink.objects.all().delete()
    UnitParent.objects.all().delete()
    Reorganisation.objects.all().delete()
    while Unit.objects.exists():
        Unit.objects.filter(children__isnull=True).delete()
    Block.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Period, Score, Evidence, AuditEvent, User, Unit, Block, GeneratedDocument)}


def _rewrite(data: bytes, member: str, change) -> bytes:
    """The archive with one member changed, its manifest checksum updated to match: what a
    careless hand edit or a bug in another exporter would produce."""
    import hashlib

    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    content = change(source.read(member))
    manifest["members"][member] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("manifest.json", json.dumps(manifest))
        for name in source.namelist():
            if name != "manifest.json":
                target.writestr(name, content if name == member else source.read(name))
    return out.getvalue()


def test_an_exported_period_loads_into_an_empty_database_with_the_same_results_and_history(approved, tmp_path):
    before = _picture(approved)
    assert results_published(approved)
    assert any(len(events) >= 2 for events in before["history"].values())  # a score changed over time
    path = tmp_path / "ky-2024.zip"
    call_command("export_period", "--year", "2024", "-o", str(path), stdout=io.StringIO())
    first_export = path.read_bytes()
    manifest, members = read_manifest(first_export)
    assert manifest["year"] == 2024 and manifest["counts"]["scoring.evidence"] == 1
    assert "reports.generateddocument.file" in manifest["not_included"]
    assert [name for name in members if name.startswith("files/")] == ["files/evidence/%d.pdf" % Evidence.objects.get().pk]

    _empty_the_database()
    assert _counts() == dict.fromkeys(_counts(), 0)
    call_command("import_period", str(path), stdout=io.StringIO())

    period = Period.objects.get(year=2024)
    assert period.phase == Phase.APPROVED
    after = _picture(period)
    assert after["totals"] == before["totals"]
    assert after["ranking"] == before["ranking"]
    assert after["history"] == before["history"]
    # The import is itself on the record, after everything it brought back.
    assert after["period_history"][:-1] == before["period_history"]
    assert after["period_history"][-1][0] == "period.import"
    assert results_published(period)  # the approval's score fingerprint still matches
    assert row_head(period) == "Nguyễn Thị Hà"

    evidence = Evidence.objects.get()
    assert evidence.file.read() == PDF and evidence.citation == "Số 12/KH-SKHCN, ngày 05/02/2024, tr. 3"
    assert evidence.score.criterion.code == "1.1.1" and evidence.uploaded_by.username == "editor_a"
    editor = User.objects.get(username="editor_a")
    assert not editor.is_active and not editor.has_usable_password() and editor.unit.code == "UNIT-A"
    assert Score.objects.get(assessment__unit__code="UNIT-A", criterion__code="1.3.1").not_applicable
    document = GeneratedDocument.objects.get()
    assert document.subject.unit.code == "UNIT-A" and document.status == GeneratedDocument.Status.FAILED and not document.file

    # Exported again, the year's rows are byte for byte what they were.
    _, again = read_manifest(period_export(period))
    for member in ("data/period.json", "data/frameworks.json", "data/criteria.json", "data/assessments.json",
                   "data/scores.json", "data/head_rating_overrides.json", "directory/units.json", "directory/blocks.json"):
        assert again[member] == members[member], member


def row_head(period):
    return next(r.head_name for r in ranking_for_period(period) if r.unit.code == "UNIT-A")


def test_a_changed_byte_is_refused(approved):
    data = period_export(approved)
    _empty_the_database()
    middle = len(data) // 2
    tampered = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
    with pytest.raises(ArchiveError):
        period_import(tampered)
    swapped = _swap_member(data, "data/scores.json", lambda b: b.replace(b'"final_score": "3.000"', b'"final_score": "2.000"'))
    with pytest.raises(ArchiveError, match="SHA-256"):
        period_import(swapped)
    assert _counts() == dict.fromkeys(_counts(), 0)


def _swap_member(data: bytes, member: str, change) -> bytes:
    """The archive with one member changed but its manifest left alone."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content) if name == member else content)
    return out.getvalue()


def test_importing_a_year_that_exists_is_refused_and_writes_nothing(approved, tmp_path):
    path = tmp_path / "ky-2024.zip"
    path.write_bytes(period_export(approved))
    before = _counts()
    with pytest.raises(CommandError, match="Đã có kỳ đánh giá năm 2024"):
        call_command("import_period", str(path))
    assert _counts() == before


def test_an_error_halfway_leaves_nothing_behind_not_even_the_evidence_files(approved):
    data = period_export(approved)
    _empty_the_database()

    def break_last_event(content: bytes) -> bytes:
        events = json.loads(content)
        events[-1]["fields"]["target"] = {"model": "scoring.score", "key": ["UNIT-A", "99.9"]}
        return json.dumps(events).encode()

    with pytest.raises(ArchiveError, match="99.9"):
        period_import(_rewrite(data, "data/history.json", break_last_event))
    assert _counts() == dict.fromkeys(_counts(), 0)
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_existing_units_and_users_are_matched_by_their_natural_keys(approved):
    data = period_export(approved)
    editor = User.objects.get(username="editor_a")
    Period.objects.all().delete()
    AuditEvent.objects.all().delete()
    GeneratedDocument.objects.all().delete()
    units, users = Unit.objects.count(), User.objects.count()

    period = period_import(data)

    assert (Unit.objects.count(), User.objects.count()) == (units, users)
    assert period.assessments.get(unit__code="UNIT-A").unit == editor.unit
    assert Evidence.objects.get().uploaded_by == editor
    assert User.objects.get(pk=editor.pk).is_active  # an existing account is left as it is




def test_a_changed_byte_inside_a_members_compressed_data_is_refused_or_changes_nothing(approved):
    # Most flips break the deflate stream itself (zlib), before the SHA-256 check: a refusal in
    # Vietnamese, never a crash. A flip the decoder does not notice (a block's "last" flag) must
    # still give exactly the exported scores.
    exported = scores_hash(approved)
    data = period_export(approved)
    _empty_the_database()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("data/scores.json")
    header = data[info.header_offset : info.header_offset + 30]
    start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    refused = 0
    for position in range(start, start + info.compress_size, max(1, info.compress_size // 40)):
        tampered = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
        try:
            period = period_import(tampered)
        except ArchiveError as exc:
            assert "bị hỏng" in str(exc) or "SHA-256" in str(exc)
            refused += 1
            continue
        assert scores_hash(period) == exported
        _empty_the_database()
    assert refused >= 30
    assert _counts() == dict.fromkeys(_counts(), 0)


# --- The roster, the decision's blocks and the units' lineage ---------------------------------------


@pytest.fixture
def reorganised(approved):
    """2024 approved, its decision covering the departments' block; unit A merged into unit B on
    01/07/2025 (and a part of it transferred to a unit outside the year), its statistics code
    and its earlier parent on record."""
    from units.models import LineageLink, Reorganisation, UnitParent

    approved.decision_blocks.set([Block.objects.get(code="so-nganh")])
    a, b = Unit.objects.get(code="UNIT-A"), Unit.objects.get(code="UNIT-B")
    Unit.objects.filter(pk=a.pk).update(stat_code="18001", valid_from=datetime.date(2008, 1, 1), valid_to=datetime.date(2025, 6, 30), active=False)
    outside = Unit.objects.create(code="NOT-ARCHIVED", name="Đơn vị ngoài năm 2024", block=a.block, valid_from=datetime.date(2025, 7, 1))
    former = Unit.objects.create(code="H-CU", name="UBND huyện cũ", block=Block.objects.get(code="ubnd-huyen"), valid_to=datetime.date(2019, 12, 31))
    event = Reorganisation.objects.create(key="nq-1665", effective_date=datetime.date(2025, 7, 1), legal_basis="Nghị quyết số 1665/NQ-UBTVQH15")
    LineageLink.objects.create(event=event, kind=LineageLink.Kind.MERGE, predecessor=a, successor=b)
    LineageLink.objects.create(event=event, kind=LineageLink.Kind.TRANSFER, predecessor=a, successor=outside)
    earlier = Reorganisation.objects.create(key="nq-2019", effective_date=datetime.date(2020, 1, 1), legal_basis="Nghị quyết số 819/NQ-UBTVQH14")
    UnitParent.objects.create(unit=a, parent=former, valid_to=datetime.date(2019, 12, 31))
    UnitParent.objects.filter(unit=a, parent=former).update(event=earlier)
    return approved


def _roster_of(period) -> list[tuple[str, str]]:
    return sorted(period.roster.values_list("unit__code", "block__code"))


def test_the_roster_the_decisions_blocks_and_the_units_lineage_come_back_with_the_year(reorganised):
    from units.models import LineageLink, Reorganisation, UnitParent

    roster = _roster_of(reorganised)
    assert ("UNIT-A", "so-nganh") in roster and len(roster) == 4
    data = period_export(reorganised)
    _, members = read_manifest(data)
    assert "NOT-ARCHIVED" not in members["directory/lineage_links.json"].decode()
    _empty_the_database()

    period = period_import(data)
    assert _roster_of(period) == roster
    assert list(period.decision_blocks.values_list("code", flat=True)) == ["so-nganh"]
    a = Unit.objects.get(code="UNIT-A")
    assert (a.stat_code, a.valid_from, a.valid_to, a.active) == ("18001", datetime.date(2008, 1, 1), datetime.date(2025, 6, 30), False)
    assert list(LineageLink.objects.values_list("event__key", "kind", "predecessor__code", "successor__code")) == [
        ("nq-1665", "merge", "UNIT-A", "UNIT-B")
    ]
    event = Reorganisation.objects.get(key="nq-1665")
    assert (event.effective_date, event.legal_basis) == (datetime.date(2025, 7, 1), "Nghị quyết số 1665/NQ-UBTVQH15")
    history = UnitParent.objects.get(unit=a)
    assert (history.parent.code, history.valid_to, history.event.key) == ("H-CU", datetime.date(2019, 12, 31), "nq-2019")
    assert not Unit.objects.filter(code="NOT-ARCHIVED").exists()
    # Exported again, the roster, the period and the lineage read byte for byte the same.
    _, again = read_manifest(period_export(period))
    for member in ("data/roster.json", "data/period.json", "directory/units.json", "directory/reorganisations.json",
                   "directory/lineage_links.json", "directory/unit_parents.json"):
        assert again[member] == members[member], member


def test_an_existing_databases_own_lineage_is_left_as_it_is(reorganised):
    from units.models import LineageLink, Reorganisation

    data = period_export(reorganised)
    Period.objects.all().delete()
    AuditEvent.objects.all().delete()
    GeneratedDocument.objects.all().delete()
    LineageLink.objects.filter(kind="merge").delete()  # this database says otherwise now
    period_import(data)
    assert not LineageLink.objects.filter(kind="merge").exists()
    assert Reorganisation.objects.filter(key="nq-1665").count() == 1


def _as_version_1(data: bytes) -> bytes:
    """The archive as the first format wrote it: no roster, no decision blocks, no lineage."""
    import hashlib

    dropped = {"data/roster.json", "directory/reorganisations.json", "directory/lineage_links.json", "directory/unit_parents.json"}
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    contents = {name: source.read(name) for name in source.namelist() if name != "manifest.json" and name not in dropped}
    period = json.loads(contents["data/period.json"])
    period[0]["fields"].pop("decision_blocks")
    contents["data/period.json"] = json.dumps(period).encode()
    units = json.loads(contents["directory/units.json"])
    for unit in units:
        for name in ("stat_code", "valid_from", "valid_to"):
            unit["fields"].pop(name)
    contents["directory/units.json"] = json.dumps(units).encode()
    manifest["format_version"] = 1
    manifest["counts"].pop("scoring.rosterentry")
    manifest["members"] = {name: {"sha256": hashlib.sha256(c).hexdigest(), "size": len(c)} for name, c in contents.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("manifest.json", json.dumps(manifest))
        for name, content in contents.items():
            target.writestr(name, content)
    return out.getvalue()


def test_an_archive_of_the_first_format_still_loads_its_roster_made_from_its_assessments(approved):
    expected = sorted(approved.assessments.values_list("unit__code", "framework__block__code"))
    old = _as_version_1(period_export(approved))
    _empty_the_database()
    period = period_import(old)
    assert _roster_of(period) == expected
    assert not period.decision_blocks.exists()
    assert results_published(period)


def test_an_archive_of_a_format_this_version_does_not_know_is_refused(approved):
    data = _rewrite(period_export(approved), "data/period.json", lambda b: b)
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    manifest["format_version"] = 3
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("manifest.json", json.dumps(manifest))
        for name in source.namelist():
            if name != "manifest.json":
                target.writestr(name, source.read(name))
    with pytest.raises(ArchiveError, match="định dạng phiên bản 3, ứng dụng này chỉ đọc các phiên bản 1, 2"):
        period_import(out.getvalue())
