"""Thông báo kết luận kiểm tra: the notice the inspection delegation sends a visited unit, with what
was checked, strengths, shortcomings and recommendations per field, and the deadlines."""

from django.conf import settings
from django.utils.text import slugify

from inspections import scope as inspection_scope
from inspections import selectors as inspection_selectors
from inspections.models import DelegationMember, Field, Visit, VisitConclusion
from units.text import fold

from .models import GeneratedDocument
from .errors import DocumentError
from .rendering import normalise
from .spec import CliOption, DocumentSpec

# Two lines, as the name is set in the agency column (too narrow for it on one line).
ISSUER = "ĐOÀN KIỂM TRA\nCÔNG TÁC CCHC"
FORM_PHRASES = {
    Visit.Form.IN_PERSON: "kiểm tra trực tiếp",
    Visit.Form.ONLINE: "kiểm tra trực tuyến (qua hồ sơ, báo cáo của đơn vị)",
    Visit.Form.UNANNOUNCED: "kiểm tra đột xuất",
}


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


def place_date(place: str, day) -> str:
    """Nghị định 30/2020, Phụ lục I: a day below 10 and the months 1 and 2 take a leading zero
    (so that nobody can add a digit in front); other months are written as they are."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def _sentence(text: str) -> str:
    return text.rstrip().rstrip(".;")


def _recommendation(row: dict) -> str:
    deadline = f" Thời hạn: {row['deadline']}." if row["deadline"] else ""
    return f"{row['owner']}: {_sentence(row['recommendation'])}.{deadline}"


def _load(visit: Visit) -> tuple[Visit, VisitConclusion]:
    try:
        visit = inspection_selectors.visit_detail(visit=visit)[0]
    except StopIteration:
        raise DocumentError("Cuộc kiểm tra không còn tồn tại.") from None
    conclusion = getattr(visit, "conclusion", None) if visit.is_concluded else None
    if conclusion is None:
        raise DocumentError(
            "Chỉ tạo được thông báo kết luận cho cuộc kiểm tra đã có kết luận (số thông báo, ngày, người ký)."
        )
    return visit, conclusion


def _team(visit: Visit) -> list[dict]:
    members = sorted(visit.team.members.all(), key=lambda m: (m.pk != visit.team.leader_id, DelegationMember.Role.values.index(m.role), m.full_name))
    if visit.team.leader not in members:
        members.insert(0, visit.team.leader)
    lines = []
    for member in members:
        role = "Tổ trưởng" if member.pk == visit.team.leader_id else ("Thư ký" if member.role == DelegationMember.Role.SECRETARY else "Thành viên")
        where = ", ".join(filter(None, [member.title, member.unit.name]))
        lines.append({"name": member.full_name, "where": where, "role": role})
    return lines


def _signature(visit: Visit, conclusion: VisitConclusion) -> dict:
    """TM. ĐOÀN KIỂM TRA, then the signer's capacity: the head signs as TRƯỞNG ĐOÀN, a deputy on
    the head's behalf (KT. TRƯỞNG ĐOÀN / PHÓ TRƯỞNG ĐOÀN), as Nghị định 30 lays out."""
    roles_by_name = {m.full_name: m.role for m in visit.plan.members.filter(role__in=[DelegationMember.Role.HEAD, DelegationMember.Role.DEPUTY])}
    role = roles_by_name.get(conclusion.signer_name)
    if role == DelegationMember.Role.HEAD:
        lines = ["TM. ĐOÀN KIỂM TRA", "TRƯỞNG ĐOÀN"]
    elif role == DelegationMember.Role.DEPUTY:
        lines = ["TM. ĐOÀN KIỂM TRA", "KT. TRƯỞNG ĐOÀN", "PHÓ TRƯỞNG ĐOÀN"]
    else:
        lines = ["TM. ĐOÀN KIỂM TRA", (conclusion.signer_title or "Trưởng đoàn").upper()]
    return {"lines": lines, "name": conclusion.signer_name}


