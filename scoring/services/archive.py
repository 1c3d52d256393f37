"""One period's complete record as a single ZIP archive, and loading it back into another database
(`period_import`, a write like every service: one transaction, audited).

A `pg_dump` restores the whole database as it was; this restores one year into a database that
has moved on (or is empty) — a year lost to a bad reopen, a province migrating one year at a time,
an auditor's copy. Primary keys differ between databases, so nothing in the archive refers to a
row by its id: units and blocks are referred to by code, users by username, criteria by
(block code, criterion code), assessments by unit code, scores by (unit code, criterion code).
Rows with no natural key (evidence, approvals, documents, audit events) carry their id in the
exporting database only as a name inside the archive.

Layout:
    manifest.json          format, versions, counts, SHA-256 and size of every other member
    directory/*.json       blocks, units (+ heads serving that year), users the period refers to,
                           and the units' lineage: their dates and statistics code, their parent
                           history, the reorganisations and links among the archived units
    data/*.json            the period's rows, each {"key": ..., "fields": {...}}: the period (with
                           the blocks its decision covers), its roster, frameworks, assessments, ...
    files/...              the evidence files (PDFs of generated documents are not included)

Format versions: 1 had no roster, no decision blocks and no lineage; such an archive still loads,
its roster rebuilt from its assessments (each unit in its framework's block), as the migration
that introduced rosters did.
"""

import datetime
import hashlib
import io
import json
import posixpath
import zipfile
import zlib
from collections import defaultdict
from decimal import Decimal
from importlib import metadata

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import CharField, F, Q
from django.db.models.functions import Cast
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_log
from reports.models import GeneratedDocument
from units.models import Block, LineageLink, Reorganisation, Unit, UnitHead, UnitParent

from ..models import (
    AppraisalAssignment,
    Approval,
    Assessment,
    ConflictDeclaration,
    Criterion,
    Evidence,
    Framework,
    HeadRatingOverride,
    Period,
    ReminderLog,
    RosterEntry,
    Score,
)
from .errors import ScoringError
from .totals import assessment_totals_refresh

__all__ = ["FORMAT", "FORMAT_VERSION", "ArchiveError", "period_export", "period_import", "read_manifest"]

FORMAT = "cchc-period-archive"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
SCHEMA_APPS = ("contenttypes", "auth", "units", "scoring", "audit", "reports")
BATCH = 500

User = get_user_model()

# Members in the order they are loaded: a row may refer only to rows of earlier members.
DATA_MEMBERS = [
    ("data/period.json", Period),
    ("data/roster.json", RosterEntry),
    ("data/frameworks.json", Framework),
    ("data/criteria.json", Criterion),
    ("data/assessments.json", Assessment),
    ("data/scores.json", Score),
    ("data/evidence.json", Evidence),
    ("data/head_rating_overrides.json", HeadRatingOverride),
    ("data/assignments.json", AppraisalAssignment),
    ("data/conflicts.json", ConflictDeclaration),
    ("data/approvals.json", Approval),
    ("data/reminders.json", ReminderLog),
    ("data/documents.json", GeneratedDocument),
    ("data/history.json", AuditEvent),
]
DIRECTORY_MEMBERS = {
    "blocks": "directory/blocks.json",
    "units": "directory/units.json",
    "unit_heads": "directory/unit_heads.json",
    "users": "directory/users.json",
    "reorganisations": "directory/reorganisations.json",
    "lineage_links": "directory/lineage_links.json",
    "unit_parents": "directory/unit_parents.json",
}
# Members an archive of an older format version does not have.
MEMBERS_SINCE = {
    "data/roster.json": 2,
    "directory/reorganisations.json": 2,
    "directory/lineage_links.json": 2,
    "directory/unit_parents.json": 2,
}
BLOCK_FIELDS = ["name", "order", "active"]
UNIT_FIELDS = ["name", "short_name", "block", "parent", "active", "stat_code", "valid_from", "valid_to"]
REORGANISATION_FIELDS = ["effective_date", "legal_basis", "note", "created_at"]
LINK_FIELDS = ["event", "kind", "predecessor", "successor"]
UNIT_PARENT_FIELDS = ["unit", "parent", "valid_from", "valid_to", "event"]
HEAD_FIELDS = ["unit", "full_name", "title", "start_date", "end_date"]
USER_FIELDS = ["full_name", "title", "unit"]
DOCUMENTS_NOTE = (
    "Chỉ lưu thông tin của các văn bản đã tạo (PDF), không lưu tệp PDF: văn bản được tạo lại từ dữ liệu "
    "của kỳ đánh giá khi cần. Khi nhập, các văn bản này ở trạng thái “Lỗi” để người dùng bấm “Tạo lại”."
)
MISSING_PDF = "Tệp PDF không có trong bản lưu trữ kỳ đánh giá (trạng thái gốc: {status}, SHA-256 gốc: {sha}); hãy bấm “Tạo lại”."


