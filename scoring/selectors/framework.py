"""Reads of periods and frameworks. A tree is loaded in one query and assembled in Python, so a
framework of 300 criteria costs what one of 10 does."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from audit.models import AuditEvent
from audit.selectors import audit_events_for

from ..models import Criterion, Framework, Period, format_rule, format_score, parse_rule
from ..tree import Problem, attach_children, bonus_total, deduction_total, framework_total, tree_problems, walk

FRAMEWORK_COLUMNS = ["block", "code", "title", "max_score", "kind", "rule", "guidance", "evidence_required", "na_allowed"]
# Optional columns of the framework file: a computed row's inputs and rule (`scoring.formulas`).
# The import reads them when present; the export writes them only when a row has them, so that a
# framework without computed rows keeps its nine documented columns.
FRAMEWORK_OPTIONAL_COLUMNS = ["inputs", "formula"]
FRAMEWORK_IMPORT_COLUMNS = FRAMEWORK_COLUMNS + FRAMEWORK_OPTIONAL_COLUMNS


@dataclass
class FrameworkTree:
    framework: Framework
    roots: list[Criterion]
    rows: list[Criterion]  # every node, in tree order
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return framework_total(self.roots)

    @property
    def deduction_total(self) -> Decimal:
        return deduction_total(self.roots)

    @property
    def bonus_total(self) -> Decimal:
        return bonus_total(self.roots)

    @property
    def is_consistent(self) -> bool:
        return not self.problems

    @property
    def level_counts(self) -> list[tuple[str, int]]:
        counts = defaultdict(int)
        for node in self.rows:
            counts[min(node.level, 3)] += 1
        return [(label, counts[level]) for level, label in ((1, "lĩnh vực"), (2, "tiêu chí"), (3, "tiêu chí thành phần")) if counts[level]]

    @property
    def general_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.node is None]


def _build_tree(framework: Framework, criteria: list[Criterion]) -> FrameworkTree:
    criteria.sort(key=lambda c: (c.order, c.pk))
    roots = attach_children(criteria, parent_of=lambda c: c.parent_id, key_of=lambda c: c.pk)
    problems = tree_problems(roots)
    rows = list(walk(roots))
    for node in rows:
        node.problem_messages = []
        node.display_level = min(node.level, 3)
    for problem in problems:
        if problem.node is not None:
            problem.node.problem_messages.append(problem.message)
    return FrameworkTree(framework=framework, roots=roots, rows=rows, problems=problems)


def criteria_tree_for_framework(framework: Framework) -> FrameworkTree:
    """The whole tree with totals and problems, in one query whatever its size."""
    return _build_tree(framework, list(Criterion.objects.filter(framework=framework)))


def framework_trees_for_period(period: Period, *, block_ids: list[int] | None = None) -> list[FrameworkTree]:
    """Every framework of the period (or of the given blocks) with its tree: two queries."""
    frameworks = Framework.objects.filter(period=period).select_related("block", "period").order_by("block__order", "block__code")
    if block_ids is not None:
        frameworks = frameworks.filter(block_id__in=block_ids)
    frameworks = list(frameworks)
    by_framework = defaultdict(list)
    for criterion in Criterion.objects.filter(framework__in=frameworks):
        by_framework[criterion.framework_id].append(criterion)
    return [_build_tree(framework, by_framework[framework.pk]) for framework in frameworks]


def period_list() -> QuerySet[Period]:
    return Period.objects.annotate(framework_count=Count("frameworks")).order_by("-year")


def framework_for(pk: int) -> Framework:
    return Framework.objects.select_related("period", "block").get(pk=pk)


def phase_events(period: Period) -> QuerySet[AuditEvent]:
    """The period's history of phase changes and of the checklist items staff passed with a
    reason, newest first."""
    return audit_events_for(period).filter(action__in=["period.phase", "readiness.override"])


def _canonical_rule(text: str) -> str:
    try:
        return format_rule(parse_rule(text))
    except ValueError:
        return text  # a rule typed in the admin and never checked: export it as it stands


def _number(value: Decimal) -> int | float:
    # In a spreadsheet the max is a number people can add up; two decimals survive a float.
    return int(value) if value == value.to_integral_value() else float(value)


def _flags(node: Criterion) -> list[str]:
    # Only scored leaves carry evidence and not-applicable flags; a parent's cells stay empty,
    # as in the province's own sheets.
    if node.tree_children:
        return ["", ""]
    return ["yes" if node.evidence_required else "no", "yes" if node.na_allowed else "no"]


def framework_export_table(period: Period, *, block_codes: list[str] | None = None, numbers: bool = False) -> tuple[list[str], list[list]]:
    """(columns, rows) of the framework file: the nine documented columns, and the optional
    `inputs`, `formula` when some row exported is computed."""
    rows = framework_export_rows(period, block_codes=block_codes, numbers=numbers, computed=True)
    if any(row[-1] or row[-2] for row in rows):
        return FRAMEWORK_IMPORT_COLUMNS, rows
    return FRAMEWORK_COLUMNS, [row[: len(FRAMEWORK_COLUMNS)] for row in rows]


def framework_export_rows(
    period: Period, *, block_codes: list[str] | None = None, numbers: bool = False, computed: bool = False
) -> list[list]:
    """Rows in the import format and in one canonical form (numbers without trailing zeros, the
    rule sorted from the highest level, yes/no), so that export → import → export is identical.
    `numbers=True` gives the max as a number, for XLSX; `computed=True` adds the optional
    `inputs` and `formula` cells (see `framework_export_table`)."""
    rows = []
    trees = framework_trees_for_period(period)
    for tree in trees:
        if block_codes and tree.framework.block.code not in block_codes:
            continue
        for node in tree.rows:
            rows.append(
                [
                    tree.framework.block.code,
                    node.code,
                    node.title,
                    _number(node.max_score) if numbers else format_score(node.max_score),
                    "" if node.kind == "self" else node.kind,
                    _canonical_rule(node.rule),
                    node.guidance,
                    *_flags(node),
                    *([node.inputs, node.formula] if computed else []),
                ]
            )
    return rows
