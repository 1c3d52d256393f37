"""Computed sub-criteria (tiêu chí tính điểm từ số liệu): the figures a unit enters for a row and
the rule that turns them into the row's points, as the province's frameworks state them ("tỷ lệ
hồ sơ giải quyết đúng hạn: từ 95 % trở lên: 1 điểm; từ 80 % đến dưới 95 %: 0,5 điểm; dưới 80 %:
0 điểm").

A row declares its inputs (`Criterion.inputs`) and its rule (`Criterion.formula`), both as text,
so that the import file, the export, the tree editor, the clone and the archive carry them as
they carry the levels of `Criterion.rule`.

Inputs, separated by ';' (or line breaks), each `name:label[:unit[:type]]`:

    a:Số hồ sơ giải quyết đúng hạn:hồ sơ:int; b:Tổng số hồ sơ tiếp nhận:hồ sơ:int

`name` is what the rule calls it (lower-case ASCII letters, digits, '_', starting with a letter,
at most 20 characters), `label` what the unit reads, `unit` the word after the box (hồ sơ,
cuộc, %), `type` `int` (số nguyên, the default) or `dec` (số thập phân, at most four decimals).

Rules, one of four forms (numbers with a dot or a decimal comma):

    ratio a b                          a / b × the row's max
    thresholds a/b 95:1 80:0.5 0:0     a / b as a percentage (or one figure: `thresholds n ...`);
                                       the points of the first level it reaches, else 0
    steps n 4:1 3:0.75 2:0.5           a count; the share of the row's max of the first step it
                                       reaches (1 = full points), else 0
    expr min(a, b) / 2                 arithmetic over the inputs: + - * / (× ÷ too), brackets,
                                       min(), max(), numbers and input names

The points are rounded half-up to the period's precision and kept between 0 and the row's max.
An expression is parsed with `ast` in eval mode and evaluated by walking a whitelist of nodes in
Decimal: nothing is ever handed to eval or exec, and its length and depth are bounded."""

import ast
import re
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

from cchc.tabular import parse_decimal

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
RESERVED = {"min", "max", "ratio", "thresholds", "steps", "expr"}
MAX_INPUTS = 8
MAX_FORMULA = 200  # characters of a rule
MAX_DEPTH = 12  # nesting of an expression's nodes
MAX_NODES = 60
MAX_LEVELS = 10
MAX_FIGURE = Decimal("1000000000000")  # a count of files, of meetings: far below this
INPUT_DECIMALS = 4
TYPES = {"int": "số nguyên", "dec": "số thập phân"}
TYPE_WORDS = {"int": "int", "integer": "int", "số nguyên": "int", "dec": "dec", "decimal": "dec", "số thập phân": "dec"}
FORMS = ("ratio", "thresholds", "steps", "expr")
HUNDRED = Decimal("100")
# Enough digits for any ratio of real figures; a bounded exponent so that a long product of large
# numbers fails with a message instead of growing without end.
_CONTEXT = Context(prec=28, Emax=999, Emin=-999, traps=[InvalidOperation, DivisionByZero, Overflow])


class FormulaError(ValueError):
    """A declaration (inputs or rule) that cannot be used; the message is Vietnamese."""


class ComputeError(ValueError):
    """Figures the rule cannot score (one missing, a zero denominator); Vietnamese message,
    without the row's code (the caller names the row)."""


def _number_text(value: Decimal) -> str:
    """'12', '0.5', '95.25': no trailing zeros, dot decimal (the canonical form of every number
    written back into a declaration or stored as an input)."""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "") else text


def _vn(value: Decimal) -> str:
    return _number_text(value).replace(".", ",")


# --- Inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputSpec:
    name: str
    label: str
    unit: str = ""
    type: str = "int"

    @property
    def type_label(self) -> str:
        return TYPES[self.type]

    @property
    def placeholder(self) -> str:
        return "số nguyên" if self.type == "int" else "số, ví dụ 12,5"