class ArchiveError(ScoringError):
    """The archive cannot be written or loaded; the message is Vietnamese, shown as is."""


def _label(model) -> str:
    return model._meta.label_lower


def _plain(value):
    # Full microseconds (DjangoJSONEncoder keeps milliseconds): audit events are ordered by time,
    # and two saved in the same millisecond must keep their order.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _key_text(key) -> str:
    return json.dumps(key, ensure_ascii=False, sort_keys=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _schema_heads() -> dict[str, list[str]]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    heads: dict[str, list[str]] = defaultdict(list)
    for app, name in graph.leaf_nodes():
        if app in SCHEMA_APPS:
            heads[app].append(name)
    return {app: sorted(names) for app, names in sorted(heads.items())}


def _app_version() -> str:
    try:
        return metadata.version("cchc")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Export ------------------------------------------------------------------------------------


class _Ref:
    """A directory row referred to while the period's rows are gathered; replaced by its natural
    key once the directory (which depends on every reference) is known."""

    __slots__ = ("model", "pk")

    def __init__(self, model, pk):
        self.model, self.pk = model, pk


class _Exporter:
    def __init__(self, period: Period):
        self.period = period
        self.keys: dict[type, dict[int, object]] = {Period: {period.pk: period.year}}
        self.referenced: dict[type, set[int]] = {User: set(), Unit: set(), Block: set()}
        self.rows: dict[str, list] = {}
        self.files: dict[str, bytes] = {}
        self.counts: dict[str, int] = {}

    def ref(self, model, pk):
        if pk is None:
            return None
        if model is ContentType:
            ct = ContentType.objects.get_for_id(pk)
            return f"{ct.app_label}.{ct.model}"
        if model in self.referenced:
            self.referenced[model].add(pk)
            return _Ref(model, pk)
        try:
            return self.keys[model][pk]
        except KeyError:
            # A foreign key the archive does not know about: better to refuse than to write an
            # archive that cannot be loaded back.
            raise ArchiveError(f"Không xuất được: {_label(model)} #{pk} không thuộc kỳ đánh giá năm {self.period.year}.") from None

    def row(self, obj, key, *, only=None, skip=()) -> dict:
        fields = {}
        for f in obj._meta.concrete_fields:
            if f.primary_key or f.name in skip or (only is not None and f.name not in only):
                continue
            value = getattr(obj, f.attname)
            fields[f.name] = self.ref(f.related_model, value) if f.is_relation else _plain(value)
        return {"key": key, "fields": fields}

    def run(self) -> bytes:
        period = self.period
        frameworks = list(Framework.objects.filter(period=period).select_related("block").order_by("block__code"))
        self.keys[Framework] = {f.pk: f.block.code for f in frameworks}
        criteria = list(Criterion.objects.filter(framework__period=period).order_by("framework__block__code", "order", "id"))
        self.keys[Criterion] = {c.pk: [self.keys[Framework][c.framework_id], c.code] for c in criteria}
        assessments = list(Assessment.objects.filter(period=period).select_related("unit").order_by("unit__code"))
        self.keys[Assessment] = {a.pk: a.unit.code for a in assessments}
        roster = list(RosterEntry.objects.filter(period=period).select_related("unit").order_by("unit__code"))
        self.keys[RosterEntry] = {e.pk: e.unit.code for e in roster}
        scores = list(Score.objects.filter(assessment__period=period).order_by("assessment_id", "criterion_id"))
        self.keys[Score] = {s.pk: [self.keys[Assessment][s.assessment_id], self.keys[Criterion][s.criterion_id][1]] for s in scores}
        overrides = list(HeadRatingOverride.objects.filter(assessment__period=period).order_by("id"))
        self.keys[HeadRatingOverride] = {o.pk: self.keys[Assessment][o.assessment_id] for o in overrides}
        by_id = {
            Evidence: list(Evidence.objects.filter(score__assessment__period=period).order_by("id")),
            AppraisalAssignment: list(AppraisalAssignment.objects.filter(period=period).order_by("id")),
            ConflictDeclaration: list(ConflictDeclaration.objects.filter(period=period).order_by("id")),
            Approval: list(Approval.objects.filter(period=period).order_by("id")),
            ReminderLog: list(ReminderLog.objects.filter(period=period).order_by("id")),
            GeneratedDocument: list(self._documents(assessments)),
        }
        for model, objs in by_id.items():
            self.keys[model] = {o.pk: o.pk for o in objs}
        events = self._history()

        rows = {
            Period: [self._period_row()],
            RosterEntry: [self.row(e, self.keys[RosterEntry][e.pk]) for e in roster],
            Framework: [self.row(f, self.keys[Framework][f.pk]) for f in frameworks],
            Criterion: [self.row(c, self.keys[Criterion][c.pk]) for c in criteria],
            Assessment: [self.row(a, self.keys[Assessment][a.pk]) for a in assessments],
            Score: [self.row(s, self.keys[Score][s.pk]) for s in scores],
            Evidence: [self._evidence_row(e) for e in by_id[Evidence]],
            HeadRatingOverride: [self.row(o, self.keys[HeadRatingOverride][o.pk]) for o in overrides],
            GeneratedDocument: [self._document_row(d) for d in by_id[GeneratedDocument]],
            AuditEvent: [self._event_row(e) for e in events],
        }
        for model in (AppraisalAssignment, ConflictDeclaration, Approval, ReminderLog):
            rows[model] = [self.row(o, o.pk) for o in by_id[model]]
        for member, model in DATA_MEMBERS:
            self.add(member, rows[model], _label(model))
        self._directory()
        return self._zip()

    def add(self, member: str, rows: list, label: str) -> None:
        self.rows[member] = rows
        self.counts[label] = len(rows)

    def _period_row(self) -> dict:
        row = self.row(self.period, self.period.year)
        row["fields"]["decision_blocks"] = [self.ref(Block, pk) for pk in self.period.decision_blocks.order_by("code").values_list("pk", flat=True)]
        return row

    def _documents(self, assessments):
        period_type = ContentType.objects.get_for_model(Period)
        assessment_type = ContentType.objects.get_for_model(Assessment)
        return GeneratedDocument.objects.filter(
            Q(subject_type=period_type, subject_id=self.period.pk)
            | Q(subject_type=assessment_type, subject_id__in=[a.pk for a in assessments])
        ).order_by("id")

    def _history(self) -> list[AuditEvent]:
        # One query per model with the ids as a subquery: a period has hundreds of thousands of
        # scores, too many for an IN list of literals on SQLite.
        querysets = {
            Period: Period.objects.filter(pk=self.period.pk),
            Framework: Framework.objects.filter(period=self.period),
            Criterion: Criterion.objects.filter(framework__period=self.period),
            Assessment: Assessment.objects.filter(period=self.period),
            Score: Score.objects.filter(assessment__period=self.period),
            HeadRatingOverride: HeadRatingOverride.objects.filter(assessment__period=self.period),
        }
        for model in (Evidence, AppraisalAssignment, ConflictDeclaration, Approval, ReminderLog, GeneratedDocument):
            querysets[model] = model.objects.filter(pk__in=list(self.keys[model]))
        found: list[AuditEvent] = []
        for model, queryset in querysets.items():
            ids = queryset.order_by().annotate(pk_text=Cast("pk", CharField())).values("pk_text")
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
            found.extend(AuditEvent.objects.filter(target_type=content_type, target_id__in=ids))
        found.sort(key=lambda e: (e.created_at, e.pk))
        return found

    def _target(self, content_type_id: int, object_id) -> dict:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        return {"model": _label(model), "key": self.ref(model, int(object_id))}

    def _event_row(self, event: AuditEvent) -> dict:
        row = self.row(event, event.pk, skip=("target_type", "target_id"))
        row["fields"]["target"] = self._target(event.target_type_id, event.target_id)
        return row

    def _document_row(self, doc: GeneratedDocument) -> dict:
        row = self.row(doc, doc.pk, skip=("subject_type", "subject_id", "file"))
        row["fields"]["subject"] = self._target(doc.subject_type_id, doc.subject_id)
        return row

    def _evidence_row(self, evidence: Evidence) -> dict:
        row = self.row(evidence, evidence.pk, skip=("file",))
        extension = posixpath.splitext(evidence.file.name)[1].lower()
        member = f"files/evidence/{evidence.pk}{extension}"
        try:
            with evidence.file.open("rb") as handle:
                self.files[member] = handle.read()
        except OSError:
            raise ArchiveError(
                f"Không xuất được: thiếu tệp tài liệu kiểm chứng “{evidence.original_name}” ({evidence.file.name}) trong thư mục lưu trữ."
            ) from None
        row["fields"]["file"] = member
        return row

    def _directory(self) -> None:
        users = list(User.objects.filter(pk__in=self.referenced[User]).order_by("username"))
        self.referenced[Unit].update(u.unit_id for u in users if u.unit_id)
        units: dict[int, Unit] = {}
        pending = set(self.referenced[Unit])
        while pending:
            # Parents, today's and those of the units' parent history, come along: a row may
            # refer only to units of the archive.
            found = list(Unit.objects.filter(pk__in=pending))
            units.update({u.pk: u for u in found})
            earlier = set(UnitParent.objects.filter(unit__in=found).values_list("parent_id", flat=True))
            pending = ({u.parent_id for u in found if u.parent_id} | earlier) - set(units)
        self.referenced[Block].update(u.block_id for u in units.values())
        blocks = list(Block.objects.filter(pk__in=self.referenced[Block]).order_by("code"))
        heads = list(UnitHead.objects.serving_in_year(self.period.year).filter(unit_id__in=list(units)).order_by("unit__code", "id"))
        parents = list(UnitParent.objects.filter(unit_id__in=list(units)).select_related("unit").order_by("unit__code", F("valid_from").asc(nulls_first=True), "id"))
        # The links among the archived units (a dissolution has no successor), and their events.
        links = list(
            LineageLink.objects.filter(predecessor_id__in=list(units))
            .filter(Q(successor__isnull=True) | Q(successor_id__in=list(units)))
            .select_related("event", "predecessor", "successor")
            .order_by("event__effective_date", "event__key", "predecessor__code", "successor__code")
        )
        event_ids = {link.event_id for link in links} | {p.event_id for p in parents if p.event_id}
        events = list(Reorganisation.objects.filter(pk__in=event_ids).order_by("effective_date", "key"))
        self.keys[Reorganisation] = {e.pk: e.key for e in events}
        directory = {
            "blocks": [self.row(b, b.code, only=BLOCK_FIELDS) for b in blocks],
            "units": [self.row(u, u.code, only=UNIT_FIELDS) for u in sorted(units.values(), key=lambda u: u.code)],
            "unit_heads": [self.row(h, h.pk, only=HEAD_FIELDS) for h in heads],
            "users": [self.row(u, u.username, only=USER_FIELDS) for u in users],
            "reorganisations": [self.row(e, e.key, only=REORGANISATION_FIELDS) for e in events],
            "lineage_links": [
                self.row(link, [link.event.key, link.predecessor.code, link.successor.code if link.successor_id else None], only=LINK_FIELDS)
                for link in links
            ],
            "unit_parents": [
                self.row(p, [p.unit.code, units[p.parent_id].code, _plain(p.valid_from)], only=UNIT_PARENT_FIELDS) for p in parents
            ],
        }
        for name, rows in directory.items():
            self.add(DIRECTORY_MEMBERS[name], rows, f"directory.{name}")
        self.natural = {
            User: {u.pk: u.username for u in users},
            Unit: {pk: u.code for pk, u in units.items()},
            Block: {b.pk: b.code for b in blocks},
        }

    def resolve(self, value):
        if isinstance(value, _Ref):
            return self.natural[value.model][value.pk]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _zip(self) -> bytes:
        members = {name: _dumps(self.resolve(rows)) for name, rows in self.rows.items()}
        members.update(self.files)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": _app_version(),
            "migrations": _schema_heads(),
            "database_vendor": connection.vendor,
            "year": self.period.year,
            "title": self.period.title,
            "phase": self.period.phase,
            "created_at": timezone.now().isoformat(),
            "counts": dict(sorted(self.counts.items())),
            "evidence_files": len(self.files),
            "not_included": {"reports.generateddocument.file": DOCUMENTS_NOTE},
            "members": {name: {"sha256": _sha256(data), "size": len(data)} for name, data in sorted(members.items())},
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, _dumps(manifest))
            for name, data in sorted(members.items()):
                archive.writestr(name, data)
        return buffer.getvalue()


