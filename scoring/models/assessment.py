"""A unit's assessment of one period (phiếu chấm điểm), its score rows, the evidence behind
them, and who appraises what."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.uploads import EvidencePath

from ..formulas import FormulaError, inputs_text
from .framework import Criterion, Framework, Kind, Period, format_score


class Assessment(models.Model):
    """One unit's scoring of one period, against its block's framework."""

    class Status(models.TextChoices):
        OPEN = "open", "Đang tự đánh giá"
        SUBMITTED = "submitted", "Đã nộp"
        CLOSED = "closed", "Đã khóa"

    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="assessments")
    # A framework changes only in draft; reopening to draft and re-importing it replaces the rows.
    framework = models.ForeignKey(Framework, verbose_name="bộ chỉ số", on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField("trạng thái", max_length=12, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nộp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submit_note = models.TextField(
        "giải trình khi nộp", blank=True, help_text="Lý do thiếu tài liệu kiểm chứng bắt buộc, nếu có."
    )
    # The totals of the score rows, kept by `assessment_totals_refresh` after every write to them,
    # so that a block's ranking reads one row per unit instead of aggregating every score row of the
    # period (400,000 a year nationally). `field_totals` maps a field's code to the
    # [earned, maximum, deducted] strings of its applicable leaves. Three places whatever the
    # period's precision (`Period.decimals`): a 2-decimal period's totals are stored exactly.
    total_earned = models.DecimalField("điểm đạt", max_digits=9, decimal_places=3, default=0)
    total_max = models.DecimalField("điểm tối đa", max_digits=9, decimal_places=3, default=0)
    total_deducted = models.DecimalField("điểm trừ", max_digits=9, decimal_places=3, default=0)
    # Bonus points (điểm thưởng) added to the total, after their caps; `field_totals` carries the
    # field's bonus as a fourth string.
    total_bonus = models.DecimalField("điểm thưởng", max_digits=9, decimal_places=3, default=0)
    total_index = models.DecimalField("chỉ số (%)", max_digits=6, decimal_places=3, default=0)
    # score / max exactly, as an integer (`Totals.ratio_key`): what a period with the exact tie
    # rule ranks on. An integer because a decimal ratio is not exact in SQLite (stored as a float)
    # and a division in SQL is rounded differently by each database.
    total_ratio = models.BigIntegerField("tỷ lệ điểm chính xác (để xếp hạng)", default=0)
    field_totals = models.JSONField("điểm theo lĩnh vực", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phiếu đánh giá"
        verbose_name_plural = "phiếu đánh giá"
        ordering = ["period", "framework__block__order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="assessment_one_per_unit_and_period")]
        # A unit's rank is the number of its block's assessments with a higher index, plus one.
        indexes = [
            models.Index(fields=["framework", "total_index"], name="assessment_rank"),
            models.Index(fields=["framework", "total_ratio"], name="assessment_rank_exact"),
        ]

    def __str__(self):
        return f"Phiếu đánh giá {self.unit.name} năm {self.period.year}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Score(models.Model):
    # The row states the pages and lists filter on, in SQL beside their Python properties below.
    DEDUCTED = models.Q(self_score__isnull=False, appraised_score__isnull=False, appraised_score__lt=models.F("self_score")) | (
        models.Q(appraised_at__isnull=False) & ~models.Q(self_not_applicable=models.F("not_applicable"))
    )  # = is_deducted
    UNDECIDED_EXPLANATION = ~models.Q(explanation="") & models.Q(explanation_verdict="")  # the verdict still to give

    """The scores of one leaf criterion for one unit, through every stage of the cycle.

    The effective score is the first of final, appraised, self that is set: `final_score` empty
    means "as appraised", so the council only writes where it departs from the appraisal.
    `version` goes up on every write so that a form loaded before someone else's save is refused
    instead of silently overwriting it."""

    assessment = models.ForeignKey(Assessment, verbose_name="phiếu đánh giá", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="tiêu chí", on_delete=models.CASCADE, related_name="scores")
    # Three places, the most a period allows (`Period.decimals`); the services refuse more than the
    # period's own.
    self_score = models.DecimalField("điểm tự đánh giá", max_digits=7, decimal_places=3, null=True, blank=True)
    self_note = models.TextField("thuyết minh tự đánh giá", blank=True)
    appraised_score = models.DecimalField("điểm thẩm định", max_digits=7, decimal_places=3, null=True, blank=True)
    appraisal_reason = models.TextField("lý do trừ điểm", blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thẩm định", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appraised_at = models.DateTimeField("thời điểm thẩm định", null=True, blank=True)
    explanation = models.TextField("giải trình", blank=True)
    explained_at = models.DateTimeField("thời điểm giải trình", null=True, blank=True)
    class Verdict(models.TextChoices):
        """The appraiser's answer to an explanation. An empty final score means "as appraised"
        either way, so without this a refused explanation and one nobody read look alike."""

        ACCEPTED = "accepted", "Chấp nhận giải trình"
        REFUSED = "refused", "Không chấp nhận giải trình"

    explanation_verdict = models.CharField("kết luận về giải trình", max_length=10, choices=Verdict.choices, blank=True)
    explanation_verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người kết luận giải trình", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation_verdict_at = models.DateTimeField("thời điểm kết luận giải trình", null=True, blank=True)
    final_score = models.DecimalField("điểm cuối cùng", max_digits=7, decimal_places=3, null=True, blank=True)
    council_note = models.TextField("ý kiến của Hội đồng", blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người hoàn thiện", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalized_at = models.DateTimeField("thời điểm hoàn thiện", null=True, blank=True)
    # The figures of a computed row (`Criterion.formula`) at each stage, {input name: number as
    # text}; the stage's score field holds the points computed from them, so totals and rankings
    # read scores alone. The council corrects the figures, not the points; empty final figures
    # mean "as appraised", as an empty final score does.
    self_inputs = models.JSONField("số liệu tự đánh giá", default=dict, blank=True)
    appraised_inputs = models.JSONField("số liệu thẩm định", default=dict, blank=True)
    final_inputs = models.JSONField("số liệu cuối cùng", default=dict, blank=True)
    not_applicable = models.BooleanField("không áp dụng", default=False)
    # What the unit itself said: the council may overturn `not_applicable` when it appraises, and
    # the unit reads that only from the explanation round on, like the council's scores.
    self_not_applicable = models.BooleanField("đơn vị tự đánh giá không áp dụng", default=False)
    needs_reappraisal = models.BooleanField("cần thẩm định lại", default=False)
    return_note = models.TextField("ý kiến trả lại", blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        ordering = ["assessment", "criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="score_one_per_criterion")]

    def __str__(self):
        return f"{self.criterion.code} — {self.assessment.unit.name} ({self.assessment.period.year})"

    @property
    def effective_score(self) -> Decimal | None:
        for value in (self.final_score, self.appraised_score, self.self_score):
            if value is not None:
                return value
        return None

    @property
    def is_deducted(self) -> bool:
        """Appraised below what the unit claimed, or its "not applicable" overturned by the
        council: the rows a unit may explain."""
        if self.appraised_at is not None and self.self_not_applicable != self.not_applicable:
            return True
        return self.self_score is not None and self.appraised_score is not None and self.appraised_score < self.self_score

    @property
    def is_appraised(self) -> bool:
        return self.appraised_at is not None

    def _inputs_text(self, values: dict) -> str:
        try:
            computed = self.criterion.computed
        except FormulaError:
            computed = None
        return inputs_text(computed, values)

    @property
    def self_inputs_text(self) -> str:
        """The unit's figures of a computed row as people read them ('' when none)."""
        return self._inputs_text(self.self_inputs)

    @property
    def appraised_inputs_text(self) -> str:
        return self._inputs_text(self.appraised_inputs)

    @property
    def final_inputs_text(self) -> str:
        return self._inputs_text(self.final_inputs)

    def current_value_text(self, stage: str) -> str:
        """The stage's value as people read it: '0,5', 'không áp dụng' or 'chưa chấm'."""
        if (self.self_not_applicable if stage == "self" else self.not_applicable):
            return "không áp dụng"
        value = {"self": self.self_score, "appraisal": self.appraised_score, "final": self.final_score}.get(stage)
        if stage == "explanation":
            return f"“{self.explanation}”" if self.explanation else "(chưa giải trình)"
        if stage == "final" and value is None:
            value = self.appraised_score
        return format_score(value).replace(".", ",") if value is not None else "chưa chấm"