def parse_inputs(text: str) -> list[InputSpec]:
    """'a:Số hồ sơ đúng hạn:hồ sơ:int; b:…' → [InputSpec('a', 'Số hồ sơ đúng hạn', 'hồ sơ', 'int'), …].
    FormulaError with a Vietnamese message."""
    specs: list[InputSpec] = []
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        pieces = [" ".join(p.split()) for p in part.split(":")]
        if len(pieces) < 2 or len(pieces) > 4:
            raise FormulaError(f"Số liệu '{part}' phải viết dạng tên:nội dung[:đơn vị[:int hoặc dec]], ví dụ b:Tổng số hồ sơ:hồ sơ:int.")
        name, label = pieces[0], pieces[1]
        unit = pieces[2] if len(pieces) > 2 else ""
        kind = TYPE_WORDS.get((pieces[3] if len(pieces) > 3 else "int").lower() or "int")
        if not NAME_RE.match(name):
            raise FormulaError(
                f"Tên số liệu '{name}' không hợp lệ: dùng chữ thường không dấu, chữ số và '_', bắt đầu bằng chữ, tối đa 20 ký tự (ví dụ a, so_ho_so)."
            )
        if name in RESERVED:
            raise FormulaError(f"Tên số liệu '{name}' trùng với từ khóa của công thức; hãy chọn tên khác.")
        if not label:
            raise FormulaError(f"Số liệu '{name}' chưa có nội dung (đơn vị nhập đọc nội dung này).")
        if len(label) > 200 or len(unit) > 30:
            raise FormulaError(f"Nội dung hoặc đơn vị tính của số liệu '{name}' quá dài.")
        if kind is None:
            raise FormulaError(f"Kiểu của số liệu '{name}' phải là int (số nguyên) hoặc dec (số thập phân).")
        if any(spec.name == name for spec in specs):
            raise FormulaError(f"Tên số liệu '{name}' bị lặp.")
        specs.append(InputSpec(name, label, unit, kind))
    if len(specs) > MAX_INPUTS:
        raise FormulaError(f"Một tiêu chí có tối đa {MAX_INPUTS} số liệu.")
    return specs


def format_inputs(specs: list[InputSpec]) -> str:
    """The canonical text: 'a:Số hồ sơ đúng hạn:hồ sơ:int; b:Tổng số hồ sơ:hồ sơ:int'."""
    return "; ".join(f"{s.name}:{s.label}:{s.unit}:{s.type}" for s in specs)


