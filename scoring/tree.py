"""The consistency rules of a criteria tree, shared by the import (rows not yet saved) and the
editor (rows read from the database), so that a file and the browser are judged the same way."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Criterion, Kind, format_score


def vn(value: Decimal) -> str:
    """A score as people read it: decimal comma."""
    return format_score(value).replace(".", ",")


@dataclass
class Problem:
    node: Criterion | None
    column: str
    message: str
    # For a parent whose children do not add up: the children counted, so that an import can
    # point at their rows too (the wrong number may be on any of them).
    related: list[Criterion] = field(default_factory=list)


def attach_children(nodes: Iterable[Criterion], parent_of: Callable[[Criterion], object], key_of: Callable[[Criterion], object]) -> list[Criterion]:
    """Give every node a `tree_children` list (in the given order) and return the roots.

    `parent_of(node)` and `key_of(node)` say how nodes are linked: by parent id for stored rows,
    by dotted code for rows of a file. A node whose parent is unknown is left out of the tree."""
    nodes = list(nodes)
    by_key = {}
    for node in nodes:
        node.tree_children = []
        by_key[key_of(node)] = node
    roots = []
    for node in nodes:
        parent_key = parent_of(node)
        if parent_key in (None, ""):
            roots.append(node)
        elif parent_key in by_key:
            by_key[parent_key].tree_children.append(node)
    return roots


def walk(roots: Iterable[Criterion]) -> Iterator[Criterion]:
    for node in roots:
        yield node
        yield from walk(node.tree_children)


def counted_children(node: Criterion) -> list[Criterion]:
    """The children whose max makes up the parent's: all of them under a deduction parent,
    the non-deduction ones otherwise (penalties sit outside the points a unit can earn)."""
    if node.kind == Kind.DEDUCTION:
        return list(node.tree_children)
    return [child for child in node.tree_children if child.kind != Kind.DEDUCTION]


def framework_total(roots: Iterable[Criterion]) -> Decimal:
    return sum((root.max_score for root in roots if root.kind != Kind.DEDUCTION), Decimal("0"))


def deduction_total(roots: Iterable[Criterion]) -> Decimal:
    """The largest penalty a unit can receive: every deduction subtree counted once at its top."""
    _mark_deduction_ancestors(roots)
    return sum(
        (node.max_score for node in walk(roots) if node.kind == Kind.DEDUCTION and not node._deduction_ancestor),
        Decimal("0"),
    )


def _mark_deduction_ancestors(roots: Iterable[Criterion], inside: bool = False) -> None:
    for node in roots:
        node._deduction_ancestor = inside
        _mark_deduction_ancestors(node.tree_children, inside or node.kind == Kind.DEDUCTION)


def tree_problems(roots: list[Criterion]) -> list[Problem]:
    """Every inconsistency of the tree, in tree order, in Vietnamese."""
    problems: list[Problem] = []
    if not roots:
        return [Problem(None, "", "Bộ chỉ số chưa có tiêu chí nào.")]
    for node in walk(roots):
        node.children_total = None
        if not node.tree_children:
            if node.max_score is not None and node.max_score <= 0:
                problems.append(Problem(node, "max_score", f"Tiêu chí {node.code} được chấm điểm nên điểm tối đa phải lớn hơn 0."))
            continue
        if node.rule:
            problems.append(
                Problem(node, "rule", f"{node.code} có tiêu chí con nên không có cách chấm riêng: điểm của nó là tổng điểm các tiêu chí con.")
            )
        if node.kind == Kind.DEDUCTION:
            for child in node.tree_children:
                if child.kind != Kind.DEDUCTION:
                    problems.append(Problem(child, "kind", f"{child.code} thuộc mục điểm trừ {node.code} nên phải có loại deduction (điểm trừ)."))
        children = counted_children(node)
        if node.max_score is None or any(child.max_score is None for child in children):
            continue  # a number that did not parse is reported on its own row
        node.children_total = sum((child.max_score for child in children), Decimal("0"))
        if node.children_total != node.max_score:
            listed = "; ".join(f"{child.code}: {vn(child.max_score)}" for child in children) or "không có tiêu chí con nào được tính"
            problems.append(
                Problem(
                    node,
                    "max_score",
                    f"Điểm tối đa của {node.code} là {vn(node.max_score)} nhưng tổng điểm tối đa các tiêu chí con là "
                    f"{vn(node.children_total)} ({listed}).",
                    related=children,
                )
            )
    return problems
