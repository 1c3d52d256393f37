"""Quyết định phê duyệt Chỉ số CCHC: the People's Committee decision approving a period's index of
every unit of the blocks it covers (Phụ lục I) and the rating of their heads (Phụ lục II), as in
Quyết định số 519/QĐ-UBND of 23/02/2024 for Hà Tĩnh's 2023 index (sở, huyện and central agencies:
the districts approved their communes' index themselves)."""

from decimal import Decimal

from django.conf import settings

from scoring import scope as scoring_scope
from scoring.models import Period, display_score
from scoring.selectors import approval_for_period, decision_ranking, field_headings, outside_columns, results_published

from .errors import DocumentError
from .models import GeneratedDocument
from .notice import dmy, place_date
from .rendering import Flow, normalise
from .spec import CliOption, DocumentSpec

LOCAL_GOVERNMENT_LAW = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của "
    "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"
)
# How the decision names each block's units (subject line) and their heads (Điều 3). Blocks are
# data: a block not listed here is named after itself.
BLOCK_WORDS = {
    "so-nganh": ("các sở, ban, ngành", "Giám đốc các sở, Thủ trưởng các ban, ngành cấp tỉnh"),
    "ubnd-huyen": ("UBND cấp huyện", "Chủ tịch UBND các huyện, thành phố, thị xã"),
    "ubnd-xa": ("UBND cấp xã", "Chủ tịch UBND các xã, phường, thị trấn"),
    "co-quan-tw": ("các cơ quan Trung ương đóng trên địa bàn tỉnh", "Thủ trưởng các cơ quan Trung ương đóng trên địa bàn tỉnh"),
}


def two(value: Decimal, decimals: int = 2) -> str:
    """Points and indexes as the decision prints them: the period's places (`Period.decimals`:
    two unless told), decimal comma (88,35; 97,685), a true minus sign."""
    return display_score(value, decimals).replace("-", "−")


def _block_name(block) -> str:
    name = block.name.strip()
    return name[5:] if name.lower().startswith("khối ") else name


def _words(block) -> tuple[str, str]:
    return BLOCK_WORDS.get(block.code, (_block_name(block), f"Thủ trưởng các đơn vị thuộc khối {_block_name(block)}"))


def subject_units(blocks) -> str:
    """'các sở, ban, ngành; UBND cấp huyện, cấp xã và các cơ quan Trung ương đóng trên địa bàn
    tỉnh': the blocks present, the two levels of UBND said once as the 2023 decision does."""
    phrases = [_words(b)[0] for b in blocks]
    if "UBND cấp huyện" in phrases and "UBND cấp xã" in phrases:
        phrases[phrases.index("UBND cấp huyện")] = "UBND cấp huyện, cấp xã"
        phrases.remove("UBND cấp xã")
    if len(phrases) == 1:
        return phrases[0]
    return "; ".join(phrases[:-1]) + " và " + phrases[-1]


def _signature(approval) -> dict:
    """TM. ỦY BAN NHÂN DÂN, then the chairman signs as CHỦ TỊCH, a vice-chairman on his behalf
    (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH), as Nghị định 30 lays out."""
    title = (approval.signer_title if approval else "") or "Chủ tịch"
    lines = ["TM. ỦY BAN NHÂN DÂN"]
    if title.strip().lower() != "chủ tịch":
        lines.append("KT. CHỦ TỊCH")
    lines.append(title.upper())
    return {"lines": lines, "name": approval.signer_name if approval else ""}


def _load(period: Period):
    period = Period.objects.filter(pk=period.pk).first()
    if period is None:
        raise DocumentError("Kỳ đánh giá không còn tồn tại.")
    published = results_published(period)
    approval = approval_for_period(period)
    if not published and not (approval and approval.decision_number):
        raise DocumentError(
            "Chỉ tạo được quyết định phê duyệt khi Hội đồng thẩm định đã thông qua kết quả và đã nhập số quyết định."
        )
    return period, approval, published