def period_export(period: Period) -> bytes:
    """The ZIP archive of one period (see the module's docstring). Reads only."""
    if connection.in_atomic_block:
        return _Exporter(period).run()
    with transaction.atomic():
        # One snapshot of the data: a score written by a user during the export must not reach
        # the archive without its history, or the reverse. (SQLite's transaction already is one.)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _Exporter(period).run()


# --- Import ------------------------------------------------------------------------------------


def read_manifest(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every member, checked: format, schema, member list, sizes and SHA-256."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if MANIFEST not in names:
            raise ArchiveError("Tệp không phải là bản lưu trữ kỳ đánh giá (thiếu manifest.json).")
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError) as exc:
        raise ArchiveError(f"Tệp lưu trữ bị hỏng hoặc không phải tệp ZIP ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("Tệp không phải là bản lưu trữ kỳ đánh giá của ứng dụng Chỉ số CCHC.")
    if manifest.get("format_version") not in READABLE_VERSIONS:
        readable = ", ".join(str(v) for v in READABLE_VERSIONS)
        raise ArchiveError(
            f"Bản lưu trữ có định dạng phiên bản {manifest.get('format_version')}, ứng dụng này chỉ đọc các phiên bản {readable}."
        )
    _check_schema(manifest.get("migrations") or {})
    listed = manifest.get("members")
    if not isinstance(listed, dict) or not all(isinstance(v, dict) for v in listed.values()):
        raise ArchiveError("manifest.json không đúng cấu trúc.")
    expected = set(members_of_version(manifest["format_version"]))
    if names - {MANIFEST} != set(listed) or not expected <= set(listed):
        raise ArchiveError("Danh sách tệp trong bản lưu trữ không khớp với manifest.json: bản lưu trữ đã bị sửa hoặc thiếu tệp.")
    members = {}
    for name, expected_sum in listed.items():
        info = archive.getinfo(name)
        if info.file_size != expected_sum.get("size"):
            raise ArchiveError(f"Tệp {name} trong bản lưu trữ có dung lượng khác với manifest.json.")
        try:
            content = archive.read(name)
        # zlib.error: a changed byte inside a member's compressed data, not caught by zipfile.
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"Tệp {name} trong bản lưu trữ bị hỏng ({exc}).") from None
        if _sha256(content) != expected_sum.get("sha256"):
            raise ArchiveError(f"Mã kiểm tra SHA-256 của tệp {name} không khớp với manifest.json: bản lưu trữ đã bị thay đổi hoặc hỏng.")
        members[name] = content
    return manifest, members