# --- Rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    form: str
    subject: tuple[str, ...] = ()  # ratio: (a, b); thresholds: (a,) or (a, b); steps: (n,)
    levels: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold, points or share), highest first
    expression: ast.expr | None = None

    @property
    def names(self) -> set[str]:
        if self.expression is not None:
            return {node.id for node in ast.walk(self.expression) if isinstance(node, ast.Name) and node.id not in ("min", "max")}
        return set(self.subject)

    @property
    def text(self) -> str:
        """The canonical text, as the export writes it."""
        if self.form == "expr":
            return f"expr {ast.unparse(self.expression)}"
        subject = " ".join(self.subject) if self.form == "ratio" else "/".join(self.subject)
        levels = " ".join(f"{_number_text(v)}:{_number_text(p)}" for v, p in self.levels)
        return f"{self.form} {subject}" + (f" {levels}" if levels else "")

    def evaluate(self, values: dict[str, Decimal], max_score: Decimal) -> Decimal:
        """The points before rounding and capping. ComputeError on a zero denominator."""
        if self.form == "ratio":
            numerator, denominator = (values[name] for name in self.subject)
            return _divide(numerator * max_score, denominator, self.subject[1])
        if self.form == "expr":
            return _evaluate(self.expression, values)
        if len(self.subject) == 2:
            figure = _divide(values[self.subject[0]] * HUNDRED, values[self.subject[1]], self.subject[1])
        else:
            figure = values[self.subject[0]]
        for threshold, points in self.levels:
            if figure >= threshold:
                return points * max_score if self.form == "steps" else points
        return Decimal("0")

    def describe(self, specs: list[InputSpec], max_score: Decimal | None) -> str:
        """The rule in words, for the sheets and the tree: 'Tỷ lệ Số hồ sơ đúng hạn / Tổng số hồ
        sơ: từ 95 % trở lên: 1 điểm; …'."""
        labels = {s.name: s.label for s in specs}

        def label(name: str) -> str:
            return labels.get(name, name)

        if self.form == "ratio":
            return f"Điểm = {label(self.subject[0])} / {label(self.subject[1])} × điểm tối đa"
        if self.form == "expr":
            used = "; ".join(f"{s.name}: {s.label}" for s in specs)
            return f"Điểm = {ast.unparse(self.expression)}" + (f" (trong đó {used})" if used else "")
        percent = len(self.subject) == 2
        what = f"Tỷ lệ {label(self.subject[0])} / {label(self.subject[1])}" if percent else label(self.subject[0])
        sign = " %" if percent else ""
        parts, above = [], None
        for threshold, points in self.levels:
            if self.form == "steps":
                worth = f"{_vn(points * 100)} % điểm tối đa" + (f" ({_vn(points * max_score)} điểm)" if max_score is not None else "")
            else:
                worth = f"{_vn(points)} điểm"
            if above is None:
                parts.append(f"từ {_vn(threshold)}{sign} trở lên: {worth}")
            else:
                parts.append(f"từ {_vn(threshold)}{sign} đến dưới {_vn(above)}{sign}: {worth}")
            above = threshold
        if above is not None and above > 0:
            parts.append(f"dưới {_vn(above)}{sign}: 0 điểm")
        return f"{what}: " + "; ".join(parts)


def _divide(numerator: Decimal, denominator: Decimal, name: str) -> Decimal:
    if denominator == 0:
        raise ComputeError(f"@{name}")  # replaced by the denominator's label in `compute`
    return _CONTEXT.divide(numerator, denominator)


def _level_number(text: str, part: str) -> Decimal:
    try:
        return parse_decimal(text)
    except ValueError:
        raise FormulaError(f"Mức '{part}' của công thức: '{text}' không phải là số.") from None


def _levels(parts: list[str], form: str) -> tuple[tuple[Decimal, Decimal], ...]:
    if not parts:
        example = "95:1 80:0.5 0:0" if form == "thresholds" else "4:1 3:0.75 2:0.5"
        raise FormulaError(f"Công thức {form} cần các mức dạng ngưỡng:điểm, ví dụ {example}.")
    if len(parts) > MAX_LEVELS:
        raise FormulaError(f"Công thức có tối đa {MAX_LEVELS} mức.")
    levels, seen = [], set()
    for part in parts:
        threshold_text, sep, points_text = part.partition(":")
        if not sep:
            raise FormulaError(f"Mức '{part}' của công thức phải viết dạng ngưỡng:điểm (ví dụ 80:0.5).")
        threshold, points = _level_number(threshold_text, part), _level_number(points_text, part)
        if threshold < 0 or points < 0:
            raise FormulaError(f"Mức '{part}' của công thức: ngưỡng và điểm không được âm.")
        if form == "steps" and points > 1:
            raise FormulaError(f"Mức '{part}': công thức steps cho tỷ lệ của điểm tối đa, từ 0 đến 1 (1 = đủ điểm, 0.75 = ¾).")
        if threshold in seen:
            raise FormulaError(f"Ngưỡng {_vn(threshold)} bị lặp trong công thức.")
        seen.add(threshold)
        levels.append((threshold, points))
    return tuple(sorted(levels, key=lambda level: level[0], reverse=True))


def _known(name: str, names: set[str]) -> str:
    if name not in names:
        declared = ", ".join(sorted(names)) or "chưa khai báo số liệu nào"
        raise FormulaError(f"'{name}' không phải số liệu đã khai báo (các số liệu: {declared}).")
    return name