class Evidence(models.Model):
    """A tài liệu kiểm chứng behind a score: the file and the document it is (number, date, and
    the page that proves the criterion, as the province's guidance requires units to cite)."""

    class Stage(models.TextChoices):
        SELF = "self", "Tự đánh giá"
        EXPLANATION = "explanation", "Giải trình"

    score = models.ForeignKey(Score, verbose_name="điểm tiêu chí", on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField("giai đoạn", max_length=12, choices=Stage.choices, default=Stage.SELF)
    file = models.FileField("tệp", upload_to=EvidencePath("scoring"), max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng")
    content_type = models.CharField("kiểu tệp", max_length=100)
    doc_number = models.CharField("số văn bản", max_length=100, blank=True)
    doc_date = models.DateField("ngày văn bản", null=True, blank=True)
    page_ref = models.CharField("trang", max_length=100, blank=True, help_text="Trang chứng minh tiêu chí, ví dụ: tr. 3–4.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["score", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def citation(self) -> str:
        """'Số 12/KH-SKHCN, ngày 05/02/2024, tr. 3' — the reference as the unit cites it."""
        parts = []
        if self.doc_number:
            parts.append(f"Số {self.doc_number}")
        if self.doc_date:
            parts.append(f"ngày {self.doc_date:%d/%m/%Y}")
        if self.page_ref:
            parts.append(f"tr. {self.page_ref}" if self.page_ref[:1].isdigit() else self.page_ref)
        return ", ".join(parts)


class AppraisalAssignment(models.Model):
    """A council member appraises one field (by its level-1 code, e.g. "2" Cải cách thể chế) for
    one block, or for every block when `block` is empty — as each department appraises its own
    field (Sở Tư pháp: thể chế; Sở Tài chính: tài chính công; ...)."""

    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="thành viên Hội đồng", on_delete=models.CASCADE, related_name="appraisal_assignments"
    )
    field_code = models.CharField("lĩnh vực", max_length=8)
    block = models.ForeignKey(
        "units.Block", verbose_name="khối", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="Để trống: tất cả các khối.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân công thẩm định"
        verbose_name_plural = "phân công thẩm định"
        ordering = ["period", "field_code", "member__username"]
        constraints = [
            # Two constraints because NULL never equals NULL in a unique index: "all blocks" must
            # be unique on its own.
            models.UniqueConstraint(
                fields=["period", "member", "field_code"], condition=Q(block__isnull=True), name="assignment_unique_all_blocks"
            ),
            models.UniqueConstraint(fields=["period", "member", "field_code", "block"], name="assignment_unique_per_block"),
        ]

    def __str__(self):
        scope = self.block.name if self.block_id else "tất cả các khối"
        return f"{self.member} — lĩnh vực {self.field_code} ({scope}), năm {self.period.year}"


class ConflictDeclaration(models.Model):
    """A member stands aside from appraising a unit (their own unit is excluded without one)."""

    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="thành viên Hội đồng", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField("lý do")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khai báo xung đột lợi ích"
        verbose_name_plural = "khai báo xung đột lợi ích"
        constraints = [models.UniqueConstraint(fields=["period", "member", "unit"], name="conflict_once_per_unit")]

    def __str__(self):
        return f"{self.member} không thẩm định {self.unit} năm {self.period.year}"


class ReminderLog(models.Model):
    """One reminder sent: the unique row is what keeps a re-run of the beat task from mailing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="+")
    phase = models.CharField("giai đoạn", max_length=20)
    deadline = models.DateField("hạn")
    days_before = models.PositiveSmallIntegerField("trước hạn (ngày)")
    sent_at = models.DateTimeField("thời điểm gửi", auto_now_add=True)

    class Meta:
        verbose_name = "nhắc hạn đã gửi"
        verbose_name_plural = "nhắc hạn đã gửi"
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "phase", "deadline", "days_before"], name="reminder_once")
        ]


SCORED_KINDS_BY_STAGE = {
    # Which leaves each stage writes: survey points come from the survey, deductions from the
    # council; bonus points are claimed by the unit and appraised like its other rows.
    "self": [Kind.SELF, Kind.BONUS],
    "appraisal": [Kind.SELF, Kind.BONUS, Kind.DEDUCTION],
    "final": [Kind.SELF, Kind.BONUS, Kind.DEDUCTION, Kind.SURVEY],
    "survey": [Kind.SURVEY],
}