def members_of_version(version: int) -> list[str]:
    """The data and directory members an archive of that format version holds."""
    names = [m for m, _ in DATA_MEMBERS] + list(DIRECTORY_MEMBERS.values())
    return [name for name in names if MEMBERS_SINCE.get(name, 1) <= version]


def _check_schema(heads: dict) -> None:
    # An archive written by a newer schema may hold fields this code does not have; loading it
    # would silently drop them. An older one is fine: missing fields take their defaults.
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [f"{app}.{name}" for app, names in heads.items() if app in SCHEMA_APPS for name in names if (app, name) not in graph.nodes]
    if unknown:
        raise ArchiveError(
            "Bản lưu trữ được tạo từ phiên bản ứng dụng mới hơn (chưa có migration "
            + ", ".join(sorted(unknown))
            + "); hãy cập nhật ứng dụng rồi nhập lại."
        )


class _Importer:
    def __init__(self, members: dict[str, bytes], saved_files: list[str], version: int = FORMAT_VERSION):
        self.members = members
        self.saved_files = saved_files
        self.version = version
        self.objects: dict[tuple[str, str], models.Model] = {}
        self.created = defaultdict(int)

    def rows(self, member: str) -> list[dict]:
        if member not in self.members and member not in members_of_version(self.version):
            return []  # a member that archives of this (older) format version do not have
        try:
            rows = json.loads(self.members[member])
        except ValueError:
            raise ArchiveError(f"Tệp {member} trong bản lưu trữ không phải JSON hợp lệ.") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) and "key" in r and isinstance(r.get("fields"), dict) for r in rows):
            raise ArchiveError(f"Tệp {member} trong bản lưu trữ không đúng cấu trúc.")
        return rows

    def register(self, model, key, obj) -> None:
        self.objects[(_label(model), _key_text(key))] = obj

    def get(self, model, key):
        if key is None:
            return None
        if model is ContentType:
            app_label, _, name = str(key).partition(".")
            try:
                return ContentType.objects.get_by_natural_key(app_label, name)
            except ContentType.DoesNotExist:
                raise ArchiveError(f"Bản lưu trữ nhắc đến loại đối tượng không có: {key}.") from None
        try:
            return self.objects[(_label(model), _key_text(key))]
        except KeyError:
            raise ArchiveError(f"Bản lưu trữ tham chiếu tới {model._meta.verbose_name} “{key}” không có trong bản lưu trữ.") from None

    def build(self, model, row: dict, *, skip=()):
        obj = model()
        for name, value in row["fields"].items():
            if name in skip:
                continue
            try:
                f = model._meta.get_field(name)
            except FieldDoesNotExist:
                raise ArchiveError(f"Bản lưu trữ có trường “{name}” của {model._meta.verbose_name} mà ứng dụng không có.") from None
            if f.is_relation:
                target = self.get(f.related_model, value)
                setattr(obj, f.attname, target.pk if target is not None else None)
            else:
                try:
                    setattr(obj, f.attname, f.to_python(value))
                except Exception:
                    raise ArchiveError(f"Giá trị “{value}” của trường {name} ({model._meta.verbose_name}) không hợp lệ.") from None
        return obj

    def insert(self, model, pairs: list[tuple[dict, models.Model]]) -> None:
        """Insert in bulk, then put back the original timestamps that auto_now/auto_now_add
        replaced on the way in: the record's dates are part of the record."""
        objs = [obj for _, obj in pairs]
        model.objects.bulk_create(objs, batch_size=BATCH)
        stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        stamped = [f for f in stamped if any(f.name in row["fields"] for row, _ in pairs)]
        if stamped:
            for row, obj in pairs:
                for f in stamped:
                    if f.name in row["fields"]:
                        setattr(obj, f.attname, f.to_python(row["fields"][f.name]))
            model.objects.bulk_update(objs, [f.name for f in stamped], batch_size=BATCH)
        for row, obj in pairs:
            self.register(model, row["key"], obj)
        self.created[_label(model)] += len(objs)

    # -- directory: matched by natural key, created when missing --

    def directory(self) -> None:
        blocks = self.rows(DIRECTORY_MEMBERS["blocks"])
        existing = {b.code: b for b in Block.objects.filter(code__in=[r["key"] for r in blocks])}
        for row in blocks:
            block = existing.get(row["key"])
            if block is None:
                block = self.build(Block, row)
                block.code = row["key"]
                block.save()
                self.created["units.block"] += 1
            self.register(Block, row["key"], block)

        units = self.rows(DIRECTORY_MEMBERS["units"])
        existing = {u.code: u for u in Unit.objects.filter(code__in=[r["key"] for r in units])}
        created_units: set[str] = set()
        pending = list(units)
        while pending:
            # Parents first; a round that places nothing means a cycle in the archive.
            waiting = []
            for row in pending:
                parent = row["fields"].get("parent")
                if row["key"] not in existing and parent is not None and (_label(Unit), _key_text(parent)) not in self.objects:
                    waiting.append(row)
                    continue
                unit = existing.get(row["key"])
                if unit is None:
                    unit = self.build(Unit, row)
                    unit.code = row["key"]
                    unit.save()
                    created_units.add(unit.code)
                    self.created["units.unit"] += 1
                self.register(Unit, row["key"], unit)
            if len(waiting) == len(pending):
                raise ArchiveError("Danh mục đơn vị trong bản lưu trữ có đơn vị cấp trên không tồn tại hoặc lặp vòng.")
            pending = waiting

        # Heads only for units this import creates: an existing unit's heads are that database's
        # own record and may be more complete than the archive's year.
        heads = [self.build(UnitHead, r) for r in self.rows(DIRECTORY_MEMBERS["unit_heads"]) if r["fields"].get("unit") in created_units]
        UnitHead.objects.bulk_create(heads)
        self.created["units.unithead"] += len(heads)

        users = self.rows(DIRECTORY_MEMBERS["users"])
        existing = {u.username: u for u in User.objects.filter(username__in=[r["key"] for r in users])}
        for row in users:
            user = existing.get(row["key"])
            if user is None:
                # Created to carry names in the history, not to sign in: an administrator decides
                # who may use the restored database, and with which role.
                user = self.build(User, row)
                user.username = row["key"]
                user.is_active = False
                user.set_unusable_password()
                user.save()
                self.created["units.user"] += 1
            self.register(User, row["key"], user)

        self.lineage(created_units)

    def lineage(self, created_units: set[str]) -> None:
        """Reorganisations matched by key and created when missing; the links of the events this
        import creates, and the parent history of the units it creates: an existing row's
        lineage is that database's own record, as its heads are."""
        events = self.rows(DIRECTORY_MEMBERS["reorganisations"])
        existing = {e.key: e for e in Reorganisation.objects.filter(key__in=[r["key"] for r in events])}
        created_events: set[str] = set()
        for row in events:
            event = existing.get(row["key"])
            if event is None:
                event = self.build(Reorganisation, row)
                event.key = row["key"]
                event.save()
                if "created_at" in row["fields"]:
                    event.created_at = Reorganisation._meta.get_field("created_at").to_python(row["fields"]["created_at"])
                    Reorganisation.objects.filter(pk=event.pk).update(created_at=event.created_at)
                created_events.add(event.key)
                self.created["units.reorganisation"] += 1
            self.register(Reorganisation, row["key"], event)
        links = [
            self.build(LineageLink, r)
            for r in self.rows(DIRECTORY_MEMBERS["lineage_links"])
            if isinstance(r["key"], list) and r["key"] and r["key"][0] in created_events
        ]
        LineageLink.objects.bulk_create(links)
        self.created["units.lineagelink"] += len(links)
        parents = [self.build(UnitParent, r) for r in self.rows(DIRECTORY_MEMBERS["unit_parents"]) if r["fields"].get("unit") in created_units]
        UnitParent.objects.bulk_create(parents)
        self.created["units.unitparent"] += len(parents)

    # -- the period --

    def period(self) -> Period:
        rows = self.rows("data/period.json")
        if len(rows) != 1:
            raise ArchiveError("Bản lưu trữ phải chứa đúng một kỳ đánh giá.")
        row = rows[0]
        year = row["key"]
        if Period.objects.filter(year=year).exists():
            raise ArchiveError(
                f"Đã có kỳ đánh giá năm {year} trong cơ sở dữ liệu; không nhập đè. "
                "Muốn khôi phục năm này, hãy xóa kỳ đánh giá hiện có (sau khi xuất lưu trữ nó) rồi nhập lại."
            )
        self.insert(Period, [(row, self.build(Period, row, skip=("decision_blocks",)))])
        period = self.get(Period, year)
        period.decision_blocks.set([self.get(Block, code) for code in row["fields"].get("decision_blocks") or []])
        return period

    def roster_from_assessments(self, period: Period) -> None:
        """An archive of format version 1 has no roster: what was assessed is each assessment's
        unit in its framework's block (as migration scoring 0007 filled the rosters)."""
        if self.version >= 2:
            return
        entries = [
            RosterEntry(period=period, unit_id=unit_id, block_id=block_id)
            for unit_id, block_id in Assessment.objects.filter(period=period).values_list("unit_id", "framework__block_id")
        ]
        RosterEntry.objects.bulk_create(entries, batch_size=BATCH)

    def data(self) -> None:
        for member, model in DATA_MEMBERS[1:]:
            rows = self.rows(member)
            if model is Criterion:
                # A criterion's parent must exist before it: insert level by level (1, 1.2, 1.2.3).
                by_level = defaultdict(list)
                for row in rows:
                    by_level[str(row["key"][1]).count(".")].append(row)
                for level in sorted(by_level):
                    self.insert(model, [(r, self.build(model, r)) for r in by_level[level]])
            elif model is Evidence:
                self.insert(model, [(r, self.evidence(r)) for r in rows])
            elif model is GeneratedDocument:
                self.insert(model, [(r, self.document(r)) for r in rows])
            elif model is AuditEvent:
                self.insert(model, [(r, self.event(r)) for r in rows])
            else:
                self.insert(model, [(r, self.build(model, r)) for r in rows])

    def subject(self, target: dict) -> tuple[ContentType, models.Model]:
        content_type = self.get(ContentType, target.get("model"))
        return content_type, self.get(content_type.model_class(), target.get("key"))

    def evidence(self, row: dict) -> Evidence:
        evidence = self.build(Evidence, row, skip=("file",))
        member = row["fields"].get("file")
        if member not in self.members or not str(member).startswith("files/"):
            raise ArchiveError(f"Thiếu tệp của tài liệu kiểm chứng “{evidence.original_name}” trong bản lưu trữ.")
        # A new random name from the field's own upload_to: names from an archive are not trusted
        # as paths, and the original may already be taken in this media volume.
        evidence.file.save(posixpath.basename(member), ContentFile(self.members[member]), save=False)
        self.saved_files.append(evidence.file.name)
        return evidence

    def document(self, row: dict) -> GeneratedDocument:
        doc = self.build(GeneratedDocument, row, skip=("subject",))
        doc.subject_type, subject = self.subject(row["fields"].get("subject") or {})
        doc.subject_id = subject.pk
        doc.file = ""
        if doc.status != GeneratedDocument.Status.FAILED:
            # Without its PDF the row must not claim to be done (or waiting on a task that no
            # longer exists); failed is the state from which "Tạo lại" renders it again.
            doc.error = MISSING_PDF.format(status=doc.status, sha=doc.sha256 or "—")
            doc.status = GeneratedDocument.Status.FAILED
        return doc

    def event(self, row: dict) -> AuditEvent:
        event = self.build(AuditEvent, row, skip=("target",))
        event.target_type, target = self.subject(row["fields"].get("target") or {})
        event.target_id = str(target.pk)
        return event


