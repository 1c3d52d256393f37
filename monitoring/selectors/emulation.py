"""Reads of the emulation package (hồ sơ thi đua, khen thưởng) of a year: once the People's
Committee's decision has approved and published the index, the ranked units of each block the
decision covers — index, classification, the head's name and rating — and the units proposed for
commendation by the year's rule (monitoring.EmulationRule).

Everything about the results is scoring's: `decision_ranking` (the blocks the decision covers,
ranked as the decision ranks them) and `results_published`; this module only applies the rule."""

from dataclasses import dataclass, field

from scoring.models import Approval, Period
from scoring.selectors.results import BANDS, RankingRow, approval_for_period, decision_ranking, results_published
from units.models import Block

from ..models import EmulationRule
from ..services.errors import MonitoringError


def emulation_rule(period: Period) -> EmulationRule:
    """The year's rule as stored, else the default one (Xuất sắc only, no cap), unsaved."""
    rule = EmulationRule.objects.filter(period=period).first()
    return rule or EmulationRule(period=period)


def proposes(rule: EmulationRule, row: RankingRow) -> bool:
    """The commendation rule: the unit's classification is one of the rule's, and, when the rule
    caps the places, the unit is ranked within them in its block (units on equal indexes share a
    rank, so they are proposed alike: which of two equals to leave out is not the rule's to say)."""
    if row.classification not in rule.classifications:
        return False
    return rule.top_n_per_block is None or row.rank <= rule.top_n_per_block


def describe_rule(rule: EmulationRule) -> str:
    """'đơn vị xếp loại Xuất sắc, trong 3 thứ hạng dẫn đầu của khối': the rule in words, as the
    page and both files print it."""
    bands = [band for band in BANDS if band in rule.classifications]
    words = "đơn vị xếp loại " + (" hoặc ".join(bands) if bands else "—")
    if rule.top_n_per_block:
        words += f", trong {rule.top_n_per_block} thứ hạng dẫn đầu của khối"
    return words


def package_refusal(period: Period) -> str | None:
    """Why the year has no emulation package yet (None when it has one): the review reads the
    results the decision approved, so a year not approved with its decision and published has
    none — not a draft of one."""
    if not results_published(period):
        return (
            f"Chưa lập được hồ sơ thi đua, khen thưởng năm {period.year}: kết quả Chỉ số CCHC năm {period.year} "
            "chưa được phê duyệt bằng quyết định của UBND tỉnh và công bố."
        )
    return None


@dataclass(frozen=True)
class PackageLine:
    row: RankingRow
    proposed: bool


@dataclass
class BlockPackage:
    block: Block
    lines: list[PackageLine] = field(default_factory=list)

    @property
    def proposed(self) -> list[PackageLine]:
        return [line for line in self.lines if line.proposed]


@dataclass
class EmulationPackage:
    period: Period
    approval: Approval
    rule: EmulationRule
    blocks: list[BlockPackage]

    @property
    def proposed(self) -> list[PackageLine]:
        """Every proposed unit, block by block in ranking order."""
        return [line for block in self.blocks for line in block.proposed]

    @property
    def rule_words(self) -> str:
        return describe_rule(self.rule)

    @property
    def decision_words(self) -> str:
        """'Quyết định số 519/QĐ-UBND ngày 23/02/2024 của UBND tỉnh'."""
        approval = self.approval
        day = f" ngày {approval.decision_date:%d/%m/%Y}" if approval.decision_date else ""
        return f"Quyết định số {approval.decision_number}{day} của UBND tỉnh"


def emulation_package(*, period: Period) -> EmulationPackage:
    """The year's package, in a fixed number of queries whatever the number of units. Refused
    (MonitoringError) for a year whose results are not published."""
    if refusal := package_refusal(period):
        raise MonitoringError(refusal)
    rule = emulation_rule(period)
    blocks: dict[int, BlockPackage] = {}
    for row in decision_ranking(period, provisional=False):
        blocks.setdefault(row.block.pk, BlockPackage(row.block)).lines.append(PackageLine(row, proposes(rule, row)))
    return EmulationPackage(period=period, approval=approval_for_period(period), rule=rule, blocks=list(blocks.values()))