def parse_formula(text: str, names: set[str]) -> Formula:
    """The rule of a row, checked against its declared input names. FormulaError with a
    Vietnamese message; '' is no rule (the caller decides whether one is needed)."""
    text = " ".join((text or "").split())
    if len(text) > MAX_FORMULA:
        raise FormulaError(f"Công thức quá dài ({len(text)} ký tự, tối đa {MAX_FORMULA}).")
    form, _, rest = text.partition(" ")
    form = form.lower()
    if form not in FORMS:
        raise FormulaError(f"Công thức phải bắt đầu bằng ratio, thresholds, steps hoặc expr (đang là '{form}').")
    if form == "expr":
        return Formula("expr", expression=_parse_expression(rest, names))
    words = rest.split(" ") if rest else []
    if form == "ratio":
        subject = words[0].split("/") if len(words) == 1 else words
        if len(subject) != 2:
            raise FormulaError("Công thức ratio cần hai số liệu: tử số và mẫu số, ví dụ ratio a b.")
        return Formula("ratio", tuple(_known(name, names) for name in subject))
    if not words:
        raise FormulaError(f"Công thức {form} cần số liệu được so với các mức, ví dụ {form} a/b ….")
    subject = words[0].split("/")
    if len(subject) > (2 if form == "thresholds" else 1):
        raise FormulaError(f"Công thức {form}: '{words[0]}' phải là một số liệu" + (" hoặc tỷ lệ a/b." if form == "thresholds" else "."))
    return Formula(form, tuple(_known(name, names) for name in subject), _levels(words[1:], form))


ALLOWED_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
FUNCTIONS = {"min": min, "max": max}


def _parse_expression(source: str, names: set[str]) -> ast.expr:
    source = source.replace("×", "*").replace("÷", "/").replace("−", "-").strip()
    if not source:
        raise FormulaError("Công thức expr chưa có biểu thức, ví dụ expr min(a, b) / 2.")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError):
        raise FormulaError(f"Biểu thức '{source}' không đúng cú pháp (dùng + - * /, ngoặc, min, max, số và tên số liệu).") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise FormulaError(f"Biểu thức quá phức tạp (tối đa {MAX_NODES} thành phần).")
    _check_node(tree.body, names, 1)
    return tree.body


def _check_node(node: ast.AST, names: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(f"Biểu thức lồng nhau quá sâu (tối đa {MAX_DEPTH} mức).")
    if isinstance(node, ast.BinOp) and type(node.op) in ALLOWED_OPERATORS:
        _check_node(node.left, names, depth + 1)
        _check_node(node.right, names, depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check_node(node.operand, names, depth + 1)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"'{ast.unparse(node)}' không phải là số.")
        if abs(Decimal(repr(node.value))) > MAX_FIGURE:
            raise FormulaError(f"Số {ast.unparse(node)} trong công thức quá lớn.")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FormulaError(f"'{node.id}' là hàm, cần viết {node.id}(…, …).")
        _known(node.id, names)
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name):
            raise FormulaError(f"Không được gọi '{ast.unparse(func)}' trong công thức (chỉ dùng min, max).")
        if func.id not in FUNCTIONS:
            raise FormulaError(f"Hàm '{func.id}' không được hỗ trợ trong công thức (chỉ dùng min, max).")
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args) or len(node.args) < 2:
            raise FormulaError(f"Hàm {func.id} cần ít nhất hai giá trị, cách nhau bởi dấu phẩy, ví dụ {func.id}(a, 1).")
        for arg in node.args:
            _check_node(arg, names, depth + 1)
    elif isinstance(node, ast.Attribute):
        raise FormulaError(f"Không được dùng thuộc tính '{ast.unparse(node)}' trong công thức.")
    else:
        raise FormulaError(
            f"Phần '{ast.unparse(node)}' không được phép trong công thức (chỉ dùng + - * /, ngoặc, min, max, số và tên số liệu)."
        )