def period_import(data: bytes, *, actor=None) -> Period:
    """Load an archive written by `period_export` as a new period, in one transaction: on any
    error nothing is written (and evidence files already stored are removed). Refused when the
    year already exists. Ids are new; history keeps its original times and actors."""
    manifest, members = read_manifest(data)
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            importer = _Importer(members, saved_files, manifest["format_version"])
            importer.directory()
            period = importer.period()
            importer.data()
            _check_counts(manifest, importer)
            importer.roster_from_assessments(period)
            # An archive made before assessments stored their totals carries none.
            assessment_totals_refresh(period=period)
            audit_log(
                actor=actor,
                action="period.import",
                target=period,
                changes={"archive": [None, f"sha256:{_sha256(data)}"], "exported_at": [None, manifest.get("created_at")]},
                reason=f"Nhập từ bản lưu trữ kỳ đánh giá năm {period.year} (ứng dụng phiên bản {manifest.get('app_version')}).",
            )
    except IntegrityError as exc:
        _remove(saved_files)
        raise ArchiveError(f"Dữ liệu trong bản lưu trữ vi phạm ràng buộc của cơ sở dữ liệu; không có gì được ghi ({exc}).") from None
    except BaseException:
        _remove(saved_files)
        raise
    return period


def _check_counts(manifest: dict, importer: _Importer) -> None:
    counts = manifest.get("counts") or {}
    present = members_of_version(importer.version)
    for member, model in DATA_MEMBERS:
        if member not in present:
            continue
        label = _label(model)
        if counts.get(label, 0) != importer.created[label]:
            raise ArchiveError(f"Số dòng {model._meta.verbose_name} đã nhập ({importer.created[label]}) khác với manifest.json ({counts.get(label, 0)}).")


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
