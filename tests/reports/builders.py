"""Scored periods for the scorecard and decision tests (and the decision benchmark), built through
the scoring services: framework import, phase moves, the council's approval and the decision.
Scores are written directly, as the scoring tests do: these tests are about the documents."""

import datetime
from decimal import Decimal

from scoring.models import Period, Phase, Score
from scoring.services import approval_record, approval_set_decision, assessment_totals_refresh, period_move
from tests.scoring.conftest import HEADER, import_text
from units.models import Block, Unit

# Field 1 has a long leaf title (wrapping) and a leaf that may be not applicable; field 2 is the
# survey; field 3 the penalties. The districts' framework has the same shape with its own titles.
FRAMEWORK = HEADER + """so-nganh,1,"Công tác chỉ đạo, điều hành CCHC",4,,,,,
so-nganh,1.1,"Ban hành kế hoạch CCHC năm kịp thời theo hướng dẫn của tỉnh, có đầy đủ nội dung, nhiệm vụ, sản phẩm và thời hạn hoàn thành cụ thể cho từng lĩnh vực cải cách",2,,,,no,no
so-nganh,1.2,Kiểm tra CCHC đối với các đơn vị trực thuộc,2,,,,no,yes
so-nganh,2,Tác động của CCHC (điều tra xã hội học),3,,,,,
so-nganh,2.1,Mức độ hài lòng của người dân và tổ chức,3,survey,,,no,no
so-nganh,3,Điểm trừ,0,,,,,
so-nganh,3.1,Chậm gửi báo cáo CCHC theo yêu cầu của UBND tỉnh,2,deduction,,,no,no
ubnd-huyen,1,Chỉ đạo điều hành cấp huyện,4,,,,,
ubnd-huyen,1.1,Kế hoạch CCHC của huyện,2,,,,no,no
ubnd-huyen,1.2,Kiểm tra các xã,2,,,,no,yes
ubnd-huyen,2,Sự hài lòng (điều tra xã hội học),3,,,,,
ubnd-huyen,2.1,Mức độ hài lòng của người dân,3,survey,,,no,no
"""
COUNCIL_DAY = datetime.date(2024, 2, 20)
DECISION_DAY = datetime.date(2024, 2, 23)


def put(assessment, code: str, **values) -> None:
    Score.objects.filter(assessment=assessment, criterion__code=code).update(**values)
    assessment_totals_refresh(period=assessment.period, assessment_ids=[assessment.pk])


def open_year(actor, year: int = 2023) -> Period:
    """The framework imported and the period opened: every active unit of the two blocks gets its
    assessment and score rows."""
    period = import_text(FRAMEWORK, year=year).period
    return period_move(actor=actor, period=period, to_phase=Phase.SELF_ASSESSMENT)


def move(period: Period, phase: str, actor) -> Period:
    return period_move(actor=actor, period=period, to_phase=phase, reason="thử nghiệm", override_reason="Dữ liệu thử nghiệm")


def approve(period: Period, actor, *, publish: bool = True, number: str = "519/QĐ-UBND"):
    """The council approves, staff enter the decision and, if `publish`, the period is approved."""
    period = move(period, Phase.FINALIZATION, actor) if period.phase != Phase.FINALIZATION else period
    approval = approval_record(
        actor=actor, period=period, council_approved_on=COUNCIL_DAY, minutes_ref="Biên bản họp Hội đồng thẩm định ngày 20/02/2024",
        override_reason="Dữ liệu thử nghiệm",
    )
    approval_set_decision(
        actor=actor, approval=approval, decision_number=number, decision_date=DECISION_DAY, signer_name="Trần Báu Hà", signer_title="Phó Chủ tịch"
    )
    if publish:
        period = move(period, Phase.APPROVED, actor)
    return period


def many_units(count: int, *, block: str = "ubnd-huyen", prefix: str = "H") -> list[Unit]:
    """`count` units of a block in one query (names carry the number, codes sort by it)."""
    target = Block.objects.get(code=block)
    units = [
        Unit(code=f"{prefix}{i:05d}", name=f"UBND đơn vị thử nghiệm {prefix}{i:05d}", block=target, search_key=f"ubnd don vi thu nghiem {prefix.lower()}{i:05d}")
        for i in range(1, count + 1)
    ]
    return Unit.objects.bulk_create(units)


def score_everyone(period: Period) -> None:
    """A distinct index for every unit of the period, in an order other than the unit codes', so
    that the ranking is visible: leaf 1.1 gets 0–2 points by a permutation of the unit number."""
    rows = list(Score.objects.filter(assessment__period=period).select_related("criterion", "assessment__unit"))
    units = sorted({r.assessment.unit.code for r in rows})
    place = {code: (i * 7919) % len(units) for i, code in enumerate(units)}
    for row in rows:
        share = Decimal(place[row.assessment.unit.code]) / Decimal(max(len(units), 1))
        if row.criterion.code == "1.1":
            row.final_score = (Decimal(2) * share).quantize(Decimal("0.01"))
        elif row.criterion.code == "1.2":
            row.final_score = Decimal(1)
        elif row.criterion.code == "2.1":
            row.final_score = Decimal("2.5")
    Score.objects.bulk_update(rows, ["final_score"], batch_size=2000)
    assessment_totals_refresh(period=period)
