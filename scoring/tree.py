"""The consistency rules of a criteria tree, shared by the import (rows not yet saved) and the
editor (rows read from the database), so that a file and the browser are judged the same way."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from .models import OUTSIDE_MAX_KINDS, Criterion, Kind, format_score

KIND_WORDS = {Kind.BONUS: ("điểm thưởng", "bonus"), Kind.DEDUCTION: ("điểm trừ", "deduction")}


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
    """The children whose max makes up the parent's: all of them under a bonus or deduction
    parent (whose max caps their sum), the ordinary ones otherwise (bonus points and penalties
    sit outside the points a unit can earn)."""
    if node.kind in OUTSIDE_MAX_KINDS:
        return list(node.tree_children)
    return [child for child in node.tree_children if child.kind not in OUTSIDE_MAX_KINDS]


def is_cap(node: Criterion) -> bool:
    """A bonus or deduction parent: its max caps the sum of its children, which may exceed it
    (the province's "điểm thưởng tối đa 3 điểm" over items worth more)."""
    return node.kind in OUTSIDE_MAX_KINDS and bool(node.tree_children)


def framework_total(roots: Iterable[Criterion]) -> Decimal:
    return sum((root.max_score for root in roots if root.kind not in OUTSIDE_MAX_KINDS), Decimal("0"))


def _outside_total(roots: Iterable[Criterion], kind: str) -> Decimal:
    """The most a unit can receive of `kind`: every subtree of that kind counted once at its
    top, whose max is its cap."""
    roots = list(roots)
    _mark_outside_ancestors(roots)
    return sum((node.max_score for node in walk(roots) if node.kind == kind and not node._outside_ancestor), Decimal("0"))


def deduction_total(roots: Iterable[Criterion]) -> Decimal:
    """The largest penalty a unit can receive."""
    return _outside_total(roots, Kind.DEDUCTION)


def bonus_total(roots: Iterable[Criterion]) -> Decimal:
    """The most bonus points a unit can receive."""
    return _outside_total(roots, Kind.BONUS)


def _mark_outside_ancestors(roots: Iterable[Criterion], inside: bool = False) -> None:
    for node in roots:
        node._outside_ancestor = inside
        _mark_outside_ancestors(node.tree_children, inside or node.kind in OUTSIDE_MAX_KINDS)


def tree_problems(roots: list[Criterion]) -> list[Problem]:
    """Every inconsistency of the tree, in tree order, in Vietnamese."""
    problems: list[Problem] = []
    if not roots:
        return [Problem(None, "", "Bộ chỉ số chưa có tiêu chí nào.")]
    for node in walk(roots):
        node.children_total = None
        node.children_ok = None
        if not node.tree_children:
            if node.max_score is not None and node.max_score <= 0:
                problems.append(Problem(node, "max_score", f"Tiêu chí {node.code} được chấm điểm nên điểm tối đa phải lớn hơn 0."))
            continue
        if node.rule:
            problems.append(
                Problem(node, "rule", f"{node.code} có tiêu chí con nên không có cách chấm riêng: điểm của nó là tổng điểm các tiêu chí con.")
            )
        if (getattr(node, "formula", "") or "").strip() or (getattr(node, "inputs", "") or "").strip():
            problems.append(
                Problem(node, "formula", f"{node.code} có tiêu chí con nên không có số liệu, công thức riêng: điểm của nó là tổng điểm các tiêu chí con.")
            )
        if node.kind in OUTSIDE_MAX_KINDS:
            word, code = KIND_WORDS[node.kind]
            for child in node.tree_children:
                if child.kind != node.kind:
                    problems.append(Problem(child, "kind", f"{child.code} thuộc mục {word} {node.code} nên phải có loại {code} ({word})."))
        children = counted_children(node)
        if node.max_score is None or any(child.max_score is None for child in children):
            continue  # a number that did not parse is reported on its own row
        node.children_total = sum((child.max_score for child in children), Decimal("0"))
        node.children_ok = node.children_total >= node.max_score if is_cap(node) else node.children_total == node.max_score
        if is_cap(node):
            if not node.children_ok:
                word = KIND_WORDS[node.kind][0]
                problems.append(
                    Problem(
                        node,
                        "max_score",
                        f"Mức trần {word} của {node.code} là {vn(node.max_score)} nhưng các tiêu chí con cộng lại chỉ "
                        f"{vn(node.children_total)}: mức trần không bao giờ đạt tới (điểm tối đa của mục {word} là mức trần, "
                        "các tiêu chí con được cộng lại vượt mức này).",
                        related=children,
                    )
                )
            continue
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