def _evaluate(node: ast.expr, values: dict[str, Decimal]) -> Decimal:
    """The value of a node checked by `_check_node`: only those node types reach here."""
    if isinstance(node, ast.Constant):
        return Decimal(repr(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id](_evaluate(arg, values) for arg in node.args)
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    try:
        if isinstance(node.op, ast.Add):
            return _CONTEXT.add(left, right)
        if isinstance(node.op, ast.Sub):
            return _CONTEXT.subtract(left, right)
        if isinstance(node.op, ast.Mult):
            return _CONTEXT.multiply(left, right)
        if right == 0:
            raise ComputeError("mẫu số bằng 0 (phép chia trong công thức).")
        return _CONTEXT.divide(left, right)
    except Overflow:
        raise ComputeError("kết quả của công thức quá lớn.") from None


# --- A row's declaration, checked ----------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """A row's inputs and rule, parsed."""

    specs: list[InputSpec]
    formula: Formula

    def describe(self, max_score: Decimal | None) -> str:
        return self.formula.describe(self.specs, max_score)


def computed_of(inputs: str, formula: str) -> Computed | None:
    """The parsed declaration of a row, None for a row scored by hand. FormulaError when it is
    unusable (its messages do not name the row: `declaration_problems` does)."""
    if not (inputs or "").strip() and not (formula or "").strip():
        return None
    specs = parse_inputs(inputs)
    if not specs:
        raise FormulaError("Có công thức tính điểm nhưng chưa khai báo số liệu đơn vị nhập (cột inputs).")
    if not (formula or "").strip():
        raise FormulaError("Có số liệu đơn vị nhập nhưng chưa có công thức tính điểm (cột formula).")
    parsed = parse_formula(formula, {s.name for s in specs})
    unused = [s.name for s in specs if s.name not in parsed.names]
    if unused:
        raise FormulaError(f"Số liệu {', '.join(unused)} được khai báo nhưng công thức không dùng đến.")
    return Computed(specs, parsed)


def declaration_problems(*, code: str, inputs: str, formula: str, max_score, kind: str, rule: str) -> list[tuple[str, str]]:
    """Problems of a row's inputs and rule, as (field, message) naming the row: what the import
    and the tree editor refuse."""
    where = f"Tiêu chí {code}" if code else "Tiêu chí"
    try:
        specs = parse_inputs(inputs)
    except FormulaError as exc:
        return [("inputs", f"{where}: {exc}")]
    try:
        computed = computed_of(inputs, formula)
    except FormulaError as exc:
        column = "inputs" if not specs and (formula or "").strip() else "formula"
        return [(column, f"{where}: {exc}")]
    if computed is None:
        return []
    problems = []
    if kind == "survey":
        problems.append(("formula", f"{where}: điểm điều tra xã hội học nhập từ kết quả điều tra, không tính bằng công thức."))
    if (rule or "").strip():
        problems.append(("rule", f"{where}: tiêu chí tính điểm bằng công thức thì để trống cách chấm theo mức (rule)."))
    if computed.formula.form == "thresholds" and max_score is not None:
        above = [points for _, points in computed.formula.levels if points > max_score]
        if above:
            problems.append(("formula", f"{where}: mức {_vn(above[0])} điểm của công thức vượt điểm tối đa {_vn(max_score)}."))
    return problems


# --- Scoring a row from its figures --------------------------------------------------------------


def inputs_given(raw: dict | None) -> bool:
    return any(str(value).strip() for value in (raw or {}).values())


def _figure(spec: InputSpec, text: str) -> Decimal:
    try:
        value = parse_decimal(text)
    except ValueError:
        raise ComputeError(f"'{spec.label}' phải là một số (đang nhập '{text}').") from None
    if value < 0:
        raise ComputeError(f"'{spec.label}' không được âm.")
    if value > MAX_FIGURE:
        raise ComputeError(f"'{spec.label}' quá lớn.")
    if spec.type == "int" and value != value.to_integral_value():
        raise ComputeError(f"'{spec.label}' phải là số nguyên.")
    if value != value.quantize(Decimal(1).scaleb(-INPUT_DECIMALS)):
        raise ComputeError(f"'{spec.label}' có quá {INPUT_DECIMALS} chữ số thập phân.")
    return value


def compute(computed: Computed, raw: dict, *, max_score: Decimal, quantum: Decimal) -> tuple[dict[str, str], Decimal]:
    """(the inputs in canonical form, the points): the rule's value rounded half-up to `quantum`,
    kept between 0 and `max_score`. ComputeError naming the input that is missing or wrong."""
    values, clean = {}, {}
    for spec in computed.specs:
        text = str((raw or {}).get(spec.name, "") or "").strip()
        if not text:
            raise ComputeError(f"chưa nhập '{spec.label}'.")
        values[spec.name] = _figure(spec, text)
        clean[spec.name] = _number_text(values[spec.name])
    try:
        points = computed.formula.evaluate(values, Decimal(max_score))
    except ComputeError as exc:
        message = str(exc)
        if message.startswith("@"):
            label = next((s.label for s in computed.specs if s.name == message[1:]), message[1:])
            message = f"mẫu số '{label}' bằng 0."
        raise ComputeError(message) from None
    except DecimalException:
        raise ComputeError("kết quả của công thức quá lớn.") from None
    points = min(max(points, Decimal("0")), Decimal(max_score))
    return clean, points.quantize(quantum, rounding=ROUND_HALF_UP)


def figures_from_text(computed: Computed, text: str) -> dict[str, str]:
    """A computed row's figures as a score file writes them in its `score` column:
    `a=223; b=287` (names as the row declares them; a decimal comma or point). ComputeError in
    Vietnamese for a part without `=`, an unknown name or a name given twice; the values are
    checked by `compute`."""
    figures: dict[str, str] = {}
    names = {spec.name for spec in computed.specs}
    expected = "; ".join(f"{spec.name}=…" for spec in computed.specs)
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        name, equals, value = part.partition("=")
        name = name.strip().lower()
        if not equals:
            raise ComputeError(f"tiêu chí được tính từ số liệu: ghi số liệu dạng '{expected}', không ghi điểm.")
        if name not in names:
            raise ComputeError(f"không có số liệu '{name}' (các số liệu: {', '.join(sorted(names))}).")
        if name in figures:
            raise ComputeError(f"số liệu '{name}' được ghi hai lần.")
        figures[name] = value.strip()
    return figures


def inputs_text(computed: Computed | None, values: dict | None) -> str:
    """'Số hồ sơ đúng hạn: 12 hồ sơ; Tổng số hồ sơ: 15 hồ sơ' — a stage's figures as people read
    them (the history and the read-only views); '' when none were entered."""
    if not values:
        return ""
    if computed is None:
        return "; ".join(f"{name}: {str(value).replace('.', ',')}" for name, value in values.items())
    parts = []
    for spec in computed.specs:
        if spec.name in values:
            parts.append(f"{spec.label}: {str(values[spec.name]).replace('.', ',')}" + (f" {spec.unit}" if spec.unit else ""))
    return "; ".join(parts)


def canonical_declaration(inputs: str, formula: str) -> tuple[str, str]:
    """The inputs and rule as the export writes them (`format_inputs`, `Formula.text`), so that
    export → import → export gives the same bytes. What does not parse is kept as typed (spaces
    collapsed) for `declaration_problems` to report."""
    inputs_text_ = " ".join((inputs or "").split())
    formula_text = " ".join((formula or "").split())
    try:
        specs = parse_inputs(inputs)
    except FormulaError:
        return inputs_text_, formula_text
    inputs_text_ = format_inputs(specs)
    if formula_text:
        try:
            formula_text = parse_formula(formula_text, {s.name for s in specs}).text
        except FormulaError:
            pass
    return inputs_text_, formula_text
