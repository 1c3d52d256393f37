"""Every action code and change name the code writes reaches people in words, not as a code."""

import ast
import re
from pathlib import Path

from django.apps import apps

from audit.labels import ACTION_LABELS, FIELD_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = ["audit", "units", "scoring", "inspections", "reports", "cchc", "monitoring"]
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
# Codes put together at run time (an f-string, a join), which the scan below cannot read: list
# them here with the place that builds them. None today.
DYNAMIC_ACTIONS: set[str] = set()


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _is_history_add(call: ast.Call) -> bool:
    # The demo's score history takes the action as its second positional argument.
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "add" and isinstance(func.value, ast.Name) and func.value.id == "history"


def _action_codes() -> tuple[set[str], list[str]]:
    """The codes passed as `action=` (both branches of a conditional too), and the places where an
    action is built at run time."""
    codes, built = set(), []
    for path, tree in _sources():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            values = [kw.value for kw in call.keywords if kw.arg == "action"]
            if _is_history_add(call) and len(call.args) > 1:
                values.append(call.args[1])
            for value in values:
                if any(isinstance(n, (ast.JoinedStr, ast.BinOp)) for n in ast.walk(value)):
                    built.append(f"{path.relative_to(ROOT)}:{value.lineno}")
                codes |= {s for s in _strings(value) if CODE.match(s)}
    return codes | DYNAMIC_ACTIONS, built


def _change_keys() -> set[str]:
    """Literal keys of the `changes` the code records: `changes={...}` and `changes["key"] = ...`."""
    keys = set()
    for _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "changes" and isinstance(kw.value, ast.Dict):
                        keys |= {k.value for k in kw.value.keys if isinstance(k, ast.Constant)}
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == "changes":
                        if isinstance(target.slice, ast.Constant):
                            keys.add(target.slice.value)
    return keys


def test_the_scan_finds_the_codes_of_every_app_including_conditional_and_passed_on_ones():
    codes, _ = _action_codes()
    assert {"unit.update", "plan.update", "visit.create", "finding.accept", "score.self", "document.requeue", "period.import"} <= codes
    assert len(codes) >= 60


def test_every_action_code_written_by_the_code_has_a_vietnamese_label():
    codes, built = _action_codes()
    assert not built, f"action built at run time, list its codes in DYNAMIC_ACTIONS: {built}"
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_no_label_is_left_for_an_action_the_code_no_longer_writes():
    codes, _ = _action_codes()
    assert sorted(set(ACTION_LABELS) - codes) == []


def test_every_literal_change_name_is_a_model_field_or_has_a_label():
    fields = {f.name for model in apps.get_models() for f in model._meta.get_fields() if not f.auto_created or f.concrete}
    keys = _change_keys()
    assert {"head", "criteria", "status"} <= keys
    assert sorted(k for k in keys if k not in fields and k not in FIELD_LABELS) == []