def build_context(visit: Visit) -> dict:
    """The notice as plain data: everything the template prints, already worded and formatted."""
    visit, conclusion = _load(visit)
    plan = visit.plan
    province = settings.PROVINCE_NAME
    units = [visit.unit, *visit.also_units.all()]
    unit_names = [u.name for u in units]

    several = len(units) > 1
    fields, actions = [], []
    for group in inspection_selectors.findings_by_field(visit=visit):
        if not (group.strengths or group.shortcomings):
            continue
        rows = [
            {"text": f.text, "recommendation": f.recommendation, "owner": f.owner_unit.name, "deadline": dmy(f.deadline) if f.deadline else ""}
            for f in group.shortcomings
        ]
        parts = []
        if group.strengths:
            parts.append(("Ưu điểm", [f.text for f in group.strengths]))
        if rows:
            parts.append(("Tồn tại, hạn chế", [_sentence(r["text"]) + (f" ({r['owner']})." if several else ".") for r in rows]))
            parts.append(("Kiến nghị", [_recommendation(r) for r in rows]))
        fields.append(
            {
                "label": Field(group.code).label,
                "parts": [{"heading": f"{'abc'[i]}) {title}", "lines": lines} for i, (title, lines) in enumerate(parts)],
            }
        )
        actions += [(f.deadline, f.owner_unit.code, f.pk, row) for f, row in zip(group.shortcomings, rows, strict=True)]
    actions.sort(key=lambda a: (a[0] is None, a[0] or visit.start_date, a[1], a[2]))
    last_deadline = max((a[0] for a in actions if a[0]), default=None)

    plan_ref = "Kế hoạch" + (f" số {plan.number}" if plan.number else "") + (f" ngày {dmy(plan.issued_on)}" if plan.issued_on else "")
    about = plan.title[len("Kế hoạch ") :] if plan.title.lower().startswith("kế hoạch ") else plan.title
    days = dmy(visit.start_date) if visit.end_date == visit.start_date else f"Từ ngày {dmy(visit.start_date)} đến ngày {dmy(visit.end_date)}"
    when = f"Ngày {days}" if visit.end_date == visit.start_date else days
    closing_deadline = f" (chậm nhất ngày {dmy(last_deadline)})" if last_deadline else ""

    context = {
        "meta": {"title": f"Thông báo kết luận kiểm tra số {conclusion.number}", "created": conclusion.date.isoformat()},
        "agency_parent": f"UBND TỈNH {province.upper()}",
        "agency": ISSUER,
        "number": conclusion.number,
        "place_date": place_date(province, conclusion.date),
        "doc_type": "THÔNG BÁO",
        "subject_line": f"Kết luận kiểm tra công tác cải cách hành chính tại {join_names(unit_names)}",
        "basis": f"Thực hiện {plan_ref} của {plan.issuer} về {about[:1].lower() + about[1:]};",
        "visit_line": (
            f"{when}, {visit.team} thuộc Đoàn kiểm tra công tác cải cách hành chính tỉnh {province} đã "
            f"{FORM_PHRASES.get(visit.form, 'kiểm tra')} công tác cải cách hành chính tại {join_names(unit_names)}."
        ),
        "notes": visit.notes,
        "team_name": str(visit.team),
        "team": _team(visit),
        "summary": conclusion.summary,
        "fields": fields,
        "actions": [row for *_, row in actions],
        "appendix_ref": f"(Kèm theo Thông báo số {conclusion.number} ngày {dmy(conclusion.date)} của Đoàn kiểm tra công tác CCHC)",
        "closing": (
            f"Đề nghị {join_names(unit_names)} tổ chức khắc phục các tồn tại, hạn chế nêu trên; báo cáo kết quả khắc phục "
            f"về Sở Nội vụ (qua Phòng Cải cách hành chính) theo thời hạn nêu tại Thông báo này{closing_deadline}, đồng thời "
            f"cập nhật kết quả trên Hệ thống quản lý Chỉ số CCHC. Kết quả khắc phục là một trong các căn cứ để thẩm định "
            f"Chỉ số cải cách hành chính năm {plan.year}."
        ),
        "recipients": [*unit_names, f"UBND tỉnh {province} (để báo cáo)", "Sở Nội vụ", "Thành viên Đoàn kiểm tra"],
        "archive": "Lưu: VT, ĐKT",
        "signature": _signature(visit, conclusion),
        "file_stem": f"thong-bao-ket-luan-{slugify(fold(conclusion.number.replace('/', '-')))}-{slugify(fold(visit.unit.code))}",
    }
    return normalise(context)


def visible_visits(user):
    """The inspections scope of conclusion notices (inspections.scope)."""
    return inspection_scope.notice_visits_for_user(user)


def can_request(user, visit: Visit) -> bool:
    return user.has_perm("reports.request_notice", visit)


def subject_from_cli(options: dict) -> Visit:
    visit = Visit.objects.filter(pk=options["visit"]).first()
    if visit is None:
        raise DocumentError(f"Không có cuộc kiểm tra số {options['visit']}.")
    return visit


SPEC = DocumentSpec(
    kind=GeneratedDocument.Kind.NOTICE,
    subject_model=Visit,
    template="reports/documents/notice.html",
    build_context=build_context,
    title=lambda c: f"Thông báo kết luận kiểm tra số {c['number']}: {c['subject_line'].removeprefix('Kết luận kiểm tra công tác cải cách hành chính tại ')}"[:255],
    filename=lambda c: c["file_stem"] + ".pdf",
    visible_subjects=visible_visits,
    can_request=can_request,
    cli_options=(CliOption("--visit", int, "mã cuộc kiểm tra (số trong địa chỉ trang cuộc kiểm tra)"),),
    subject_from_cli=subject_from_cli,
    short_label="Thông báo kết luận",
    requesters="Sở Nội vụ hoặc tổ công tác",
)