def build_context(period: Period) -> dict:
    """The decision and its two appendices as plain data, every number already worded."""
    period, approval, published = _load(period)
    province = settings.PROVINCE_NAME
    # Only the blocks the decision covers (Period.decision_blocks; all when none is chosen).
    rows = decision_ranking(period, provisional=not published)
    if not rows:
        raise DocumentError(f"Kỳ đánh giá năm {period.year} chưa có đơn vị nào được đánh giá.")
    headings = field_headings(period)

    blocks, by_block = [], {}
    for row in rows:
        if row.block.pk not in by_block:
            blocks.append(row.block)
            by_block[row.block.pk] = []
        by_block[row.block.pk].append(row)

    results, heads = [], []

    def shown(value: Decimal) -> str:
        return two(value, period.decimals)

    # Bonus points and penalties get columns of their own where the period has such rows; a
    # field made only of them ("Điểm trừ") is then not a field column as well.
    outside = outside_columns(period, block_ids=[b.pk for b in blocks])
    for number, block in enumerate(blocks, start=1):
        fields = [f for f in headings.get(block.pk, []) if f.ordinary or not outside.any]
        codes = [f.code for f in fields]
        block_rows = by_block[block.pk]
        heading = f"{_roman(number)}. KHỐI {_block_name(block).upper()}"
        results.append(
            {
                "heading": heading,
                "fields": [{"code": f.code, "title": f.title, "max": shown(f.max_score)} for f in fields],
                "bonus_column": outside.bonus,
                "deduction_column": outside.deduction,
                "rows": [
                    {
                        "rank": r.rank,
                        "unit": r.unit.name,
                        "fields": [shown(r.field_scores[c]) if c in r.field_scores else "" for c in codes],
                        "bonus": shown(r.bonus),
                        "deducted": shown(-r.deducted) if r.deducted else shown(r.deducted),
                        "score": shown(r.score),
                        "max": shown(r.max_score),
                        "index": shown(r.index),
                        "classification": r.classification,
                    }
                    for r in block_rows
                ],
            }
        )
        heads.append(
            {
                "heading": heading,
                "rows": [
                    {
                        "rank": r.rank,
                        "unit": r.unit.name,
                        "head": r.head_name,
                        "title": r.head_title,
                        "index": shown(r.index),
                        "rating": r.head_rating,
                        "overridden": r.head_rating_overridden,
                    }
                    for r in block_rows
                ],
            }
        )

    any_override = any(r.head_rating_overridden for r in rows)
    pieces = _number_pieces(results, heads, any_override=any_override)
    number = approval.decision_number if approval else ""
    day = approval.decision_date if approval else None
    units_phrase = subject_units(blocks)
    agency = f"ỦY BAN NHÂN DÂN\nTỈNH {province.upper()}"
    decided = f"Quyết định số {number} ngày {dmy(day)}" if number and day else (f"Quyết định số {number}" if number else "Quyết định")
    bases = [LOCAL_GOVERNMENT_LAW]
    if period.legal_basis.strip():
        bases.append(f"Căn cứ {period.legal_basis.strip().rstrip('.;')};")
    proposal = "Theo đề nghị của Giám đốc Sở Nội vụ (Cơ quan Thường trực Hội đồng thẩm định Chỉ số CCHC tỉnh)"
    if approval and approval.minutes_ref:
        proposal += f" trên cơ sở kết quả thẩm định của Hội đồng ({approval.minutes_ref.strip().rstrip('.;')})"
    bases.append(proposal + ".")
    executors = [_words(b)[1] for b in blocks]

    context = {
        "meta": {
            "title": f"Quyết định phê duyệt Chỉ số CCHC năm {period.year}" + (f" (số {number})" if number else ""),
            "created": day.isoformat() if day else "",
        },
        "draft": not published,
        "year": period.year,
        "agency_parent": "",
        "agency": agency,
        "number": number,
        "place_date": place_date(province, day) if day else f"{province}, ngày …… tháng …… năm ……",
        "doc_type": "QUYẾT ĐỊNH",
        "subject_line": f"Về việc phê duyệt Chỉ số cải cách hành chính năm {period.year} của {units_phrase}",
        "authority": f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}",
        "bases": bases,
        "articles": [
            (
                "Điều 1.",
                f"Phê duyệt Chỉ số cải cách hành chính năm {period.year} của {units_phrase} "
                f"({len(rows)} cơ quan, đơn vị, địa phương; chi tiết tại Phụ lục I kèm theo).",
            ),
            (
                "Điều 2.",
                f"Phê duyệt kết quả đánh giá mức độ hoàn thành nhiệm vụ cải cách hành chính năm {period.year} của người "
                "đứng đầu các cơ quan, đơn vị, địa phương (chi tiết tại Phụ lục II kèm theo).",
            ),
            (
                "Điều 3.",
                "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ; "
                + "; ".join(executors)
                + " và Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            ),
        ],
        "recipients": [
            "Như Điều 3",
            "Bộ Nội vụ (để báo cáo)",
            "Thường trực Tỉnh ủy, Thường trực HĐND tỉnh (để báo cáo)",
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
            "Thành viên Hội đồng thẩm định Chỉ số CCHC tỉnh",
            "Cổng Thông tin điện tử tỉnh",
        ],
        "archive": "Lưu: VT, SNV",
        "signature": _signature(approval),
        "appendix_ref": f"(Kèm theo {decided} của UBND tỉnh {province})",
        "results": results,
        "heads": heads,
        "any_override": any_override,
        **pieces,
        "file_stem": f"quyet-dinh-phe-duyet-chi-so-cchc-{period.year}" + ("-du-thao" if not published else ""),
    }
    return normalise(context)


