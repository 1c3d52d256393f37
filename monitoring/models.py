"""Year-round CCHC monitoring (issue #22): the province's yearly CCHC plan and its tasks, the
periodic reports units send in, the registry of initiatives, and units' self-inspection of their
own divisions and sub-units.

The index is scored once a year; these are what the province follows between two scorings, and
what the index later checks (tasks of the plan done, reports sent on time, initiatives
recognised, at least half of the sub-units self-inspected)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cchc.uploads import EvidencePath
from inspections.models import Field, Finding
from units.models import Unit
from units.text import fold


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def units_existing_in(year: int):
    """Units that existed on at least one day of `year` (Unit.valid_from/valid_to, inclusive):
    a district closed on 30/06/2025 still leads its 2025 tasks; a commune formed on 01/07/2025
    may be given some. A unit switched off without a closing date (active False, valid_to empty)
    is left out, as in `monitored_units_on`: when it stopped is not known."""
    start, end = year_bounds(year)
    return (
        Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .exclude(active=False, valid_to__isnull=True)
    )


def unit_existed_in(unit: Unit, year: int) -> bool:
    """`units_existing_in` for one unit already in memory."""
    start, end = year_bounds(year)
    existed = (unit.valid_from is None or unit.valid_from <= end) and (unit.valid_to is None or unit.valid_to >= start)
    return existed and (unit.active or unit.valid_to is not None)


def monitored_units_on(day: datetime.date):
    """The units whose work is followed on `day` (who owes a periodic report due that day, whose
    self-inspection counts): those that existed on it. A unit switched off without a closing date
    (active False, valid_to empty) is left out: when it stopped is not known."""
    return Unit.objects.existing_on(day).exclude(active=False, valid_to__isnull=True)


def unit_monitored_on(unit: Unit, day: datetime.date) -> bool:
    """`monitored_units_on` for one unit already in memory."""
    return unit.existed_on(day) and (unit.active or unit.valid_to is not None)


class StoredFile(models.Model):
    """A file a unit handed in (evidence, a report), stored under a random name (cchc.uploads)."""

    file = models.FileField("tệp", upload_to=EvidencePath("monitoring"), max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng")
    content_type = models.CharField("kiểu tệp", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


# --- 1. Kế hoạch CCHC năm ------------------------------------------------------------------------


class ReformPlan(models.Model):
    """Kế hoạch cải cách hành chính năm of the province (e.g. QĐ 3369/QĐ-UBND of 31/12/2025 for
    2026): one per year, its tasks imported from the plan's appendix."""

    year = models.PositiveSmallIntegerField("năm", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    number = models.CharField("số văn bản", max_length=50, blank=True, help_text="Ví dụ: 3369/QĐ-UBND")
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    title = models.CharField("trích yếu", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kế hoạch CCHC năm"
        verbose_name_plural = "kế hoạch CCHC năm"
        ordering = ["-year"]

    def __str__(self):
        return f"Kế hoạch CCHC năm {self.year}"


class PlanTask(models.Model):
    """One task (nhiệm vụ) of the plan, led by one unit with others supporting.

    in_progress → reported (the lead unit reported it done, with its product) → accepted (staff)
                                                                             → returned → reported …

    Only an accepted task counts as completed. Being overdue is not a state: the daily task
    stamps `overdue_since` on a task still with the unit past its deadline, and the stamp stays
    as the record of lateness (as inspections' Finding.overdue_since)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "Đang thực hiện"
        REPORTED = "reported", "Đã báo cáo hoàn thành, chờ xác nhận"
        RETURNED = "returned", "Trả lại, cần bổ sung"
        ACCEPTED = "accepted", "Hoàn thành"

    plan = models.ForeignKey(ReformPlan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField("số thứ tự", max_length=16)
    position = models.PositiveIntegerField("thứ tự hiển thị", default=0)
    title = models.TextField("nhiệm vụ")
    field = models.CharField("lĩnh vực", max_length=2, choices=Field.choices)
    lead_unit = models.ForeignKey(Unit, verbose_name="đơn vị chủ trì", on_delete=models.PROTECT, related_name="led_plan_tasks")
    supporting_units = models.ManyToManyField(Unit, verbose_name="đơn vị phối hợp", blank=True, related_name="supported_plan_tasks")
    deadline = models.DateField("thời hạn", null=True, blank=True, help_text="Để trống với nhiệm vụ thực hiện thường xuyên.")
    expected_product = models.TextField("sản phẩm đầu ra", blank=True)
    status = models.CharField("tình trạng", max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0, validators=[MaxValueValidator(100)])
    overdue_since = models.DateField("quá hạn từ ngày", null=True, blank=True, editable=False)
    review_comment = models.TextField("ý kiến của Sở Nội vụ", blank=True)
    reviewed_at = models.DateTimeField("thời điểm xem xét", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nhiệm vụ của kế hoạch CCHC"
        verbose_name_plural = "nhiệm vụ của kế hoạch CCHC"
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_task_number_unique_in_plan")]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["lead_unit", "status"])]

    def __str__(self):
        title = self.title if len(self.title) <= 80 else self.title[:79] + "…"
        return f"Nhiệm vụ {self.number}: {title}"

    @property
    def awaits_unit(self) -> bool:
        return self.status in (self.Status.IN_PROGRESS, self.Status.RETURNED)

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_overdue(self) -> bool:
        return self.overdue_since is not None and not self.is_completed


class TaskReport(models.Model):
    """What the lead unit reports: progress on the way, or completion with the product."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Báo cáo tiến độ"
        COMPLETION = "completion", "Báo cáo hoàn thành"

    task = models.ForeignKey(PlanTask, verbose_name="nhiệm vụ", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("loại báo cáo", max_length=12, choices=Kind.choices)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", validators=[MaxValueValidator(100)])
    text = models.TextField("nội dung báo cáo")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người báo cáo", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("thời điểm báo cáo", auto_now_add=True)

    class Meta:
        verbose_name = "báo cáo thực hiện nhiệm vụ"
        verbose_name_plural = "báo cáo thực hiện nhiệm vụ"
        ordering = ["task", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class TaskEvidence(StoredFile):
    report = models.ForeignKey(TaskReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = "tài liệu kiểm chứng thực hiện nhiệm vụ"
        verbose_name_plural = "tài liệu kiểm chứng thực hiện nhiệm vụ"
        ordering = ["report", "id"]


# --- 2. Báo cáo định kỳ ------------------------------------------------------------------------------


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Báo cáo quý I" → "báo cáo quý I" (the numeral stays upper-case)."""
    return label[:1].lower() + label[1:]


class ReportKind(models.TextChoices):
    """The periodic CCHC reports of a year, in calendar order."""

    Q1 = "q1", "Báo cáo quý I"
    H1 = "h1", "Báo cáo 6 tháng"
    M9 = "m9", "Báo cáo 9 tháng"
    YEAR = "year", "Báo cáo năm"


class ReportDue(models.Model):
    """One periodic report of a year and the day units must send it by (set by staff)."""

    year = models.PositiveSmallIntegerField("năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField("kỳ báo cáo", max_length=8, choices=ReportKind.choices)
    due_date = models.DateField("hạn gửi")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kỳ báo cáo định kỳ"
        verbose_name_plural = "kỳ báo cáo định kỳ"
        ordering = ["year", "due_date", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="report_due_once_per_year_and_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} năm {self.year}"


class ReportSubmission(StoredFile):
    """A unit's report file for one period. A unit may send a corrected file: every version is
    kept, and the first one decides whether the report came on time."""

    due = models.ForeignKey(ReportDue, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="periodic_reports")
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "báo cáo định kỳ của đơn vị"
        verbose_name_plural = "báo cáo định kỳ của đơn vị"
        ordering = ["due", "unit", "uploaded_at", "id"]
        indexes = [models.Index(fields=["due", "unit"])]


class ReportReminderLog(models.Model):
    """One reminder sent: the unique row keeps a second run of the daily task from mailing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="+")
    due = models.ForeignKey(ReportDue, verbose_name="kỳ báo cáo", on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField("hạn")
    days_before = models.PositiveSmallIntegerField("trước hạn (ngày)")
    sent_at = models.DateTimeField("thời điểm gửi", auto_now_add=True)

    class Meta:
        verbose_name = "thư nhắc báo cáo định kỳ"
        verbose_name_plural = "thư nhắc báo cáo định kỳ"
        constraints = [
            models.UniqueConstraint(fields=["user", "due", "deadline", "days_before"], name="report_reminder_once")
        ]


# --- 3. Mô hình, sáng kiến ----------------------------------------------------------------------------


class Initiative(models.Model):
    """A model or initiative (mô hình, sáng kiến CCHC) a unit registers:

    registered → implementing → recognised (decision number and date, by staff) → replicated
    (the units that adopted it)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Đăng ký"
        IMPLEMENTING = "implementing", "Đang triển khai"
        RECOGNISED = "recognised", "Được công nhận"
        REPLICATED = "replicated", "Nhân rộng"

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="initiatives")
    year = models.PositiveSmallIntegerField("năm đăng ký", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("tên mô hình, sáng kiến", max_length=255)
    field = models.CharField("lĩnh vực", max_length=2, choices=Field.choices)
    description = models.TextField("mô tả", help_text="Nội dung, cách làm, hiệu quả mang lại.")
    status = models.CharField("tình trạng", max_length=16, choices=Status.choices, default=Status.REGISTERED)
    implementing_since = models.DateField("triển khai từ ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định công nhận", max_length=50, blank=True)
    decision_date = models.DateField("ngày quyết định công nhận", null=True, blank=True)
    adopters = models.ManyToManyField(Unit, verbose_name="đơn vị áp dụng, nhân rộng", blank=True, related_name="adopted_initiatives")
    # Accent-free, lower-case copy of the title and the description, as Unit.search_key.
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người đăng ký", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mô hình, sáng kiến"
        verbose_name_plural = "mô hình, sáng kiến"
        ordering = ["-year", "unit__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["registered", "implementing"]) | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="initiative_recognised_with_decision",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.title} {self.description}")
        super().save(*args, **kwargs)

    @property
    def is_recognised(self) -> bool:
        return self.status in (self.Status.RECOGNISED, self.Status.REPLICATED)


class InitiativeEvidence(StoredFile):
    initiative = models.ForeignKey(Initiative, verbose_name="mô hình, sáng kiến", on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = "tài liệu về mô hình, sáng kiến"
        verbose_name_plural = "tài liệu về mô hình, sáng kiến"
        ordering = ["initiative", "id"]


# --- 4. Tự kiểm tra của đơn vị -------------------------------------------------------------------------


class SubUnitQuerySet(models.QuerySet):
    def standing_on(self, day: datetime.date):
        """On the list that day: listed on or before it, not yet taken off (SubUnit.standing_on)."""
        return self.filter(listed_on__lte=day).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))


class SubUnit(models.Model):
    """A division or sub-unit of a unit (phòng, ban chuyên môn; đơn vị trực thuộc): the standing
    list its self-inspection coverage is counted against. Taking one off the list keeps the row
    and its inspections; `removed_on` says from when it no longer counts."""

    class Kind(models.TextChoices):
        DIVISION = "division", "Phòng, ban chuyên môn"
        DEPENDENT = "dependent", "Đơn vị trực thuộc"

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="sub_units")
    name = models.CharField("tên phòng, đơn vị trực thuộc", max_length=255)
    kind = models.CharField("loại", max_length=12, choices=Kind.choices, default=Kind.DIVISION)
    listed_on = models.DateField("có trong danh sách từ ngày", default=timezone.localdate)
    removed_on = models.DateField("bỏ khỏi danh sách từ ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "phòng, đơn vị trực thuộc"
        verbose_name_plural = "phòng, đơn vị trực thuộc"
        ordering = ["unit", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], condition=Q(removed_on__isnull=True), name="sub_unit_name_unique_while_listed"),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("listed_on")), name="sub_unit_removed_after_listed"
            ),
        ]

    def __str__(self):
        return self.name

    def standing_on(self, day: datetime.date) -> bool:
        return self.listed_on <= day and (self.removed_on is None or self.removed_on > day)


class SelfInspectionTarget(models.Model):
    """The province's share of its sub-units a unit must self-inspect in a year (DOMAIN: "at least
    50 % of their divisions and sub-units each year"). A year without a row uses the default."""

    DEFAULT_SHARE = Decimal("50")

    year = models.PositiveSmallIntegerField("năm", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    min_share = models.DecimalField(
        "tỷ lệ tối thiểu (%)", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tỷ lệ tự kiểm tra tối thiểu"
        verbose_name_plural = "tỷ lệ tự kiểm tra tối thiểu"
        ordering = ["-year"]

    def __str__(self):
        return f"Năm {self.year}: {self.min_share} %"


class SelfInspection(models.Model):
    """One self-inspection of a sub-unit in the unit's plan of the year, then its result."""

    class Form(models.TextChoices):
        IN_PERSON = "in_person", "Trực tiếp"
        ONLINE = "online", "Trực tuyến"

    class Status(models.TextChoices):
        PLANNED = "planned", "Theo kế hoạch"
        DONE = "done", "Đã kiểm tra"

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="self_inspections")
    subunit = models.ForeignKey(SubUnit, verbose_name="phòng, đơn vị được kiểm tra", on_delete=models.PROTECT, related_name="inspections")
    year = models.PositiveSmallIntegerField("năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    planned_date = models.DateField("thời gian kiểm tra dự kiến")
    form = models.CharField("hình thức", max_length=12, choices=Form.choices, default=Form.IN_PERSON)
    status = models.CharField("tình trạng", max_length=8, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField("ngày kiểm tra", null=True, blank=True)
    result = models.TextField("kết quả kiểm tra", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cuộc tự kiểm tra"
        verbose_name_plural = "cuộc tự kiểm tra"
        ordering = ["unit", "year", "planned_date", "id"]
        indexes = [models.Index(fields=["unit", "year", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status="planned") | Q(done_on__isnull=False), name="self_inspection_done_has_date"),
        ]

    def __str__(self):
        return f"Tự kiểm tra {self.subunit.name} ({self.planned_date:%d/%m/%Y})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


class SelfInspectionFinding(models.Model):
    """What the unit's own inspection found at the sub-unit: a strength or a shortcoming."""

    inspection = models.ForeignKey(SelfInspection, verbose_name="cuộc tự kiểm tra", on_delete=models.CASCADE, related_name="findings")
    field = models.CharField("lĩnh vực", max_length=2, choices=Field.choices)
    kind = models.CharField("loại", max_length=16, choices=Finding.Kind.choices, default=Finding.Kind.SHORTCOMING)
    text = models.TextField("nội dung")
    recommendation = models.TextField("kiến nghị, yêu cầu khắc phục", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kết quả tự kiểm tra"
        verbose_name_plural = "kết quả tự kiểm tra"
        ordering = ["inspection", "field", "kind", "id"]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.get_kind_display()}: {text}"


# --- 5. Hồ sơ thi đua, khen thưởng ------------------------------------------------------------------


def default_emulation_classifications() -> list[str]:
    return list(EmulationRule.DEFAULT_CLASSIFICATIONS)


class EmulationRule(models.Model):
    """Which units of a published year Sở Nội vụ proposes for commendation in the emulation review
    (hồ sơ thi đua, khen thưởng): those of the classifications chosen (by default Xuất sắc only),
    and, if a number is set, only those ranked within that many first places of their block (units
    on equal indexes share a place). A year without a row uses the default."""

    DEFAULT_CLASSIFICATIONS = ("Xuất sắc",)

    period = models.OneToOneField(
        "scoring.Period", verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="emulation_rule"
    )
    classifications = models.JSONField("xếp loại được đề nghị khen thưởng", default=default_emulation_classifications)
    top_n_per_block = models.PositiveSmallIntegerField(
        "số thứ hạng dẫn đầu mỗi khối",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Để trống: không giới hạn.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tiêu chí đề nghị khen thưởng"
        verbose_name_plural = "tiêu chí đề nghị khen thưởng"
        ordering = ["period"]

    def __str__(self):
        return f"Tiêu chí đề nghị khen thưởng năm {self.period.year}"
