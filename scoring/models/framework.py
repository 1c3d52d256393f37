"""Assessment periods (kỳ đánh giá) and the criteria frameworks (bộ chỉ số) of each block."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cchc.tabular import parse_decimal

from ..formulas import Computed, FormulaError, computed_of, declaration_problems

CENT = Decimal("0.01")

# --- Precision ------------------------------------------------------------------------------------
# A period scores with 2 or 3 decimals (`Period.decimals`): the province's rules fix it, and
# some years publish 97,685. Every parse, rounding and fixed-width display of a score or an index
# goes through `score_quantum`, so a page, a file and the decision never disagree on a digit.

DECIMAL_CHOICES = [(2, "2 chữ số thập phân"), (3, "3 chữ số thập phân")]
DEFAULT_DECIMALS = 2
# The score and total columns keep 3 places, the most any period uses: a 2-decimal period's
# values are stored exactly (0.5 reads back as 0.500, the same number; pages and files write
# them with the period's own places).
STORED_DECIMALS = 3
DECIMAL_WORDS = {2: "hai", 3: "ba"}


def score_quantum(decimals: int = DEFAULT_DECIMALS) -> Decimal:
    """The step of a period's scores and index: 0.01 for 2 decimals, 0.001 for 3. The one
    place a precision becomes a number; everything else asks it."""
    if decimals not in DECIMAL_WORDS:
        raise ValueError(f"Số chữ số thập phân phải là 2 hoặc 3, không phải {decimals}.")
    return Decimal(1).scaleb(-decimals)


def round_score(value, decimals: int = DEFAULT_DECIMALS) -> Decimal:
    """A computed value (a survey average, the index) rounded half-up to the period's decimals,
    as the published decisions round (88,345 → 88,35 with 2 decimals, not banker's rounding).
    ValueError for a number too long to be a score."""
    try:
        return Decimal(value).quantize(score_quantum(decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"Điểm '{value}' quá lớn.") from None


def fixed_score(value, decimals: int = DEFAULT_DECIMALS) -> str:
    """A score or an index with exactly the period's decimals and a dot, as files carry it:
    '88.35', '97.685'. Half-up, like `round_score`."""
    return f"{round_score(value, decimals):.{decimals}f}"


def display_score(value, decimals: int = DEFAULT_DECIMALS) -> str:
    """The same as people read it on pages and in the decision: '88,35', '97,685'."""
    return fixed_score(value, decimals).replace(".", ",")


def _vn(value: Decimal) -> str:
    """A score in a message as people write it: 1,5 (the same text the forms accept)."""
    return format_score(value).replace(".", ",")
MAX_SCORE_LIMIT = Decimal("9999.99")
CODE_RE = re.compile(r"^[1-9]\d{0,2}(\.[1-9]\d{0,2}){0,4}$")
LEVEL_LABELS = {1: "Lĩnh vực", 2: "Tiêu chí", 3: "Tiêu chí thành phần"}


def format_score(value: Decimal | None) -> str:
    """The canonical text of a score: '1', '0.5', '0.75', '12' — no trailing zeros, dot decimal.

    Export writes this form so that export → import → export gives the same bytes."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "") else text


def parse_score(text, decimals: int = DEFAULT_DECIMALS) -> Decimal:
    """A score typed by a person ('0,5', '0.5', ' 1 ') or stored; ValueError with a Vietnamese message
    when it is not a number with at most `decimals` decimals (the period's: typed input is never
    rounded, 1,005 in a 2-decimal period is a typo to fix, not 1,01)."""
    value = text if isinstance(text, Decimal) else parse_decimal(str(text))
    try:
        exact = value == value.quantize(score_quantum(decimals))
    except InvalidOperation:  # more digits than a Decimal holds: no score is that long
        raise ValueError(f"Điểm '{text}' quá lớn.") from None
    if not exact:
        raise ValueError(f"Điểm '{text}' có quá {DECIMAL_WORDS[decimals]} chữ số thập phân.")
    return value


class Phase(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SELF_ASSESSMENT = "self_assessment", "Tự đánh giá"
    APPRAISAL = "appraisal", "Thẩm định"
    EXPLANATION = "explanation", "Giải trình"
    FINALIZATION = "finalization", "Hoàn thiện kết quả"
    APPROVED = "approved", "Đã phê duyệt"


PHASES = list(Phase)


def _percent(default: str, verbose_name: str, help_text: str = ""):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=help_text,
    )


class Period(models.Model):
    """One year's assessment: its plan, its phase, its deadlines and the bands used to classify units.

    Bands and head ratings are set per period because the province changes them by decision;
    the defaults are those of the current rules (see docs: Xuất sắc ≥ 90 %, Tốt 80–<90 %, ...)."""

    year = models.PositiveSmallIntegerField(
        "năm đánh giá", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("tên kỳ đánh giá", max_length=255)
    legal_basis = models.TextField(
        "căn cứ", blank=True, help_text="Số, ngày của kế hoạch, quyết định ban hành bộ chỉ số của năm."
    )
    phase = models.CharField("giai đoạn", max_length=20, choices=Phase.choices, default=Phase.DRAFT)

    draft_deadline = models.DateField("hạn ban hành bộ chỉ số", null=True, blank=True)
    self_assessment_deadline = models.DateField("hạn tự đánh giá", null=True, blank=True)
    appraisal_deadline = models.DateField("hạn thẩm định", null=True, blank=True)
    explanation_deadline = models.DateField("hạn giải trình", null=True, blank=True)
    finalization_deadline = models.DateField("hạn hoàn thiện kết quả", null=True, blank=True)

    band_excellent_min = _percent("90", "Xuất sắc: từ (%)")
    band_good_min = _percent("80", "Tốt: từ (%)")
    band_fair_min = _percent("70", "Khá: từ (%)")
    band_average_min = _percent("50", "Trung bình: từ (%)", "Dưới mức này: Yếu.")
    head_excellent_min = _percent("90", "Người đứng đầu hoàn thành xuất sắc: từ (%)")
    head_good_min = _percent("80", "Người đứng đầu hoàn thành tốt: từ (%)")
    head_done_min = _percent("50", "Người đứng đầu hoàn thành nhiệm vụ: từ (%)", "Dưới mức này: không hoàn thành nhiệm vụ.")

    # Before 2025 each district approved its own communes' index, so the province's decision
    # (Hà Tĩnh's QĐ 519/QĐ-UBND) covered the sở, the districts and the central agencies only.
    # Empty means every block of the period's roster.
    decision_blocks = models.ManyToManyField(
        "units.Block",
        verbose_name="khối được phê duyệt trong quyết định của tỉnh",
        blank=True,
        related_name="+",
        help_text="Để trống: tất cả các khối của kỳ đánh giá.",
    )

    class TieRule(models.TextChoices):
        """How units with the same index rank. The province's decision ranks on the index as
        published ("displayed": 90,02 and 90,02 share a rank); some years rank on the exact
        points ("exact": 90,0249… before 90,0151…, a shared rank only for exactly equal ratios)."""

        DISPLAYED = "displayed", "Đồng hạng khi chỉ số (đã làm tròn) bằng nhau"
        EXACT = "exact", "Xếp theo tỷ lệ điểm chính xác, chỉ đồng hạng khi bằng nhau tuyệt đối"

    decimals = models.PositiveSmallIntegerField(
        "số chữ số thập phân",
        choices=DECIMAL_CHOICES,
        default=DEFAULT_DECIMALS,
        help_text="Điểm từng tiêu chí, tổng điểm và Chỉ số được làm tròn (lên từ 5) đến số chữ số này. Chỉ sửa được khi kỳ đánh giá ở giai đoạn dự thảo.",
    )
    tie_rule = models.CharField(
        "cách xếp hạng khi bằng điểm",
        max_length=12,
        choices=TieRule.choices,
        default=TieRule.DISPLAYED,
        help_text="Sửa được đến khi kết quả được phê duyệt.",
    )
    # Bonus points can lift a unit's total above its maximum. Most provinces still publish an
    # index of at most 100 %; a period may let it show above (the points are kept either way).
    index_over_100 = models.BooleanField(
        "chỉ số được vượt 100%",
        default=False,
        help_text="Không chọn: Chỉ số tối đa 100% dù điểm thưởng đưa tổng điểm vượt điểm tối đa.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The precision and the tie rule: set apart from the other fields because changing them is
    # refused once it would change scores or an approved ranking (`period_settings_update`).
    SETTINGS_FIELDS = ["decimals", "tie_rule", "index_over_100"]
    DEADLINE_FIELDS = {
        Phase.DRAFT: "draft_deadline",
        Phase.SELF_ASSESSMENT: "self_assessment_deadline",
        Phase.APPRAISAL: "appraisal_deadline",
        Phase.EXPLANATION: "explanation_deadline",
        Phase.FINALIZATION: "finalization_deadline",
    }
    BAND_FIELDS = ["band_excellent_min", "band_good_min", "band_fair_min", "band_average_min"]
    HEAD_FIELDS = ["head_excellent_min", "head_good_min", "head_done_min"]

    class Meta:
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"
        ordering = ["-year"]

    def __str__(self):
        return self.title or f"Chỉ số CCHC năm {self.year}"

    def clean(self):
        errors = {}
        for fields, label in ((self.BAND_FIELDS, "xếp loại"), (self.HEAD_FIELDS, "đánh giá người đứng đầu")):
            values = [getattr(self, f) for f in fields]
            if all(v is not None for v in values) and any(a <= b for a, b in zip(values, values[1:])):
                errors[fields[0]] = f"Các ngưỡng {label} phải giảm dần (mức cao hơn cần tỷ lệ cao hơn)."
        dated = [(name, getattr(self, name)) for name in self.DEADLINE_FIELDS.values() if getattr(self, name)]
        for name, day in dated:
            # A deadline lies around the year assessed; a typo like 9999 would break every date
            # computed from it (the next year's clone, reminders).
            if self.year and not (self.year - 1 <= day.year <= self.year + 2):
                errors[name] = f"Hạn phải trong khoảng năm {self.year - 1}–{self.year + 2} của kỳ đánh giá năm {self.year}."
        for (_, earlier), (name, later) in zip(dated, dated[1:]):
            if later < earlier:
                errors[name] = "Hạn của giai đoạn sau không được trước hạn của giai đoạn trước."
        if errors:
            raise ValidationError(errors)

    # --- Precision (see `score_quantum`) ---

    @property
    def quantum(self) -> Decimal:
        """0.01 or 0.001: the step of this period's scores and index."""
        return score_quantum(self.decimals)

    @property
    def phase_index(self) -> int:
        return PHASES.index(Phase(self.phase))

    @property
    def next_phase(self) -> Phase | None:
        index = self.phase_index
        return PHASES[index + 1] if index + 1 < len(PHASES) else None

    @property
    def previous_phases(self) -> list[Phase]:
        return PHASES[: self.phase_index]

    @property
    def is_draft(self) -> bool:
        return self.phase == Phase.DRAFT

    def deadline_for(self, phase: str):
        field = self.DEADLINE_FIELDS.get(phase)
        return getattr(self, field) if field else None

    def phase_timeline(self) -> list[dict]:
        """Every phase with its deadline and whether it is done, current or ahead, for the page."""
        current = self.phase_index
        return [
            {
                "phase": phase,
                "label": phase.label,
                "deadline": self.deadline_for(phase),
                "state": "done" if i < current else "current" if i == current else "ahead",
            }
            for i, phase in enumerate(PHASES)
        ]

    def classify(self, index: Decimal) -> str:
        """The classification band of an index (a percentage of the unit's own maximum)."""
        for field, label in zip(self.BAND_FIELDS, ["Xuất sắc", "Tốt", "Khá", "Trung bình"]):
            if index >= getattr(self, field):
                return label
        return "Yếu"

    def head_rating(self, index: Decimal) -> str:
        labels = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"]
        for field, label in zip(self.HEAD_FIELDS, labels):
            if index >= getattr(self, field):
                return label
        return "Không hoàn thành nhiệm vụ"

    def bands(self) -> list[tuple[str, str]]:
        """(label, range) rows for display, e.g. ('Tốt', 'từ 80% đến dưới 90%')."""
        return _ranges(["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"], [getattr(self, f) for f in self.BAND_FIELDS])

    def head_bands(self) -> list[tuple[str, str]]:
        labels = ["Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành", "Không hoàn thành"]
        return _ranges(labels, [getattr(self, f) for f in self.HEAD_FIELDS])


def _ranges(labels: list[str], mins: list[Decimal]) -> list[tuple[str, str]]:
    def pct(value):
        return format_score(value).replace(".", ",") + "%"

    rows = []
    for i, label in enumerate(labels):
        if i == 0:
            rows.append((label, f"từ {pct(mins[0])} trở lên"))
        elif i < len(mins):
            rows.append((label, f"từ {pct(mins[i])} đến dưới {pct(mins[i - 1])}"))
        else:
            rows.append((label, f"dưới {pct(mins[-1])}"))
    return rows


class Framework(models.Model):
    """The criteria of one block for one period (bộ chỉ số)."""

    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="frameworks")
    block = models.ForeignKey("units.Block", verbose_name="khối", on_delete=models.PROTECT, related_name="frameworks")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bộ chỉ số"
        verbose_name_plural = "bộ chỉ số"
        ordering = ["period", "block__order", "block__code"]
        constraints = [models.UniqueConstraint(fields=["period", "block"], name="framework_one_per_block_and_period")]

    def __str__(self):
        return f"Bộ chỉ số {self.block.name} năm {self.period.year}"

    @property
    def is_editable(self) -> bool:
        return self.period.phase == Phase.DRAFT


class Kind(models.TextChoices):
    SELF = "self", "Tự đánh giá, thẩm định"
    SURVEY = "survey", "Điều tra xã hội học"
    DEDUCTION = "deduction", "Điểm trừ"
    BONUS = "bonus", "Điểm thưởng"


# Rows the unit claims itself, with evidence, and the council appraises: ordinary rows and bonus
# points (điểm thưởng, điểm cộng: tasks done beyond the plan).
SELF_CLAIMED_KINDS = [Kind.SELF, Kind.BONUS]
# Rows outside the maximum: bonus points are added to the total and penalties subtracted, each
# kind capped by the max of the top of its subtree (see `scoring.tree.counted_children`).
OUTSIDE_MAX_KINDS = [Kind.BONUS, Kind.DEDUCTION]


class Criterion(models.Model):
    """A node of the framework: a field (1), a criterion (1.2) or a sub-criterion (1.2.3).

    A parent's points are the sum of its children's, so only leaves are scored. Bonus nodes add
    points and deduction nodes subtract them, outside the maximum (the 100); the max of a bonus
    or deduction parent is the cap of its children's sum, which may be larger. A leaf with
    `inputs` and a `formula` is scored from the figures the unit enters (`scoring.formulas`)."""

    framework = models.ForeignKey(Framework, verbose_name="bộ chỉ số", on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", verbose_name="thuộc", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("mã", max_length=32)
    title = models.CharField("nội dung", max_length=1000)
    max_score = models.DecimalField(
        "điểm tối đa", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    kind = models.CharField("loại", max_length=12, choices=Kind.choices, default=Kind.SELF)
    rule = models.TextField(
        "cách chấm",
        blank=True,
        help_text="Để trống: chấm bất kỳ điểm nào từ 0 đến điểm tối đa. Hoặc liệt kê các mức, cách nhau bởi dấu chấm phẩy: "
        "1=Đầy đủ, đúng hạn; 0,5=Chậm; 0=Không thực hiện",
    )
    guidance = models.TextField("hướng dẫn chấm, tài liệu kiểm chứng", blank=True)
    evidence_required = models.BooleanField("bắt buộc tài liệu kiểm chứng", default=False)
    na_allowed = models.BooleanField("có thể không áp dụng", default=False)
    is_remediation = models.BooleanField(
        "tiêu chí khắc phục tồn tại, hạn chế",
        default=False,
        help_text="Chấm kết quả khắc phục tồn tại, hạn chế phát hiện qua thẩm định, kiểm tra năm trước.",
    )
    inputs = models.TextField(
        "số liệu đơn vị nhập",
        blank=True,
        help_text="Để trống nếu chấm điểm trực tiếp. Mỗi số liệu dạng tên:nội dung:đơn vị tính:int|dec, cách nhau bởi dấu chấm phẩy: "
        "a:Số hồ sơ giải quyết đúng hạn:hồ sơ:int; b:Tổng số hồ sơ:hồ sơ:int",
    )
    formula = models.TextField(
        "công thức tính điểm",
        blank=True,
        help_text="ratio a b (a/b × điểm tối đa); thresholds a/b 95:1 80:0.5 0:0 (theo tỷ lệ %); steps n 4:1 3:0.75 "
        "(tỷ lệ điểm tối đa theo số lần); expr min(a, b) / 2 (biểu thức + − × ÷, min, max).",
    )
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["framework", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique_in_framework")]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, LEVEL_LABELS[3])

    @property
    def parent_code(self) -> str:
        return self.code.rpartition(".")[0]

    @property
    def is_deduction(self) -> bool:
        return self.kind == Kind.DEDUCTION

    @property
    def is_bonus(self) -> bool:
        return self.kind == Kind.BONUS

    @property
    def is_self_claimed(self) -> bool:
        return self.kind in SELF_CLAIMED_KINDS

    @property
    def outside_max(self) -> bool:
        return self.kind in OUTSIDE_MAX_KINDS

    @property
    def is_computed(self) -> bool:
        return bool((self.formula or "").strip())

    @property
    def computed(self) -> Computed | None:
        """The row's inputs and rule, parsed (None for a row scored by hand); read once per
        object. FormulaError for a declaration never checked (typed in the admin)."""
        key = (self.inputs, self.formula)
        cached = getattr(self, "_computed_cache", None)
        if cached is None or cached[0] != key:
            cached = (key, computed_of(self.inputs, self.formula))
            self._computed_cache = cached
        return cached[1]

    @property
    def formula_description(self) -> str:
        """The rule in words for the pages; '' for a row scored by hand or a broken rule."""
        try:
            computed = self.computed
        except FormulaError:
            return ""
        return computed.describe(self.max_score) if computed else ""

    @property
    def input_specs(self) -> list:
        try:
            computed = self.computed
        except FormulaError:
            return []
        return computed.specs if computed else []

    def allowed_values(self) -> list[tuple[Decimal, str]]:
        """The levels of the rule, highest first: [(Decimal('1'), 'Đầy đủ, đúng hạn'), ...].
        Empty when any value from 0 to the max is allowed. ValueError if the rule is malformed."""
        return parse_rule(self.rule)

    def check_score(self, value, decimals: int = DEFAULT_DECIMALS) -> Decimal:
        """The score as a Decimal of the period's `decimals` places, or ValidationError with a
        Vietnamese message when the precision, the rule or the max does not allow it. '0,5' and
        '0.5' are both accepted."""
        try:
            score = parse_score(value, decimals)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if score < 0:
            raise ValidationError(f"Điểm của tiêu chí {self.code} không được âm.")
        if score > self.max_score:
            raise ValidationError(
                f"Điểm {_vn(score)} vượt điểm tối đa {_vn(self.max_score)} của tiêu chí {self.code}."
            )
        levels = self.allowed_values()
        if levels and score not in {v for v, _ in levels}:
            allowed = "; ".join(_vn(v) for v, _ in levels)
            raise ValidationError(f"Tiêu chí {self.code} chỉ chấm một trong các mức: {allowed}.")
        return score.quantize(score_quantum(decimals))

    def field_problems(self) -> list[tuple[str, str]]:
        """Problems of this row alone, as (field, message); the tree checks sums across rows."""
        problems = []
        if not self.code:
            problems.append(("code", "Chưa có mã tiêu chí."))
        elif not CODE_RE.match(self.code):
            problems.append(("code", f"Mã '{self.code}' không hợp lệ: dùng các số cách nhau bởi dấu chấm, ví dụ 1, 1.2, 1.2.3."))
        if not (self.title or "").strip():
            problems.append(("title", "Chưa có nội dung tiêu chí."))
        if self.max_score is None:
            return problems + [("max_score", "Chưa có điểm tối đa.")]
        if self.max_score < 0:
            problems.append(("max_score", "Điểm tối đa không được âm."))
        elif self.max_score > MAX_SCORE_LIMIT:
            problems.append(("max_score", "Điểm tối đa quá lớn."))
        elif self.max_score != self.max_score.quantize(CENT):
            problems.append(("max_score", "Điểm tối đa có quá hai chữ số thập phân."))
        if self.kind not in Kind.values:
            problems.append(("kind", f"Loại '{self.kind}' không hợp lệ (self, survey, bonus hoặc deduction)."))
        try:
            levels = parse_rule(self.rule)
        except ValueError as exc:
            problems.append(("rule", str(exc)))
        else:
            if levels and self.max_score is not None:
                above = [v for v, _ in levels if v > self.max_score]
                if above:
                    problems.append(
                        ("rule", f"Mức điểm {format_score(above[0])} của cách chấm vượt điểm tối đa {format_score(self.max_score)}.")
                    )
                elif levels[0][0] != self.max_score:
                    problems.append(
                        ("rule", f"Mức cao nhất của cách chấm ({format_score(levels[0][0])}) phải bằng điểm tối đa {format_score(self.max_score)}.")
                    )
        problems += declaration_problems(
            code=self.code, inputs=self.inputs, formula=self.formula, max_score=self.max_score, kind=self.kind, rule=self.rule
        )
        return problems

    def clean(self):
        problems = self.field_problems()
        if problems:
            errors: dict[str, list[str]] = {}
            for name, message in problems:
                errors.setdefault(name, []).append(message)
            raise ValidationError(errors)


def parse_rule(text: str) -> list[tuple[Decimal, str]]:
    """'1=Đầy đủ; 0,5=Chậm; 0=Không' → [(1, 'Đầy đủ'), (0.5, 'Chậm'), (0, 'Không')], highest first.

    Levels are separated by ';' or line breaks. The decimal comma is allowed because the value is
    before the first '=' and labels may contain commas. ValueError with a Vietnamese message."""
    levels: list[tuple[Decimal, str]] = []
    seen: set[Decimal] = set()
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        value_text, sep, label = part.partition("=")
        if not sep:
            raise ValueError(f"Mức '{part}' thiếu dấu '=' (viết dạng điểm=mô tả, ví dụ 0,5=Chậm).")
        try:
            value = parse_score(value_text.strip())
        except ValueError:
            raise ValueError(f"Mức '{part}': '{value_text.strip()}' không phải là số điểm hợp lệ.") from None
        if value < 0:
            raise ValueError(f"Mức '{part}': điểm không được âm.")
        label = " ".join(label.split())
        if not label:
            raise ValueError(f"Mức '{part}' chưa có mô tả.")
        if value in seen:
            raise ValueError(f"Mức điểm {format_score(value)} bị lặp trong cách chấm.")
        seen.add(value)
        levels.append((value, label))
    return sorted(levels, key=lambda level: level[0], reverse=True)


def format_rule(levels: list[tuple[Decimal, str]]) -> str:
    """The canonical rule text, highest level first: '1=Đầy đủ; 0.5=Chậm; 0=Không'."""
    return "; ".join(f"{format_score(value)}={label}" for value, label in levels)


def normalize_rule(text: str) -> str:
    return format_rule(parse_rule(text))


class RosterEntry(models.Model):
    """One unit assessed in one period, in one block: the period's roster. Every read of a period
    (ranking, appraisers' scope, opening assessments, scorecards, documents, dashboards) takes a
    unit's block from here, never from the unit's current block, so that moving or closing a unit
    today does not rewrite an earlier year. Staff edit it until self-assessment opens; after that
    they can still add a unit, not move one (an assessment is scored in its block's framework)."""

    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="roster")
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="roster_entries")
    block = models.ForeignKey("units.Block", verbose_name="khối", on_delete=models.PROTECT, related_name="roster_entries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đơn vị được đánh giá"
        verbose_name_plural = "danh sách đơn vị được đánh giá"
        ordering = ["period", "block__order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="roster_one_entry_per_unit")]

    def __str__(self):
        return f"{self.unit} — {self.block} ({self.period.year})"