# --- Laying out a long decision in parts (reports/rendering.py) ---------------------------------------
#
# The pieces of the appendices, numbered through the document: each appendix's title, each block's
# heading, each row, each block's legend (Phụ lục I) and the note on overridden ratings (Phụ lục II).


def _number_pieces(results: list[dict], heads: list[dict], *, any_override: bool) -> dict:
    counter = iter(range(10**9))
    numbers = {"results_intro_piece": next(counter)}
    for block in results:
        block["heading_piece"] = next(counter)
        for row in block["rows"]:
            row["piece"] = next(counter)
        block["legend_piece"] = next(counter)
    numbers["heads_intro_piece"] = next(counter)
    for block in heads:
        block["heading_piece"] = next(counter)
        for row in block["rows"]:
            row["piece"] = next(counter)
    numbers["override_note_piece"] = next(counter) if any_override else None
    numbers["pieces_end"] = next(counter)
    return numbers


def _blocks_window(blocks: list[dict], start: int, stop: int) -> list[dict]:
    shown = []
    for block in blocks:
        rows = [r for r in block["rows"] if start <= r["piece"] < stop]
        heading = start <= block["heading_piece"] < stop
        legend = "legend_piece" in block and start <= block["legend_piece"] < stop
        if rows or heading or legend:
            shown.append({**block, "rows": rows, "skip_heading": not heading, "skip_legend": not legend})
    return shown


def flows(context: dict) -> list[Flow]:
    """The decision, then Phụ lục I, then Phụ lục II: each starts on a new page anyway."""
    results_range = range(context["results_intro_piece"], context["heads_intro_piece"])
    heads_range = range(context["heads_intro_piece"], context["pieces_end"])

    def results(start: int, stop: int) -> dict:
        return {"results": _blocks_window(context["results"], start, stop), "skip_intro": start > results_range.start}

    def heads(start: int, stop: int) -> dict:
        note = context["override_note_piece"]
        return {
            "heads": _blocks_window(context["heads"], start, stop),
            "skip_intro": start > heads_range.start,
            "skip_override_note": note is None or not start <= note < stop,
        }

    # A row's cost, measured at 4,000 rows: about that of three cells plus one per cell.
    cells = max((len(block["fields"]) for block in context["results"]), default=0) + 6
    return [
        Flow({"part": "main"}),
        Flow({"part": "results"}, results_range, results, weight=3 + cells),
        Flow({"part": "heads"}, heads_range, heads, weight=3 + 6),
    ]


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def visible_periods(user):
    """The decision holds the whole ranking: the results rule decides (scoring.scope)."""
    return scoring_scope.decision_periods_for_user(user)


def can_request(user, period: Period) -> bool:
    return user.has_perm("reports.request_decision", period)


def subject_from_cli(options: dict) -> Period:
    period = Period.objects.filter(year=options["year"]).first()
    if period is None:
        raise DocumentError(f"Không có kỳ đánh giá năm {options['year']}.")
    return period


SPEC = DocumentSpec(
    kind=GeneratedDocument.Kind.DECISION,
    subject_model=Period,
    template="reports/documents/decision.html",
    build_context=build_context,
    title=lambda c: (f"Quyết định phê duyệt Chỉ số CCHC năm {c['year']}" + (f" số {c['number']}" if c["number"] else "") + (" (dự thảo)" if c["draft"] else ""))[:255],
    filename=lambda c: c["file_stem"] + ".pdf",
    visible_subjects=visible_periods,
    can_request=can_request,
    cli_options=(CliOption("--year", int, "năm đánh giá, ví dụ 2023"),),
    subject_from_cli=subject_from_cli,
    short_label="Quyết định phê duyệt",
    requesters="Sở Nội vụ",
    flows=flows,
    version=2,  # 2: the appendices' pieces are numbered, for the layout in parts
)
